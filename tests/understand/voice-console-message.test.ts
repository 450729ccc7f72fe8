import { describe, expect, it } from 'vitest';
import { conversationKey } from '../../bot/conversation-key';
import { consoleMessageOf } from '../../handoff/handoff-views';
import { TRANSCRIBED_ENTITY } from '../../dialogs/understand/voice-note';

describe('a voice note as the console shows it (consoleMessageOf)', () => {
  const h = { id: 'h1', conversationKey: conversationKey('telegram', '1') };
  const audio = { contentType: 'audio/ogg', contentUrl: 'http://bot.test/media/abc.ogg' };
  const signed = (url: string) => `${url}?sig=1`;

  it('gives the transcript as text, the playable (signed) audio and the transcribed marker', () => {
    const m = consoleMessageOf(h, { text: 'farola apagada', attachments: [audio], entities: [{ type: TRANSCRIBED_ENTITY }], timestamp: new Date(0) }, signed);
    expect(m).toMatchObject({ text: 'farola apagada', voice: { url: 'http://bot.test/media/abc.ogg?sig=1', transcribed: true } });
  });

  it('gives an untranscribed voice note as audio only', () => {
    const m = consoleMessageOf(h, { attachments: [audio], timestamp: new Date(0) }, signed);
    expect(m.text).toBeUndefined();
    expect(m.voice).toEqual({ url: 'http://bot.test/media/abc.ogg?sig=1', transcribed: false });
  });
});
