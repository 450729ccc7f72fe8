import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config';
import { ConfigError } from '../../../bot/errors';

describe('Telegram configuration', () => {
  const token = '123456:ABC-def_ghi';

  it('is off without a token, and polls the real Bot API by default', () => {
    expect(loadConfig({}).TELEGRAM_BOT_TOKEN).toBeUndefined();
    const c = loadConfig({ TELEGRAM_BOT_TOKEN: token });
    expect(c.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(c.TELEGRAM_WEBHOOK_URL).toBeUndefined();
  });

  it('requires the secret (and the token) with a webhook URL, naming the variable but never the values', () => {
    const url = 'https://bot.example.org/telegram/webhook';
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: url })).toThrow(ConfigError);
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(32) })).toThrow(/TELEGRAM_WEBHOOK_URL/);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(32) }).TELEGRAM_WEBHOOK_SECRET).toHaveLength(32);
  });

  it('rejects a malformed token and a short or non-ASCII secret without echoing them', () => {
    const err = (() => {
      try {
        loadConfig({ TELEGRAM_BOT_TOKEN: 'not-a-token-secretvalue' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toMatch(/TELEGRAM_BOT_TOKEN/);
    expect(err?.message).not.toContain('secretvalue');
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: 'short' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: 'ñ'.repeat(20) })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
  });
});

describe('Telegram webhook path', () => {
  it('refuses a webhook URL whose path is not plain', () => {
    const env = { TELEGRAM_BOT_TOKEN: '123456:ABC', TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(32) };
    expect(() => loadConfig({ ...env, TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hook/:id' })).toThrow(/TELEGRAM_WEBHOOK_URL/);
    expect(loadConfig({ ...env, TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/web-hook_1' }).TELEGRAM_WEBHOOK_URL).toBeDefined();
  });
});
