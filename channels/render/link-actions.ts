import type { Activity } from 'botbuilder';
import type { OutLink } from './out-message';

const CARDS = new Set(['application/vnd.microsoft.card.hero', 'application/vnd.microsoft.card.thumbnail']);

/**
 * The links an activity's cards offer as buttons (hero and thumbnail cards' `openUrl` actions, as the
 * web chat shows them): title and http(s) URL. Other schemes are dropped, as the web chat drops them.
 */
export function linksOf(activity: Partial<Activity>): OutLink[] {
  const links: OutLink[] = [];
  for (const attachment of activity.attachments ?? []) {
    if (!CARDS.has(attachment.contentType)) continue;
    const buttons = (attachment.content as { buttons?: Array<{ type?: string; title?: string; value?: unknown }> } | undefined)?.buttons ?? [];
    for (const b of buttons) {
      if (b.type !== 'openUrl' || typeof b.value !== 'string' || !/^https?:\/\//i.test(b.value)) continue;
      links.push({ title: b.title || b.value, url: b.value });
    }
  }
  return links;
}
