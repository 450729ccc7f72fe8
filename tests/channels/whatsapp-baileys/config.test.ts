import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config';
import { ConfigError } from '../../../bot/errors';

describe('WHATSAPP_BAILEYS* configuration', () => {
  it('is off by default, with Baileys quiet', () => {
    const c = loadConfig({});
    expect(c.WHATSAPP_BAILEYS).toBe(false);
    expect(c.WHATSAPP_BAILEYS_PAIRING_NUMBER).toBeUndefined();
    expect(c.WHATSAPP_BAILEYS_LOG_LEVEL).toBe('error');
  });

  it('turns on with 1 or true', () => {
    expect(loadConfig({ WHATSAPP_BAILEYS: '1' }).WHATSAPP_BAILEYS).toBe(true);
    expect(loadConfig({ WHATSAPP_BAILEYS: 'true' }).WHATSAPP_BAILEYS).toBe(true);
    expect(loadConfig({ WHATSAPP_BAILEYS: '0' }).WHATSAPP_BAILEYS).toBe(false);
  });

  it('refuses a pairing number that is not bare digits, without printing it', () => {
    const number = '+34 600 111 222';
    expect(loadConfig({ WHATSAPP_BAILEYS_PAIRING_NUMBER: '34600111222' }).WHATSAPP_BAILEYS_PAIRING_NUMBER).toBe('34600111222');
    try {
      loadConfig({ WHATSAPP_BAILEYS_PAIRING_NUMBER: number });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/WHATSAPP_BAILEYS_PAIRING_NUMBER/);
      expect((err as Error).message).not.toContain('600');
    }
  });
});
