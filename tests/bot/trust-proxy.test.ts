import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChannelRegistry } from '../../bot/channel-registry';
import { loadConfig } from '../../bot/config';
import { ConfigError } from '../../bot/errors';
import { createHttpApp } from '../../bot/http-app';
import { createLogger } from '../../bot/logger';
import { Metrics } from '../../bot/metrics';
import { startTestApp, type RunningApp } from '../e2e/support';
import { redisClient } from '../support/redis';

/*
 * TRUST_PROXY (issue 14 part 6): whose X-Forwarded-For gives the client's address, which per-IP limits
 * (tokens/generate, console logins) and warn lines use. Requests here come from 127.0.0.1.
 */

describe('TRUST_PROXY in the config', () => {
  const trust = (v?: string) => loadConfig(v === undefined ? {} : { TRUST_PROXY: v }).TRUST_PROXY;

  it('is loopback by default (a proxy on the same machine), as before it was configurable', () => {
    expect(trust()).toEqual(['loopback']);
  });

  it('takes false, true, a number of hops, and lists of addresses, CIDR ranges and range names', () => {
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 192.168.1.7,fd00::/8, loopback')).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback']);
  });

  it('refuses a bad entry at boot, naming its position and not its text', () => {
    for (const bad of ['10.0.0.0/33', 'proxy.example.org', '10.0.0.1/8/2', ' , ', 'yes']) {
      let err: unknown;
      try {
        trust(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/TRUST_PROXY/);
      if (bad.trim().length > 3) expect((err as Error).message).not.toContain(bad);
    }
  });
});

describe('the HTTP app believes X-Forwarded-For only from the proxies TRUST_PROXY names', () => {
  const redis = redisClient();
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));
  afterAll(() => redis.quit());

  /** The ops app with TRUST_PROXY `value` and a route that answers the client address express sees. */
  async function clientAddressSeen(value: string, forwardedFor: string): Promise<string> {
    const app = createHttpApp({
      redis, metrics: new Metrics(), channels: new ChannelRegistry(), log: createLogger('silent'),
      pingDatabase: async () => undefined,
      trustProxy: loadConfig({ TRUST_PROXY: value }).TRUST_PROXY,
    });
    app.get('/ip', (req, res) => void res.json({ ip: req.ip }));
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ip`, { headers: { 'x-forwarded-for': forwardedFor } });
    return ((await res.json()) as { ip: string }).ip;
  }

  it('false: the peer address, whatever the header says', async () => {
    expect(await clientAddressSeen('false', '203.0.113.9')).toBe('127.0.0.1');
  });

  it('a range that holds the peer: the address the proxy forwarded', async () => {
    expect(await clientAddressSeen('loopback', '203.0.113.9')).toBe('203.0.113.9');
    expect(await clientAddressSeen('127.0.0.0/8', '203.0.113.9')).toBe('203.0.113.9');
  });

  it('a range that does not hold the peer: the peer address (a forged header from elsewhere is ignored)', async () => {
    expect(await clientAddressSeen('10.0.0.0/8', '203.0.113.9')).toBe('127.0.0.1');
  });

  it('hops: the address that many proxies in from the peer', async () => {
    // The peer (hop 1) and 198.51.100.4 (hop 2) are proxies; the client is the one before them.
    expect(await clientAddressSeen('2', '203.0.113.9, 198.51.100.4')).toBe('203.0.113.9');
    expect(await clientAddressSeen('1', '203.0.113.9, 198.51.100.4')).toBe('198.51.100.4');
  });
});

describe('per-IP limits follow TRUST_PROXY (the whole web role)', () => {
  const apps: RunningApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
  });

  /** Two tokens/generate calls from two forwarded addresses, with one call per IP per minute allowed. */
  async function twoCitizens(trustProxy: string): Promise<number[]> {
    const bot = await startTestApp({ ROLE: 'web', TRUST_PROXY: trustProxy, TOKEN_RATE_LIMIT: '1' });
    apps.push(bot);
    const statuses: number[] = [];
    for (const ip of ['203.0.113.9', '203.0.113.10']) {
      const res = await fetch(`${bot.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'x-forwarded-for': ip } });
      statuses.push(res.status);
    }
    return statuses;
  }

  it('behind a trusted proxy, each citizen has an allowance of their own', async () => {
    expect(await twoCitizens('loopback')).toEqual([200, 200]);
  });

  it('with TRUST_PROXY=false, everyone behind the proxy shares the proxy\'s allowance', async () => {
    expect(await twoCitizens('false')).toEqual([200, 429]);
  });
});
