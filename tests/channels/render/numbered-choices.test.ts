import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../../bot/channel';
import { NumberedChoices, renderActivity } from '../../../channels/render';
import { dropPrefix, redisClient, testPrefix } from '../../support/redis';
import { plainNumbered } from './caps';

let redis: Redis;
let prefix: string;
let numbered: NumberedChoices;
const ref: ConversationRef = { channel: 'whatsapp', conversationId: '34600000000' };
const yesNoOther = [{ title: 'Sí', value: 'yes-value' }, { title: 'No', value: 'No' }, { title: 'Otro', value: 'Otro' }];

beforeAll(() => {
  redis = redisClient();
});
beforeEach(async () => {
  if (prefix) await dropPrefix(redis, prefix);
  prefix = testPrefix();
  numbered = new NumberedChoices(redis, { prefix });
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('NumberedChoices', () => {
  it('maps "1", "uno", "primero", "2." and "opción 3" to the option values it remembered', async () => {
    await numbered.remember(ref, yesNoOther);
    const resolve = (text: string) => numbered.resolve('whatsapp', ref.conversationId, text);
    expect(await resolve('1')).toBe('yes-value');
    expect(await resolve('uno')).toBe('yes-value');
    expect(await resolve('Primero')).toBe('yes-value');
    expect(await resolve('2.')).toBe('No');
    expect(await resolve('opción 3')).toBe('Otro');
    expect(await resolve('4')).toBeUndefined();
  });

  it('maps an option typed by its title, whatever the accents and case ("sí" → the value of "Sí")', async () => {
    await numbered.remember(ref, yesNoOther);
    expect(await numbered.resolve('whatsapp', ref.conversationId, 'sí')).toBe('yes-value');
    expect(await numbered.resolve('whatsapp', ref.conversationId, '¡SI!')).toBe('yes-value');
    expect(await numbered.resolve('whatsapp', ref.conversationId, 'la farola de mi calle')).toBeUndefined();
  });

  it('keeps conversations and channels apart, and sets a TTL of about a day', async () => {
    await numbered.remember(ref, yesNoOther);
    expect(await numbered.resolve('whatsapp', 'another', '1')).toBeUndefined();
    expect(await numbered.resolve('telegram', ref.conversationId, '1')).toBeUndefined();
    const ttl = await redis.ttl(`${prefix}:numbered:whatsapp:${ref.conversationId}`);
    expect(ttl).toBeGreaterThan(86_000);
    expect(ttl).toBeLessThanOrEqual(86_400);
  });

  it('tracks what was sent: numbered options are remembered, a later text without them forgets them', async () => {
    const prompt = renderActivity({
      text: '¿Es correcto?',
      suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Sí', value: 'Sí' }, { type: 'imBack', title: 'No', value: 'No' }] },
    }, plainNumbered);
    await numbered.track(ref, prompt);
    expect(await numbered.resolve('whatsapp', ref.conversationId, 'uno')).toBe('Sí');
    await numbered.track(ref, [{ kind: 'typing' }]);
    expect(await numbered.resolve('whatsapp', ref.conversationId, 'uno')).toBe('Sí');
    await numbered.track(ref, renderActivity({ text: '¿Dónde está?' }, plainNumbered));
    expect(await numbered.resolve('whatsapp', ref.conversationId, '1')).toBeUndefined();
  });
});
