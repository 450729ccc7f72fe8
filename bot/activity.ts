import type { Activity, Attachment } from 'botbuilder';
import type { GeoPoint } from '../connectors/connector';

/**
 * How every channel encodes what a citizen sends, inside botbuilder's Activity:
 * - text in `text`;
 * - a shared location as an entity `{ type: 'Place', geo: { latitude, longitude } }` (Bot Framework convention);
 * - photos, audio and files as `attachments` with `contentType` and `contentUrl`;
 * - `channelId` is our channel id (`webchat`, `telegram`, `whatsapp`, `whatsapp-cloud`);
 * - `conversation.id` is stable per citizen chat; `from.id` is the platform's user id;
 * - `id` is the platform's message id (dedupe key).
 */
export type ChannelId = 'webchat' | 'telegram' | 'whatsapp' | 'whatsapp-cloud' | 'test';

/** The `conversation` of a one-to-one chat, as every channel sets it. */
export const personalConversation = (id: string): NonNullable<Activity['conversation']> => ({ id, isGroup: false, conversationType: 'personal', name: '' });

/** Inbound messages longer than this get a polite "please shorten" reply instead of a turn. */
export const MAX_TEXT_LENGTH = 4_000;

export function placeEntity(point: GeoPoint, name?: string): NonNullable<Activity['entities']>[number] {
  return { type: 'Place', geo: { type: 'GeoCoordinates', latitude: point.latitude, longitude: point.longitude }, ...(name ? { name } : {}) };
}

/** The shared location in an activity, if any. */
export function locationOf(activity: Partial<Activity>): GeoPoint | undefined {
  for (const e of activity.entities ?? []) {
    const geo = (e as { type?: string; geo?: { latitude?: unknown; longitude?: unknown } }).geo;
    if (e.type === 'Place' && geo && typeof geo.latitude === 'number' && typeof geo.longitude === 'number') {
      return { latitude: geo.latitude, longitude: geo.longitude };
    }
  }
  return undefined;
}

/** PDF attachments (a proof of representation) in an activity. */
export function pdfsOf(activity: Partial<Activity>): Attachment[] {
  return (activity.attachments ?? []).filter((a) => a.contentType === 'application/pdf' && typeof a.contentUrl === 'string');
}

/** Image attachments (photos) in an activity. */
export function imagesOf(activity: Partial<Activity>): Attachment[] {
  return (activity.attachments ?? []).filter((a) => a.contentType.startsWith('image/') && typeof a.contentUrl === 'string');
}
