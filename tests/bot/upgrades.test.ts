import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../fuzz/support';
import { startTestApp, type RunningApp } from '../e2e/support';

/*
 * WebSocket upgrades the app does not serve (issue 12 part 7): answered at once with an HTTP error, never
 * left hanging, and a target that is not a URL path at all (`//[`, on which `new URL` throws inside the
 * 'upgrade' listener) does not end the process.
 */

const logs = capturingLogger();
let bot: RunningApp;

beforeAll(async () => {
  bot = await startTestApp({}, {}, logs.log);
});
afterAll(async () => {
  await bot?.stop();
});

/** Sends a raw upgrade request and resolves with the status line, or 'no answer' after 3 s. */
function upgrade(target: string, extra = ''): Promise<string> {
  const { port } = new URL(bot.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => (socket.destroy(), resolve('no answer')), 3_000);
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('close', () => (clearTimeout(timer), resolve(data.split('\r\n')[0] ?? '')));
    socket.on('error', () => undefined);
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`,
    );
  });
}

describe('upgrades nobody serves', () => {
  it('get 404 at once, whatever the path', async () => {
    for (const target of ['/', '/nope', '/console/ws/extra', '/v3/directline', '/media/x', '/console/api/me']) {
      expect(await upgrade(target), target).toBe('HTTP/1.1 404 Not Found');
    }
  });

  it('a target that is not a path is refused and the process keeps serving', async () => {
    for (const target of ['//[', '/\\[', 'http://[', 'http://a b/']) {
      expect(await upgrade(target), target).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    expect(logs.errors()).toEqual([]);
  });

  it('the served paths still answer for themselves', async () => {
    expect(await upgrade('/console/ws', `Origin: ${bot.url}\r\n`)).toBe('HTTP/1.1 401 Unauthorized');
    expect(await upgrade('/v3/directline/conversations/abc/stream')).toMatch(/^HTTP\/1\.1 (401|403) /);
  });
});
