import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderActivity, type OutMessage } from '../../../channels/render';
import { plainNumbered, telegramLike, whatsappCloudLike } from './caps';

const choice = (text: string, titles: string[]): Partial<Activity> => ({
  type: 'message',
  text,
  suggestedActions: { to: [], actions: titles.map((t) => ({ type: 'imBack', title: t, value: t })) },
});
const texts = (out: OutMessage[]): string[] => out.flatMap((m) => (m.kind === 'text' ? [m.text] : []));

describe('renderActivity: markup', () => {
  it('makes citizen text inert in Telegram HTML: <script> and & are escaped, markup becomes tags', () => {
    const [m] = renderActivity({ type: 'message', text: 'Registré **tu reclamo**: «<script>alert(1)</script> & co» en _Calle <b>_' }, telegramLike);
    expect(m).toEqual({
      kind: 'text',
      text: 'Registré <b>tu reclamo</b>: «&lt;script&gt;alert(1)&lt;/script&gt; &amp; co» en <i>Calle &lt;b&gt;</i>',
    });
  });

  it('keeps entities the citizen typed literal (&amp; stays visible as "&amp;", not as "&") once escaped at the i18n layer', () => {
    expect(texts(renderActivity({ text: `Dijiste: ${escapeMarkdown('A &amp; B &lt;')}` }, telegramLike))).toEqual(['Dijiste: A &amp;amp; B &amp;lt;']);
    // The bot's own text is CommonMark, where an entity is the character it names.
    expect(texts(renderActivity({ text: 'A &amp; B' }, telegramLike))).toEqual(['A &amp; B']);
  });

  it('renders safe links as <a> with an escaped href and drops javascript: links to their text', () => {
    const out = texts(renderActivity({ text: 'Mirá [la web](https://x.test/?a=1&b=<2>) o [esto](javascript:alert`1`)' }, telegramLike));
    expect(out).toEqual(['Mirá <a href="https://x.test/?a=1&amp;b=%3C2%3E">la web</a> o esto']);
  });

  it('converts to WhatsApp *bold* and _italic_, links as "text (url)", and to plain text without markers', () => {
    const text = 'Estado: **En curso** y _revisado_, ver [detalle](https://x.test/a) o https://x.test';
    expect(texts(renderActivity({ text }, whatsappCloudLike))).toEqual(['Estado: *En curso* y _revisado_, ver detalle (https://x.test/a) o https://x.test']);
    expect(texts(renderActivity({ text }, plainNumbered))).toEqual(['Estado: En curso y revisado, ver detalle (https://x.test/a) o https://x.test']);
  });

  it('leaves underscores inside words alone and shows a list as lines with bullets', () => {
    expect(texts(renderActivity({ text: 'mail a juan_perez@x.test\n* uno\n* dos' }, telegramLike))).toEqual(['mail a juan_perez@x.test\n• uno\n• dos']);
  });
});

describe('renderActivity: splitting', () => {
  it('splits a 10,000-character text at a 4096 limit on sentence boundaries without breaking tags or entities', () => {
    const sentence = 'La **farola** de <Colón> & _Mayor_ sigue apagada. ';
    const text = sentence.repeat(Math.ceil(10_000 / sentence.length)).slice(0, 10_000);
    const parts = texts(renderActivity({ text }, telegramLike));
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      // Every tag opened in a part is closed in it, in order; no entity is cut.
      const stack: string[] = [];
      for (const [, close, name] of p.matchAll(/<(\/?)(b|i)>/g)) {
        if (close) expect(stack.pop()).toBe(name);
        else stack.push(name!);
      }
      expect(stack).toEqual([]);
      expect(p.replace(/&(amp|lt|gt|quot);/g, '')).not.toMatch(/&|<(?!\/?[bi]>)/);
    }
    for (const p of parts.slice(0, -1)) expect(p).toMatch(/\.$/); // ended on a sentence
    // Nothing lost: the visible text of the parts is the original's, minus the spaces at the cuts.
    const visible = parts.map((p) => p.replace(/<\/?[bi]>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).join(' ');
    expect(visible).toBe(text.replace(/\*\*|_/g, '').trim());
  });

  it('closes a bold stretch cut in two and opens it again in the next part', () => {
    const text = `**${'palabra '.repeat(1200).trim()}**`;
    const parts = texts(renderActivity({ text }, telegramLike));
    expect(parts.length).toBe(3);
    for (const p of parts) expect(p).toMatch(/^<b>[^<]+<\/b>$/);
  });

  it('cuts a single word longer than the limit hard, never inside an emoji', () => {
    const parts = texts(renderActivity({ text: '😀'.repeat(3000) }, { ...telegramLike, maxTextLength: 4095 }));
    expect(parts.map((p) => p.length)).toEqual([4094, 1906]);
    expect(parts.join('')).toBe('😀'.repeat(3000));
  });
});

describe('renderActivity: choices', () => {
  it('shows options as buttons when they fit, on the last text message only', () => {
    const out = renderActivity(choice(`${'Una frase larga. '.repeat(300)}¿Es correcto?`, ['Sí', 'No']), telegramLike);
    expect(out.length).toBe(2);
    expect(out[0]).not.toHaveProperty('choices');
    expect(out[1]).toMatchObject({ kind: 'text', choices: { style: 'buttons', options: [{ title: 'Sí', value: 'Sí' }, { title: 'No', value: 'No' }] } });
  });

  it('uses a WhatsApp list for 4 to 10 options, cutting titles to 24 characters while the value stays whole', () => {
    const titles = ['Alumbrado público y semáforos', 'Baches', 'Basura', 'Ruido'];
    const [m] = renderActivity(choice('¿Sobre qué es?', titles), whatsappCloudLike);
    expect(m).toMatchObject({ kind: 'text', text: '¿Sobre qué es?', choices: { style: 'list' } });
    const options = m?.kind === 'text' ? m.choices?.options : [];
    expect(options?.[0]).toEqual({ title: 'Alumbrado público y sem…', value: 'Alumbrado público y semáforos', description: 'Alumbrado público y semáforos' });
    expect(Array.from(options?.[0]?.title ?? '').length).toBe(24);
  });

  it('cuts reply button titles to 20 characters on a WhatsApp whose lists have no descriptions', () => {
    const [m] = renderActivity(choice('¿Es correcto?', ['Sí, es exactamente eso', 'No']), { ...whatsappCloudLike, maxListRowDescription: undefined });
    expect(m).toMatchObject({ choices: { style: 'buttons', options: [{ title: 'Sí, es exactamente…', value: 'Sí, es exactamente eso' }, { title: 'No', value: 'No' }] } });
  });

  it('falls back to numbered text past the list size, appending the lines with full titles', () => {
    const titles = Array.from({ length: 11 }, (_, i) => `Servicio número ${i + 1} con nombre largo`);
    const [m] = renderActivity(choice('¿Sobre qué es?', titles), whatsappCloudLike);
    expect(m?.kind === 'text' && m.choices?.style).toBe('numbered');
    expect(m?.kind === 'text' && m.text).toBe(`¿Sobre qué es?\n\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}`);
  });

  it('always numbers on a numbered-only channel, and escapes option titles like text', () => {
    const [m] = renderActivity(choice('¿**Seguro**?', ['Sí', '<No>']), { ...telegramLike, choices: 'numbered' });
    expect(m).toEqual({ kind: 'text', text: '¿<b>Seguro</b>?\n\n1. Sí\n2. &lt;No&gt;', choices: { style: 'numbered', options: [{ title: 'Sí', value: 'Sí' }, { title: '<No>', value: '<No>' }] } });
  });

  it('keeps buttons that have no text to go with', () => {
    expect(renderActivity(choice('', ['Sí']), telegramLike)).toEqual([{ kind: 'text', text: '', choices: { style: 'buttons', options: [{ title: 'Sí', value: 'Sí' }] } }]);
  });
});

describe('renderActivity: media and typing', () => {
  it('sends images before the text, and other files as links in the text', () => {
    const out = renderActivity({
      type: 'message',
      text: 'Tu foto',
      attachments: [
        { contentType: 'image/jpeg', contentUrl: 'https://x.test/media/a.jpg' },
        { contentType: 'application/pdf', contentUrl: 'https://x.test/b.pdf', name: 'informe.pdf' },
      ],
    }, telegramLike);
    expect(out).toEqual([{ kind: 'image', url: 'https://x.test/media/a.jpg' }, { kind: 'text', text: 'Tu foto\n\ninforme.pdf: https://x.test/b.pdf' }]);
  });

  it('sends other files as files where the channel can (named from the URL when the attachment has no name)', () => {
    const out = renderActivity({
      type: 'message',
      text: 'Tus datos',
      attachments: [
        { contentType: 'application/json', contentUrl: 'https://x.test/media/mis%20datos.json?sig=1' },
        { contentType: 'application/pdf', contentUrl: 'https://x.test/b.pdf', name: 'informe.pdf' },
        { contentType: 'application/pdf', contentUrl: 'javascript:alert(1)', name: 'mal.pdf' },
      ],
    }, { ...telegramLike, files: true });
    expect(out).toEqual([
      { kind: 'file', url: 'https://x.test/media/mis%20datos.json?sig=1', name: 'mis datos.json', contentType: 'application/json' },
      { kind: 'file', url: 'https://x.test/b.pdf', name: 'informe.pdf', contentType: 'application/pdf' },
      { kind: 'text', text: 'Tus datos' },
    ]);
  });

  it('shows typing only where the channel can', () => {
    expect(renderActivity({ type: 'typing' }, telegramLike)).toEqual([{ kind: 'typing' }]);
    expect(renderActivity({ type: 'typing' }, whatsappCloudLike)).toEqual([]);
    expect(renderActivity({ type: 'event', name: 'x' }, telegramLike)).toEqual([]);
  });
});
