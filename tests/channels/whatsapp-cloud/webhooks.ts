import { randomBytes } from 'node:crypto';
import { signatureOf } from '../../../channels/whatsapp-cloud/webhook-signature';
import type { GraphApiServer } from '../../support/graph-api-server';

/** Signed webhooks as Meta sends them, for the WhatsApp Cloud tests. */

export const APP_SECRET = 'test-app-secret-0123456789';
export const VERIFY_TOKEN = 'test-verify-token';

/** The environment that turns the channel on against a local Graph API server. */
export function whatsappEnv(graph: GraphApiServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WHATSAPP_CLOUD_TOKEN: graph.token,
    WHATSAPP_CLOUD_PHONE_ID: graph.phoneNumberId,
    WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
    WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_CLOUD_API_BASE: graph.base,
    ...extra,
  };
}

/** A fresh citizen wa_id (digits, like a phone number). */
export const newWaId = (): string => `34${String(600_000_000 + Math.floor(Math.random() * 99_999_999))}`;

const wamid = (): string => `wamid.${randomBytes(16).toString('base64url')}`;
const now = (): string => String(Math.floor(Date.now() / 1_000));

type Message = Record<string, unknown> & { from: string; id: string; type: string };
const message = (from: string, type: string, content: Record<string, unknown>): Message => ({ from, id: wamid(), timestamp: now(), type, ...content });

export const text = (from: string, body: string) => message(from, 'text', { text: { body } });
export const buttonReply = (from: string, id: string, title = id) =>
  message(from, 'interactive', { interactive: { type: 'button_reply', button_reply: { id, title } } });
export const listReply = (from: string, id: string, title = id) =>
  message(from, 'interactive', { interactive: { type: 'list_reply', list_reply: { id, title, description: '' } } });
export const location = (from: string, latitude: number, longitude: number, name?: string) =>
  message(from, 'location', { location: { latitude, longitude, ...(name ? { name } : {}) } });
export const image = (from: string, mediaId: string, caption?: string) =>
  message(from, 'image', { image: { id: mediaId, mime_type: 'image/png', sha256: 'x', ...(caption ? { caption } : {}) } });
export const audio = (from: string, mediaId: string) => message(from, 'audio', { audio: { id: mediaId, mime_type: 'audio/ogg; codecs=opus', voice: true } });
export const welcome = (from: string) => message(from, 'request_welcome', {});
export const sticker = (from: string) => message(from, 'sticker', { sticker: { id: '999', mime_type: 'image/webp', animated: false } });

export const status = (id: string, recipient: string, value: 'sent' | 'delivered' | 'read' | 'failed', errors?: unknown[]) => ({
  id,
  status: value,
  timestamp: now(),
  recipient_id: recipient,
  ...(errors ? { errors } : {}),
});

/** The webhook body Meta posts for some messages and/or statuses. */
export function webhook(graph: GraphApiServer, content: { messages?: Message[]; statuses?: unknown[]; name?: string }): Record<string, unknown> {
  const froms = [...new Set((content.messages ?? []).map((m) => m.from))];
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '34900000000', phone_number_id: graph.phoneNumberId },
              ...(froms.length ? { contacts: froms.map((wa_id) => ({ profile: { name: content.name ?? 'Vecina' }, wa_id })) } : {}),
              ...(content.messages ? { messages: content.messages } : {}),
              ...(content.statuses ? { statuses: content.statuses } : {}),
            },
          },
        ],
      },
    ],
  };
}

/** POSTs a webhook to the bot; signed with the app secret unless `signature` says otherwise (null: no header). */
export async function postWebhook(baseUrl: string, body: unknown, opts: { signature?: string | null; secret?: string } = {}): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = opts.signature === undefined ? signatureOf(raw, opts.secret ?? APP_SECRET) : opts.signature;
  return fetch(`${baseUrl}/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-hub-signature-256': signature } : {}) },
    body: raw,
  });
}

/** A tiny but genuine PNG (MediaStore checks the bytes). */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** The start of an Ogg Opus voice note. */
export const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60, 1)]);
