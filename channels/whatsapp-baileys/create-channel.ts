import type { ChannelAdapter } from '../../bot/channel';
import { WhatsAppBaileysAdapter, type WhatsAppBaileysOptions } from './whatsapp-baileys-adapter';

/** Builds the channel; it connects (or starts pairing) on `start(ingest)`. */
export function createWhatsAppBaileysChannel(options: WhatsAppBaileysOptions): ChannelAdapter {
  return new WhatsAppBaileysAdapter(options);
}
