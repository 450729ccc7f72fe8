import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config';
import { ConfigError } from '../../../bot/errors';
import { whatsappCloudEnabled } from '../../../channels/whatsapp-cloud';

const full = {
  WHATSAPP_CLOUD_TOKEN: 'EAAG-token',
  WHATSAPP_CLOUD_PHONE_ID: '106540352242922',
  WHATSAPP_CLOUD_APP_SECRET: 'app-secret',
  WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me',
};

describe('WHATSAPP_CLOUD_* configuration', () => {
  it('is off without variables, on with all four, with the Graph API base and template language defaulted', () => {
    expect(whatsappCloudEnabled(loadConfig({}))).toBe(false);
    const config = loadConfig(full);
    expect(whatsappCloudEnabled(config)).toBe(true);
    expect(config.WHATSAPP_CLOUD_API_BASE).toBe('https://graph.facebook.com/v21.0');
    expect(config.WHATSAPP_CLOUD_TEMPLATE_LANG).toBe('es');
    expect(config.WHATSAPP_CLOUD_TEMPLATE).toBeUndefined();
  });

  it.each([
    ['the phone id without the token', { WHATSAPP_CLOUD_PHONE_ID: '1' }],
    ['the token without the app secret', { ...full, WHATSAPP_CLOUD_APP_SECRET: undefined }],
    ['the token without the verify token', { ...full, WHATSAPP_CLOUD_VERIFY_TOKEN: undefined }],
    ['a phone number instead of its id', { ...full, WHATSAPP_CLOUD_PHONE_ID: '+34 600 000 000' }],
    ['a template name with capitals', { ...full, WHATSAPP_CLOUD_TEMPLATE: 'Aviso' }],
  ])('refuses %s at boot, without echoing secrets', (_what, env) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/WHATSAPP_CLOUD_/);
    expect((error as Error).message).not.toContain('EAAG-token');
    expect((error as Error).message).not.toContain('app-secret');
  });
});
