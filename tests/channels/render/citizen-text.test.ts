import type { Activity } from 'botbuilder';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { renderActivity, renderText, type OutMessage } from '../../../channels/render';
import { TELEGRAM_CAPABILITIES } from '../../../channels/telegram/telegram-capabilities';
import { markdown, t } from '../../../dialogs/i18n';
import { plainNumbered, whatsappCloudLike } from './caps';

/*
 * A citizen's words placed into the bot's sentences by t() (dialogs/i18n) reach each channel exactly as
 * typed: no bold, no link, no tag, no list; the bot's own markup and new lines still work around them.
 */

const typed = '*urgente* <b>farola</b> [mira](javascript:alert(1)) _ya_ # no\n- dos';
const summary = t('es', 'intake.summary', {
  lines: markdown([t('es', 'summary.service', { service: 'Alumbrado' }), t('es', 'summary.description', { description: typed })].join('\n')),
});
const shown = `Repasemos:\n• Servicio: Alumbrado\n• Descripción: ${typed}\n¿Lo envío?`;
const text = (out: OutMessage[]): string => out.map((m) => (m.kind === 'text' ? m.text : '')).join('');
const activity: Partial<Activity> = { type: 'message', text: summary };

describe('citizen text inside bot messages, per channel', () => {
  it('Telegram: escaped HTML, no tag but the ones the bot meant (none here)', () => {
    expect(text(renderActivity(activity, TELEGRAM_CAPABILITIES))).toBe(shown.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it('WhatsApp: the words as typed, their * and _ made inert with invisible word joiners', () => {
    const out = text(renderActivity(activity, whatsappCloudLike));
    expect(out.replace(/\u2060/g, '')).toBe(shown);
    // Every marker the citizen typed is fenced off from the spaces around it, so WhatsApp cannot pair it.
    expect(out).toContain('\u2060*\u2060urgente\u2060*\u2060');
    expect(out).toContain('\u2060_\u2060ya\u2060_\u2060');
  });

  it('plain text: the words as typed', () => {
    expect(text(renderActivity(activity, plainNumbered))).toBe(shown);
  });

  it('web chat: Web Chat (markdown-it, linkify, raw HTML off) shows the lines, and the words as typed', () => {
    const html = new MarkdownIt({ html: false, linkify: true }).render(renderText(summary, 'markdown')).trim();
    expect(html).toBe(`<p>${shown.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>\n')}</p>`);
  });

  it("keeps the bot's own markup in a Markdown value (a knowledge article), and numbers and phones as they are", () => {
    const answer = t('es', 'knowledge.answer', { answer: markdown('Llama al **010**.'), sources: markdown(t('es', 'knowledge.source', { title: 'Agua *sucia*', url: 'https://x.test/a_b' })) });
    expect(renderText(answer, 'telegram-html')).toBe('Llama al <b>010</b>.\n\nFuente: Agua *sucia* — https://x.test/a_b\n\n¿Te sirvió?');
    expect(t('es', 'input.tooLong', { max: 2000 })).toContain('2000');
    expect(t('es', 'summary.contact', { contact: 'Ana, +34 600 111 222, ana_p@x.test' })).toBe('• Contacto: Ana, +34 600 111 222, ana_p@x.test');
  });
});
