import { DisconnectReason } from '@whiskeysockets/baileys';

/**
 * What to do when the socket closed:
 * - `restart`: reconnect at once (WhatsApp asked for it, e.g. right after pairing);
 * - `backoff`: reconnect after a growing, jittered delay (network, server, timeouts);
 * - `stop`: reconnecting cannot help; a person must act. `forget` says the session itself is dead.
 */
export type DisconnectAction =
  | { kind: 'restart' }
  | { kind: 'backoff' }
  | { kind: 'stop'; detail: string; forget: boolean };

/** The status code Baileys put on the close error (a Boom's `output.statusCode`), if any. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export const LOGGED_OUT_DETAIL = 'WhatsApp session logged out: pair again';

/**
 * Decides from the close code. Why each terminal case stops:
 * - `loggedOut` (401): the device was unlinked from the phone; the stored session is dead and is forgotten,
 *   so the next start shows a new QR code.
 * - `connectionReplaced` (440): another client opened this same session, usually a second process with
 *   WHATSAPP_BAILEYS=1. Reconnecting would kick it out, and it us, forever; the session stays valid.
 * - `forbidden` (403) and `multideviceMismatch` (411): the account is banned or cannot link devices.
 *
 * `badSession` (500) reconnects with backoff: it is also what Baileys reports for any stream error it
 * does not recognise ("Stream Errored (unknown)"), which a reconnect cures; forgetting the session on
 * it would force a needless pairing. A session that is really corrupt ends in a 401 from WhatsApp.
 */
export function disconnectAction(statusCode: number | undefined): DisconnectAction {
  switch (statusCode) {
    case DisconnectReason.restartRequired:
      return { kind: 'restart' };
    case DisconnectReason.loggedOut:
      return { kind: 'stop', detail: LOGGED_OUT_DETAIL, forget: true };
    case DisconnectReason.connectionReplaced:
      return { kind: 'stop', detail: 'WhatsApp session opened by another client (connection replaced): run the Baileys channel in one process only, then restart', forget: false };
    case DisconnectReason.forbidden:
      return { kind: 'stop', detail: 'WhatsApp refused this account (403): it may be banned or restricted', forget: false };
    case DisconnectReason.multideviceMismatch:
      return { kind: 'stop', detail: 'WhatsApp refused linked devices for this account (411)', forget: false };
    default:
      return { kind: 'backoff' };
  }
}
