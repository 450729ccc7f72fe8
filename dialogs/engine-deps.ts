import type { Logger } from '../bot/logger';
import type { Connector } from '../connectors/connector';
import type { Catalog, Locale } from './catalog/schema';
import type { Classifier } from './classify/classifier';

/**
 * A classifier as the engine uses it. `detectLocale` and `threshold` are optional capabilities of
 * the offline classifier: without them the conversation's language and the catalog's threshold are used.
 */
export type EngineClassifier = Classifier & {
  detectLocale?(text: string, fallback?: Locale): Locale;
  readonly threshold?: number;
};

/**
 * Proof of a WhatsApp number and cross-channel linking (see LinkPhoneDialog). Absent when the city has
 * no WhatsApp channel: then linking is not offered.
 */
export interface PhoneLinks {
  /** Queues `text` (holding a one-time code) for the number on WhatsApp. */
  sendCode(phone: string, text: string, locale: Locale): Promise<void>;
  /**
   * Attaches this channel identity (and everything its citizen had: tickets, conversations, other
   * identities) to the citizen of the WhatsApp number. Returns that citizen's id.
   */
  link(citizenId: string, channel: string, channelUserId: string, phone: string): Promise<string>;
}

/** What the dialogs need from the outside world. */
export interface EngineDeps {
  catalog: Catalog;
  classifier: EngineClassifier;
  connector: Connector;
  log: Logger;
  phones?: PhoneLinks;
}
