import { describe, expect, it } from 'vitest';
import { locationOf } from '../../../bot/activity';
import { mediaOf, toActivity } from '../../../channels/whatsapp-cloud/to-activity';
import { inboundMessageSchema } from '../../../channels/whatsapp-cloud/webhook-payload';

// Messages as Meta documents them (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples).
const base = { from: '16315551181', id: 'wamid.ABGGFlA5FpafAgo6EhvW', timestamp: '1669233778' };
const fixture = (m: Record<string, unknown>) => inboundMessageSchema.parse({ ...base, ...m });
const convert = (m: Record<string, unknown>) => toActivity(fixture(m), { botId: '1234567890', displayName: 'Kerry Fisher' });

describe('a WhatsApp Cloud message as an Activity', () => {
  it('text: the body, with ids, conversation, sender and time; no locale', () => {
    const a = convert({ type: 'text', text: { body: 'this is a text message' } });
    expect(a).toEqual({
      type: 'message',
      id: base.id,
      channelId: 'whatsapp-cloud',
      conversation: { id: base.from, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: base.from, role: 'user', name: 'Kerry Fisher' },
      recipient: { id: '1234567890', role: 'bot', name: '' },
      timestamp: new Date(1669233778 * 1_000),
      text: 'this is a text message',
      channelData: { whatsappType: 'text' },
    });
  });

  it('reply button and list row: the option id, which is the value the dialog recognizes', () => {
    expect(convert({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'Sí', title: 'Sí' } } }).text).toBe('Sí');
    expect(convert({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'Alumbrado público', title: 'Alumbrado públ…' } } }).text).toBe('Alumbrado público');
    expect(convert({ type: 'button', button: { payload: 'yes', text: 'Yes' } }).text).toBe('yes');
  });

  it('location: a Place entity', () => {
    const a = convert({ type: 'location', location: { latitude: 41.38, longitude: 2.17, name: 'Plaça Catalunya', address: 'Barcelona' } });
    expect(locationOf(a)).toEqual({ latitude: 41.38, longitude: 2.17 });
    expect(a.text).toBeUndefined();
  });

  it('image and audio: media to fetch; the caption is the text', () => {
    const photo = fixture({ type: 'image', image: { id: '2754859441498128', mime_type: 'image/jpeg', sha256: 'x', caption: 'la farola' } });
    expect(mediaOf(photo)).toEqual({ id: '2754859441498128', mimeType: 'image/jpeg' });
    expect(toActivity(photo, { botId: '1', attachments: [{ contentType: 'image/jpeg', contentUrl: 'http://x/media/a.jpg' }] })).toMatchObject({
      text: 'la farola',
      attachments: [{ contentType: 'image/jpeg', contentUrl: 'http://x/media/a.jpg' }],
    });
    expect(mediaOf(fixture({ type: 'audio', audio: { id: '99', mime_type: 'audio/ogg; codecs=opus', voice: true } }))).toEqual({ id: '99', mimeType: 'audio/ogg; codecs=opus' });
  });

  it('request_welcome (the citizen opened the chat for the first time): a conversation start, which the bot greets', () => {
    const a = convert({ type: 'request_welcome' });
    expect(a).toMatchObject({ type: 'conversationUpdate', membersAdded: [{ id: base.from, role: 'user' }], recipient: { id: '1234567890' } });
  });

  it.each([
    ['sticker', { sticker: { id: '1', mime_type: 'image/webp', animated: false } }],
    ['contacts', { contacts: [{ name: { formatted_name: 'X' }, phones: [] }] }],
    ['reaction', { reaction: { message_id: 'wamid.X', emoji: '👍' } }],
    ['video', { video: { id: '5', mime_type: 'video/mp4' } }],
    ['unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }] }],
  ])('%s: a message with nothing to read (the engine answers it politely) and no media to fetch', (type, content) => {
    const m = fixture({ type, ...content });
    const a = toActivity(m, { botId: '1' });
    expect(mediaOf(m)).toBeUndefined();
    expect(a.text).toBeUndefined();
    expect(a.attachments).toBeUndefined();
    expect(a.entities).toBeUndefined();
    expect(a.channelData).toEqual({ whatsappType: type });
  });
});
