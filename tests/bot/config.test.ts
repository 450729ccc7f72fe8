import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { ConfigError } from '../../bot/errors';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3978);
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DATA_DIR).toBe('./data');
    expect(c.SQLITE_PATH).toBe(path.join('data', 'bot.sqlite'));
    expect(c.CATALOG).toBe('config/catalog.yaml');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('keeps the SQLite file in DATA_DIR unless SQLITE_PATH says otherwise', () => {
    expect(loadConfig({ DATA_DIR: '/var/lib/citybot' }).SQLITE_PATH).toBe('/var/lib/citybot/bot.sqlite');
    expect(loadConfig({ DATA_DIR: '/var/lib/citybot/' }).SQLITE_PATH).toBe('/var/lib/citybot/bot.sqlite');
    expect(loadConfig({ DATA_DIR: '/var/lib/citybot', SQLITE_PATH: '/srv/db/city.sqlite' }).SQLITE_PATH).toBe('/srv/db/city.sqlite');
  });

  it('names the bad variable and never prints its value', () => {
    const secret = 'not-a-url-but-secret-ish';
    try {
      loadConfig({ REDIS_URL: secret, PORT: 'eighty' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/REDIS_URL/);
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).not.toContain(secret);
    }
  });

  it('requires a model name when an LLM provider is configured', () => {
    expect(() => loadConfig({ LLM_PROVIDER: 'openai' })).toThrow(/LLM_MODEL/);
  });

  it('refuses a records connector without a token or without the identity provider, saying why', () => {
    const oidc = { OIDC_ISSUER: 'https://id.example.city/realms/city', OIDC_CLIENT_ID: 'citybot', OIDC_IDENTIFIER_SECRET: 'a-server-secret-of-16+', PUBLIC_URL: 'https://bot.example.city' };
    expect(() => loadConfig({ RECORDS_URL: 'https://records.example.city/api', RECORDS_TOKEN: 't' })).toThrow(/RECORDS_URL: needs RECORDS_TOKEN, and OIDC_ISSUER \(records are shown only to citizens verified/);
    expect(() => loadConfig({ ...oidc, RECORDS_URL: 'https://records.example.city/api' })).toThrow(/RECORDS_URL: needs RECORDS_TOKEN/);
    expect(() => loadConfig({ ...oidc, RECORDS_URL: 'ftp://records.example.city', RECORDS_TOKEN: 't' })).toThrow(/RECORDS_URL: must be an http\(s\) URL/);
    expect(loadConfig({ ...oidc, RECORDS_URL: 'https://records.example.city/api', RECORDS_TOKEN: 't' }).RECORDS_TIMEOUT_MS).toBe(8_000);
  });

  it('takes the city\'s appointment system only with its URL and token, saying why', () => {
    expect(loadConfig({}).APPOINTMENTS_CONNECTOR).toBe('builtin');
    expect(() => loadConfig({ APPOINTMENTS_CONNECTOR: 'rest' })).toThrow(/APPOINTMENTS_URL, APPOINTMENTS_TOKEN: required when APPOINTMENTS_CONNECTOR=rest/);
    expect(() => loadConfig({ APPOINTMENTS_CONNECTOR: 'rest', APPOINTMENTS_URL: 'https://citas.example.city/api' })).toThrow(/required when APPOINTMENTS_CONNECTOR=rest/);
    expect(() => loadConfig({ APPOINTMENTS_URL: 'https://citas.example.city/api', APPOINTMENTS_TOKEN: 't' })).toThrow(/only with APPOINTMENTS_CONNECTOR=rest/);
    expect(() => loadConfig({ APPOINTMENTS_CONNECTOR: 'sql' })).toThrow(/APPOINTMENTS_CONNECTOR: /);
    expect(() => loadConfig({ APPOINTMENTS_CONNECTOR: 'rest', APPOINTMENTS_URL: 'file:///etc/passwd', APPOINTMENTS_TOKEN: 't' })).toThrow(/APPOINTMENTS_URL: must be an http\(s\) URL/);
    const rest = loadConfig({ APPOINTMENTS_CONNECTOR: 'rest', APPOINTMENTS_URL: 'https://citas.example.city/api', APPOINTMENTS_TOKEN: 't' });
    expect([rest.APPOINTMENTS_CONNECTOR, rest.APPOINTMENTS_TIMEOUT_MS]).toEqual(['rest', 8_000]);
  });

  it('reads comma-separated web chat origins', () => {
    expect(loadConfig({ WEBCHAT_ORIGINS: 'https://a.example, https://b.example' }).WEBCHAT_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });
});
