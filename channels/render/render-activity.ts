import type { Activity, Attachment } from 'botbuilder';
import type { ChannelCapabilities } from '../../bot/channel';
import { fitChoices, numberedLines, optionsOf, truncate } from './fit-choices';
import { linksOf } from './link-actions';
import type { Run } from './markdown';
import { parsedMarkdown } from './parsed-markdown';
import type { OutLink, OutMessage } from './out-message';
import { splitRendered } from './split-text';

/**
 * Turns one bot Activity into the messages a channel sends, by the channel's capabilities: text in
 * its markup and split at its length limit; suggested actions as buttons, a list or numbered lines;
 * image attachments as images, other files as files (or links where the channel has no files); `typing`
 * when the channel can show it. Pure: no I/O, no state.
 *
 * Images and files come first and the text last, so that a question and its options are the last thing
 * the citizen sees; the choices ride on the last text message only.
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
  const { media, links } = mediaOf(activity.attachments ?? [], caps);
  return [...media, ...textMessages(activity, links, caps)];
}

function textMessages(activity: Partial<Activity>, links: readonly string[], caps: ChannelCapabilities): OutMessage[] {
  const options = optionsOf(activity);
  const choices = options.length > 0 ? fitChoices(options, caps) : undefined;
  const { button, inText } = fitLinks(linksOf(activity), caps, choices !== undefined);
  const runs: Run[] = [...parsedMarkdown(activity.text ?? '')];
  // Appended as literal runs: an option titled "*Otro*" is shown as typed, not as markup.
  for (const extra of [...links, ...inText, ...(choices?.style === 'numbered' ? [numberedLines(choices.options)] : [])]) {
    runs.push({ text: runs.length > 0 ? `\n\n${extra}` : extra, style: {} });
  }
  const parts = splitRendered(runs, caps.markup, caps.maxTextLength);
  const last = { ...(choices ? { choices } : {}), ...(button ? { link: button } : {}) };
  if (parts.length === 0) return choices || button ? [{ kind: 'text', text: '', ...last }] : [];
  return parts.map((text, i) => (i === parts.length - 1 ? { kind: 'text', text, ...last } : { kind: 'text', text }));
}

/**
 * A card's link goes as the platform's own link button when the channel has one and the message has no
 * reply buttons to share it with (one link only); any other link is written in the text, "title: url".
 */
function fitLinks(links: readonly OutLink[], caps: ChannelCapabilities, hasChoices: boolean): { button?: OutLink; inText: string[] } {
  if (caps.linkButtons && !hasChoices && links.length === 1) return { button: { ...links[0]!, title: truncate(links[0]!.title, caps.maxButtonTitle) }, inText: [] };
  return { inText: links.map((l) => `${l.title}: ${l.url}`) };
}

/** Images and files the channel can send as such; anything else becomes a link in the text. */
function mediaOf(attachments: readonly Attachment[], caps: ChannelCapabilities): { media: OutMessage[]; links: string[] } {
  const media: OutMessage[] = [];
  const links: string[] = [];
  for (const a of attachments) {
    if (typeof a.contentUrl !== 'string' || !/^https?:\/\//i.test(a.contentUrl)) continue;
    if (caps.images && a.contentType.startsWith('image/')) media.push({ kind: 'image', url: a.contentUrl });
    else if (caps.files) media.push({ kind: 'file', url: a.contentUrl, name: a.name ?? fileNameOf(a.contentUrl), contentType: a.contentType });
    else links.push(a.name ? `${a.name}: ${a.contentUrl}` : a.contentUrl);
  }
  return { media, links };
}

/** The last segment of a URL's path, for a file sent without a name. */
function fileNameOf(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : 'file';
}
