import { describe, expect, it } from 'vitest';
import { toInbound } from '../../../channels/whatsapp-baileys/to-activity';
import { disconnectAction, statusCodeOf } from '../../../channels/whatsapp-baileys/disconnect-policy';
import { reconnectDelay } from '../../../channels/whatsapp-baileys/reconnect-backoff';
import { boom, incoming, waMessage } from '../../support/baileys-socket-double';

/* The pure parts: one WhatsApp message in, what it is to the bot out; close codes; delays. */

const JID = '34611000111@s.whatsapp.net';

describe('toInbound', () => {
  it('reads the text of a disappearing (ephemeral) message', () => {
    const r = toInbound(waMessage(JID, { ephemeralMessage: { message: { extendedTextMessage: { text: 'hola' } } } }));
    expect(r).toMatchObject({ kind: 'message', activity: { text: 'hola', channelId: 'whatsapp' } });
  });

  it('reads list and template button replies by their visible text', () => {
    expect(toInbound(waMessage(JID, { listResponseMessage: { title: 'Alumbrado', singleSelectReply: { selectedRowId: 'row-1' } } }))).toMatchObject({ activity: { text: 'Alumbrado' } });
    expect(toInbound(waMessage(JID, { templateButtonReplyMessage: { selectedId: 'yes', selectedDisplayText: 'Sí' } }))).toMatchObject({ activity: { text: 'Sí' } });
  });

  it('asks for a download of an image sent as a document, and not of a PDF', () => {
    expect(toInbound(waMessage(JID, { documentMessage: { mimetype: 'image/jpeg', caption: 'foto', fileLength: 1234 } }))).toMatchObject({ media: { kind: 'image', bytes: 1234 }, activity: { text: 'foto' } });
    expect(toInbound(waMessage(JID, { documentMessage: { mimetype: 'application/pdf' } }))).toMatchObject({ kind: 'unsupported', contentType: 'documentMessage' });
  });

  it('calls stickers, videos, polls and contacts unsupported', () => {
    for (const message of [{ stickerMessage: {} }, { videoMessage: {} }, { pollCreationMessageV3: { name: '?' } }, { contactMessage: { displayName: 'x' } }]) {
      expect(toInbound(waMessage(JID, message)).kind).toBe('unsupported');
    }
  });

  it('ignores protocol messages (deletions, edits), removed reactions and messages without content', () => {
    expect(toInbound(waMessage(JID, { protocolMessage: { type: 0 } }))).toEqual({ kind: 'ignore', reason: 'housekeeping' });
    expect(toInbound(incoming.reaction(JID, ''))).toEqual({ kind: 'ignore', reason: 'housekeeping' });
    expect(toInbound(waMessage(JID, {}))).toEqual({ kind: 'ignore', reason: 'no-content' });
  });

  it('ignores our own messages, statuses, groups and broadcast lists', () => {
    expect(toInbound(incoming.text(JID, 'x', { fromMe: true }))).toEqual({ kind: 'ignore', reason: 'from-me' });
    expect(toInbound(incoming.text('status@broadcast', 'x'))).toEqual({ kind: 'ignore', reason: 'status' });
    expect(toInbound(incoming.text('120363025246125486@g.us', 'x'))).toEqual({ kind: 'ignore', reason: 'group' });
    expect(toInbound(incoming.text('1234@broadcast', 'x'))).toEqual({ kind: 'ignore', reason: 'broadcast' });
  });

  it('strips the device from the chat JID', () => {
    expect(toInbound(incoming.text('34611000111:12@s.whatsapp.net', 'x'))).toMatchObject({ activity: { conversation: { id: JID }, from: { id: JID } } });
  });
});

describe('disconnectAction', () => {
  it.each([
    [515, 'restart'], [408, 'backoff'], [428, 'backoff'], [500, 'backoff'], [503, 'backoff'], [undefined, 'backoff'],
    [401, 'stop'], [440, 'stop'], [403, 'stop'], [411, 'stop'],
  ])('status %s → %s', (code, kind) => {
    expect(disconnectAction(code).kind).toBe(kind);
  });

  it('forgets the session only when it was logged out', () => {
    expect(disconnectAction(401)).toMatchObject({ forget: true, detail: 'WhatsApp session logged out: pair again' });
    expect(disconnectAction(440)).toMatchObject({ forget: false });
  });

  it('reads the status code of a Boom', () => {
    expect(statusCodeOf(boom('x', 428))).toBe(428);
    expect(statusCodeOf(new Error('x'))).toBeUndefined();
    expect(statusCodeOf(undefined)).toBeUndefined();
  });
});

describe('reconnectDelay', () => {
  it('doubles, stays between half and all of its ceiling, and is capped', () => {
    const opts = { baseMs: 1_000, maxMs: 60_000 };
    expect(reconnectDelay(0, opts, () => 0)).toBe(500);
    expect(reconnectDelay(0, opts, () => 1)).toBe(1_000);
    expect(reconnectDelay(3, opts, () => 0)).toBe(4_000);
    expect(reconnectDelay(20, opts, () => 1)).toBe(60_000);
    expect(reconnectDelay(1_000, opts, () => 0)).toBe(30_000);
  });
});
