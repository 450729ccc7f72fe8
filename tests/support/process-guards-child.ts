import http from 'node:http';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../bot/logger';
import { installProcessGuards } from '../../bot/process-guards';

/*
 * A tiny server under bot/process-guards' policy, for tests/bot/process-guards.test.ts:
 * GET /reject leaves a rejected promise unawaited, GET /throw throws from a timer, anything else answers "alive".
 * GUARDS=off runs it without the guards (Node's defaults), to show what the policy changes.
 */
// Synchronous writes: the test reads the order of the lines. With pino's default asynchronous stdout, a
// write that met a full pipe (EAGAIN, a loaded machine) waits to be retried while sonic-boom's flushSync
// (after a fatal line, and at exit) writes the lines queued behind it: the fatal line reached the pipe
// after 'stopped accepting' once in a CI run.
const log = createLogger('info', {}, pino.destination({ dest: 1, sync: true }));
const server = http.createServer((req, res) => {
  if (req.url === '/reject') void Promise.reject(new Error('rejected on purpose'));
  if (req.url === '/throw') {
    setTimeout(() => {
      throw new Error('thrown on purpose');
    }, 10);
  }
  res.end('alive');
});
if (process.env.GUARDS !== 'off') {
  installProcessGuards({
    log,
    shutdown: async () => {
      await new Promise((resolve) => server.close(resolve));
      log.info('stopped accepting');
    },
  });
}
server.listen(0, '127.0.0.1', () => log.info({ port: (server.address() as AddressInfo).port }, 'listening'));
