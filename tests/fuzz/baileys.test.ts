import type { WAMessage } from '@whiskeysockets/baileys';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toInbound } from '../../channels/whatsapp-baileys/to-activity';
import { arbJsonValue, RUNS } from './support';

/*
 * Baileys' message → Activity normalizer, fed random message shapes: every content kind it knows and
 * some it does not, wrapped (ephemeral, view-once, edited) or not, with fields of the right type, of a
 * wrong type or missing, from every kind of chat id. It must never throw, and whatever it returns must
 * be one of its three outcomes with an Activity that serialises.
 */

const KINDS = [
  'conversation', 'extendedTextMessage', 'buttonsResponseMessage', 'templateButtonReplyMessage', 'listResponseMessage',
  'interactiveResponseMessage', 'locationMessage', 'liveLocationMessage', 'imageMessage', 'audioMessage', 'documentMessage',
  'reactionMessage', 'protocolMessage', 'stickerMessage', 'videoMessage', 'contactMessage', 'pollCreationMessageV3', 'senderKeyDistributionMessage',
];
const WRAPPERS = ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'documentWithCaptionMessage', 'editedMessage'];
const FIELDS = [
  'text', 'caption', 'mimetype', 'fileLength', 'degreesLatitude', 'degreesLongitude', 'name', 'address', 'selectedDisplayText', 'selectedButtonId',
  'selectedId', 'title', 'singleSelectReply', 'body', 'message',
];
const JIDS = [
  '34611000111@s.whatsapp.net', '123456789@lid', '34611000111:2@s.whatsapp.net', 'status@broadcast', '1203630@g.us', '1203630@broadcast',
  '1203630@newsletter', '', '@', 'x@y', '@lid', '@s.whatsapp.net',
];

/** A field value: usually plausible, often of the wrong type (protobuf would not allow it, a bug upstream might). */
const arbFieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }), fc.double(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.constantFrom('image/jpeg', 'audio/ogg', 'application/pdf'),
  fc.record({ low: fc.integer(), high: fc.integer(), unsigned: fc.boolean() }), // a protobuf Long
  fc.record({ selectedRowId: fc.oneof(fc.string(), fc.integer()), text: fc.oneof(fc.string(), fc.integer()) }),
  arbJsonValue.filter((v) => !(v instanceof Object && v.constructor?.name === 'RawJson')),
);

const arbContent = fc.dictionary(fc.constantFrom(...FIELDS), arbFieldValue, { maxKeys: 5 });
const arbMessage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null), fc.constant(undefined), fc.string(),
  fc.tuple(fc.constantFrom(...KINDS), fc.oneof(arbContent, arbFieldValue)).map(([kind, content]) => ({ [kind]: content })),
  fc.tuple(fc.constantFrom(...WRAPPERS), fc.constantFrom(...KINDS), arbContent).map(([wrapper, kind, content]) => ({ [wrapper]: { message: { [kind]: content } } })),
  fc.dictionary(fc.constantFrom(...KINDS), arbContent, { maxKeys: 3 }),
);
const arbWaMessage = fc.record({
  key: fc.record({
    remoteJid: fc.oneof(fc.constantFrom(...JIDS), fc.string(), fc.constant(null)),
    remoteJidAlt: fc.option(fc.constantFrom(...JIDS), { nil: undefined }),
    fromMe: fc.option(fc.boolean(), { nil: undefined }),
    id: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  }, { requiredKeys: [] }),
  message: arbMessage,
  pushName: fc.option(fc.oneof(fc.string(), fc.integer()), { nil: undefined }),
  messageTimestamp: fc.option(fc.oneof(fc.integer(), fc.double(), fc.string(), fc.record({ low: fc.integer(), high: fc.integer(), unsigned: fc.boolean() })), { nil: undefined }),
}, { requiredKeys: ['key'] });

describe('Baileys toInbound under fuzzing', () => {
  it('never throws on random message shapes and answers ignore, unsupported or a serialisable message', () => {
    fc.assert(
      fc.property(arbWaMessage, (msg) => {
        const result = toInbound(msg as unknown as WAMessage);
        expect(['ignore', 'unsupported', 'message']).toContain(result.kind);
        if (result.kind === 'message' && result.media) {
          expect(['string', 'undefined']).toContain(typeof result.media.mimetype);
          expect(['number', 'undefined']).toContain(typeof result.media.bytes);
        }
        if (result.kind !== 'ignore') {
          const json = JSON.parse(JSON.stringify(result.activity)) as { channelId?: string; timestamp?: unknown; text?: unknown; from?: { name?: unknown } };
          expect(json.channelId).toBe('whatsapp');
          expect(typeof json.timestamp).toBe('string'); // a valid date: an invalid one serialises as null
          expect(['string', 'undefined']).toContain(typeof json.text);
          expect(typeof json.from?.name).toBe('string');
        }
      }),
      { numRuns: RUNS * 10 },
    );
  });
});
