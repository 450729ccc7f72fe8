import type { AuthenticationCreds, BaileysEventEmitter, UserFacingSocketConfig, WASocket } from '@whiskeysockets/baileys';

/**
 * The part of a Baileys socket this channel uses, and nothing more: what `makeWASocket` returns
 * satisfies it, and tests pass a double with the same surface (tests/support/baileys-socket-double.ts).
 */
export interface BaileysSocket extends Pick<WASocket, 'sendMessage' | 'sendPresenceUpdate' | 'requestPairingCode' | 'end' | 'updateMediaMessage'> {
  /** Baileys' typed event emitter: `connection.update`, `creds.update`, `messages.upsert`… */
  readonly ev: BaileysEventEmitter;
  /** The paired account (`id` is our own JID), once the connection is open. */
  readonly user: WASocket['user'];
  /** `creds.registered` says whether this device is paired yet. */
  readonly authState: { creds: AuthenticationCreds };
}

/**
 * Opens one socket. Called again for every reconnection, with the same auth state.
 * @defaultValue Baileys' `makeWASocket`
 */
export type MakeBaileysSocket = (config: UserFacingSocketConfig) => BaileysSocket;

/** The pino-like logger Baileys takes (its `ILogger` is not exported from the package root). */
export type BaileysLogger = NonNullable<UserFacingSocketConfig['logger']>;
