import type { Activity, Attachment } from 'botbuilder';
import type { ChannelCapabilities } from '../../bot/channel';
import { fitChoices, numberedLines, optionsOf } from './fit-choices';
import type { Run } from './markdown';
import { parsedMarkdown } from './parsed-markdown';
import type { OutChoices, OutMessage } from './out-message';
import { splitRendered } from './split-text';

/**
 * Turns one bot Activity into the messages a channel sends, by the channel's capabilities: text in
 * its markup and split at its length limit; suggested actions as buttons, a list or numbered lines;
 * image attachments as images; `typing` when the channel can show it. Pure: no I/O, no state.
 *
 * Images come first and the text last, so that a question and its options are the last thing the
 * citizen sees; the choices ride on the last text message only.
 *
 * @example
 * ```ts
 * renderActivity({ type: 'message', text: '¿Es **correcto**?', suggestedActions: { to: [], actions: [
 *   { type: 'imBack', title: 'Sí', value: 'Sí' }, { type: 'imBack', title: 'No', value: 'No' }] } }, telegramCaps);
 * // → [{ kind: 'text', text: '¿Es <b>correcto</b>?', choices: { style: 'buttons', options: [{ title: 'Sí', value: 'Sí' }, …] } }]
 * ```
 */
export function renderActivity(activity: Partial<Activity>, caps: ChannelCapabilities): OutMessage[] {
  const type = activity.type ?? 'message';
  if (type === 'typing') return caps.typing ? [{ kind: 'typing' }] : [];
  if (type !== 'message') return [];
  const { images, links } = mediaOf(activity.attachments ?? [], caps);
  return [...images, ...textMessages(activity, links, caps)];
}

function textMessages(activity: Partial<Activity>, links: readonly string[], caps: ChannelCapabilities): OutMessage[] {
  const options = optionsOf(activity);
  const choices = options.length > 0 ? fitChoices(options, caps) : undefined;
  const runs: Run[] = [...parsedMarkdown(activity.text ?? '')];
  // Appended as literal runs: an option titled "*Otro*" is shown as typed, not as markup.
  for (const extra of [...links, ...(choices?.style === 'numbered' ? [numberedLines(choices.options)] : [])]) {
    runs.push({ text: runs.length > 0 ? `\n\n${extra}` : extra, style: {} });
  }
  const parts = splitRendered(runs, caps.markup, caps.maxTextLength);
  if (parts.length === 0) return choices ? [withChoices('', choices)] : [];
  return parts.map((text, i) => (i === parts.length - 1 && choices ? withChoices(text, choices) : { kind: 'text', text }));
}

const withChoices = (text: string, choices: OutChoices): OutMessage => ({ kind: 'text', text, choices });

/** Images the channel can show; any other file (or any image it cannot show) becomes a link in the text. */
function mediaOf(attachments: readonly Attachment[], caps: ChannelCapabilities): { images: OutMessage[]; links: string[] } {
  const images: OutMessage[] = [];
  const links: string[] = [];
  for (const a of attachments) {
    if (typeof a.contentUrl !== 'string' || !/^https?:\/\//i.test(a.contentUrl)) continue;
    if (caps.images && a.contentType.startsWith('image/')) images.push({ kind: 'image', url: a.contentUrl });
    else links.push(a.name ? `${a.name}: ${a.contentUrl}` : a.contentUrl);
  }
  return { images, links };
}
