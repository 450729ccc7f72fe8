import type { Activity } from 'botbuilder';
import type { ChannelCapabilities } from '../../bot/channel';
import type { OutChoice, OutChoices } from './out-message';

/** The options of an activity's suggested actions: the title shown and the value sent back. */
export function optionsOf(activity: Partial<Activity>): OutChoice[] {
  const options: OutChoice[] = [];
  for (const action of activity.suggestedActions?.actions ?? []) {
    // imBack values are the text to send back; an object value (postBack payloads) has no text, so the title stands in.
    const value = typeof action.value === 'string' || typeof action.value === 'number' ? String(action.value) : action.title;
    const title = action.title ?? value;
    if (title && value) options.push({ title, value });
  }
  return options;
}

/**
 * Fits options to the channel: buttons when they all fit, else a list picker when the channel has one
 * and they fit, else numbered text. Button and row titles are cut to the channel's length with "…";
 * values stay whole, because the dialog recognizes the value. Where list rows have a description, a title
 * that buttons would cut goes in a list instead, its whole text under the cut title.
 */
export function fitChoices(options: readonly OutChoice[], caps: ChannelCapabilities): OutChoices {
  const style = styleFor(options, caps);
  if (style === 'buttons') return { style, options: options.map((o) => ({ title: truncate(o.title, caps.maxButtonTitle), value: o.value })) };
  if (style === 'numbered') return { style, options: options.map((o) => ({ title: o.title, value: o.value })) };
  const max = caps.maxListRowTitle ?? caps.maxButtonTitle;
  const describe = caps.maxListRowDescription;
  return {
    style,
    options: options.map((o) => {
      const title = truncate(o.title, max);
      return title === o.title || !describe ? { title, value: o.value } : { title, value: o.value, description: truncate(o.title, describe) };
    }),
  };
}

function styleFor(options: readonly OutChoice[], caps: ChannelCapabilities): OutChoices['style'] {
  const count = options.length;
  const cut = caps.maxListRowDescription !== undefined && options.some((o) => Array.from(o.title).length > caps.maxButtonTitle);
  if (caps.choices === 'buttons' && count <= caps.maxButtons && !(cut && count <= caps.maxListRows)) return 'buttons';
  if (caps.choices === 'buttons' && count <= caps.maxListRows) return 'list';
  return 'numbered';
}

/** Cuts `text` to `max` characters (code points, so an emoji is never halved), ending in "…". */
export function truncate(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/** "1. Sí\n2. No": the lines a numbered choice appends to its message. */
export const numberedLines = (options: readonly OutChoice[]): string => options.map((o, i) => `${i + 1}. ${o.title}`).join('\n');
