/**
 * WhatsApp through Baileys (WhatsApp Web's multi-device protocol, unofficial): pairing by QR or code,
 * the session in Redis, reconnection with backoff, photos and voice notes, numbered options.
 *
 * ```ts
 * const whatsapp = createWhatsAppBaileysChannel({ redis, prefix, media, log });
 * channels.add(whatsapp);
 * await whatsapp.start(ingest);
 * ```
 */
export { createWhatsAppBaileysChannel } from './create-channel';
export type { WhatsAppBaileysOptions } from './whatsapp-baileys-adapter';
