import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { ChannelMarkup } from '../../../bot/channel';
import { escapeHtml, escapeMarkdown, renderText } from '../../../channels/render';
import { parseMarkdown, plainText } from '../../../channels/render/markdown';

// Microsoft's Web Chat renders with markdown-it's default preset (tables, strikethrough, linkify), raw HTML off.
const webChat = new MarkdownIt({ html: false, linkify: true });
const webChatHtml = (md: string): string => webChat.render(md).trim();

describe('renderText: the bot means a new line', () => {
  const summary = 'Repasemos:\nTipo: Aviso\nServicio: Alumbrado\n¿Lo envío?';

  it('emits hard breaks for web chat, so Web Chat shows separate lines (a lone newline is a space there)', () => {
    const md = renderText(summary, 'markdown');
    expect(md).toBe('Repasemos:\\\nTipo: Aviso\\\nServicio: Alumbrado\\\n¿Lo envío?');
    expect(webChatHtml(md)).toBe('<p>Repasemos:<br>\nTipo: Aviso<br>\nServicio: Alumbrado<br>\n¿Lo envío?</p>');
    // Without them, Web Chat runs the lines together.
    expect(webChatHtml(summary)).toBe('<p>Repasemos:\nTipo: Aviso\nServicio: Alumbrado\n¿Lo envío?</p>');
  });

  it('keeps newlines on Telegram, WhatsApp and plain text', () => {
    for (const m of ['telegram-html', 'whatsapp', 'plain'] as const) expect(renderText(summary, m)).toBe(summary);
  });

  it('keeps paragraphs, and a list right under a line stays right under it', () => {
    const text = 'Tus datos:\n- uno\n- dos\n\nFin';
    expect(renderText(text, 'telegram-html')).toBe('Tus datos:\n• uno\n• dos\n\nFin');
    expect(renderText(text, 'markdown')).toBe('Tus datos:\\\n• uno\\\n• dos\n\nFin');
    expect(webChatHtml(renderText(text, 'markdown'))).toBe('<p>Tus datos:<br>\n• uno<br>\n• dos</p>\n<p>Fin</p>');
  });
});

describe('renderText: markup per channel', () => {
  const text = '**Bold** _it_ ~~old~~ `a<b` [web](https://x.test/a?b=1&c=2)\n> nota\n\n```\n<x> *y*\n```';

  it('writes Telegram HTML with only the tags Telegram allows, text escaped', () => {
    const html = renderText(text, 'telegram-html');
    expect(html).toBe('<b>Bold</b> <i>it</i> <s>old</s> <code>a&lt;b</code> <a href="https://x.test/a?b=1&amp;c=2">web</a>\n<blockquote>nota</blockquote>\n\n<pre>&lt;x&gt; *y*</pre>');
    for (const [, tag] of html.matchAll(/<\/?([a-z]+)/g)) expect(['b', 'i', 'u', 's', 'a', 'code', 'pre', 'blockquote']).toContain(tag);
  });

  it('writes WhatsApp markers', () => {
    expect(renderText(text, 'whatsapp')).toBe('*Bold* _it_ ~old~ `a<b` web (https://x.test/a?b=1&c=2)\n> nota\n\n```<x> *y*```');
  });

  it('writes CommonMark Web Chat reads back as the same thing', () => {
    const md = renderText(text, 'markdown');
    expect(webChatHtml(md)).toBe(
      '<p><strong>Bold</strong> <em>it</em> <s>old</s> <code>a&lt;b</code> <a href="https://x.test/a?b=1&amp;c=2">web</a></p>\n' +
        '<blockquote>\n<p>nota</p>\n</blockquote>\n<pre><code>&lt;x&gt; *y*\n</code></pre>',
    );
  });

  it('shows an unsafe link as its text only, on every channel', () => {
    for (const m of ['markdown', 'telegram-html', 'whatsapp', 'plain'] as const) {
      const out = renderText('[pulsa](javascript:alert(1)) y [esto](data:text/html,x)', m);
      expect(out).not.toMatch(/javascript|data:/);
    }
  });
});

describe('citizen text escaped with escapeMarkdown is shown literally', () => {
  const nasty = [
    '*x* y _z_ y __w__',
    '<b>hola</b> <script>alert(1)</script>',
    '[a](javascript:alert(1)) ![i](http://x.test/t.png) <http://x.test>',
    '# título',
    '> cita',
    '- item',
    '1. uno',
    '2) dos',
    '---',
    '===',
    '~~tachado~~ `código` \\ barra',
    'A &amp; B &lt; &#65;',
    'juan_perez@x.test +34 600 111 222 12.5 a|b',
    'línea uno\nlínea dos\n    sangrada\n* viñeta',
  ];
  const escapedIn = (s: string): string => `Descripción: ${escapeMarkdown(s)}`;
  // What a reader sees: leading spaces of a line go (a paragraph drops them), everything else stays.
  const seen = (s: string): string => `Descripción: ${s.replace(/\n[ \t]+/g, '\n')}`;

  it.each(nasty)('%s: plain text and WhatsApp show it as typed', (s) => {
    expect(renderText(escapedIn(s), 'plain')).toBe(seen(s));
    // WhatsApp has no escape: markers get invisible word joiners so they touch no space (nothing else changes).
    expect(renderText(escapedIn(s), 'whatsapp').replace(/\u2060/g, '')).toBe(seen(s));
  });

  it.each(nasty)('%s: Telegram gets it escaped, with no tag at all', (s) => {
    expect(renderText(escapedIn(s), 'telegram-html')).toBe(escapeHtml(seen(s)));
  });

  it.each(nasty)('%s: Web Chat shows it as typed, one line per line, no tag, no link but its own bare-URL ones', (s) => {
    const html = webChatHtml(renderText(escapedIn(s), 'markdown'));
    // Web Chat links a bare address itself (linkify): that link's text is the address, its target http or mailto.
    const unlinked = html.replace(/<a href="((?:https?|mailto):[^"]*)">([^<]*)<\/a>/g, (_m, href: string, label: string) => {
      expect(href.replace(/^mailto:/, '')).toBe(label);
      return label;
    });
    expect(unlinked).not.toMatch(/<(?!\/?p>|br>)/);
    expect(unlinked.replace(/<br>\n/g, '\n').replace(/^<p>|<\/p>$/g, '')).toBe(escapeHtml(seen(s)).replace(/"/g, '&quot;'));
  });

  it('never lets random text become markup (2,000 random strings of markdown characters)', () => {
    const pieces = ['*', '**', '_', '__', '~', '~~', '`', '[', ']', '(', ')', '<', '>', '&', 'amp;', '#', '-', '+', '=', '1.', '2)', '!', '\\', '|', ':', 'http://x.y', 'a', 'b', 'é', ' ', ' ', '\n'];
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 2000; i++) {
      const raw = Array.from({ length: 1 + rnd(24) }, () => pieces[rnd(pieces.length)]).join('');
      // Lines as a reader sees them: no blank lines, no spaces at either end.
      const s = raw.split('\n').map((l) => l.trim()).filter((l) => l !== '').join('\n');
      if (s === '') continue;
      const escaped = escapeMarkdown(s);
      expect(plainText(parseMarkdown(escaped)), JSON.stringify(s)).toBe(s);
      expect(renderText(escaped, 'telegram-html'), JSON.stringify(s)).toBe(escapeHtml(s));
      // What Web Chat parses out of the web chat rendering: the same text, the same lines.
      expect(plainText(parseMarkdown(renderText(escaped, 'markdown'), { breaks: false })), JSON.stringify(s)).toBe(s);
    }
  });
});

describe('parseMarkdown', () => {
  it('reads a lone newline as a space when asked to read like Web Chat', () => {
    expect(plainText(parseMarkdown('a\nb', { breaks: false }))).toBe('a b');
    expect(plainText(parseMarkdown('a\\\nb', { breaks: false }))).toBe('a\nb');
  });

  it('turns bare URLs into links only when asked (the widget does, like Web Chat)', () => {
    expect(parseMarkdown('ver https://x.test/a', { linkify: true }).at(-1)).toEqual({ text: 'https://x.test/a', style: { href: 'https://x.test/a' } });
    expect(parseMarkdown('ver https://x.test/a')).toEqual([{ text: 'ver https://x.test/a', style: {} }]);
  });
});

const markups: readonly ChannelMarkup[] = ['markdown', 'telegram-html', 'whatsapp', 'plain'];
describe('renderText: empty and whitespace', () => {
  it.each(markups)('%s: nothing in, nothing out', (m) => {
    expect(renderText('', m)).toBe('');
  });
});
