import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger';

describe('createLogger', () => {
  it('redacts message bodies, phone numbers, e-mails and tokens that reach a log line', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const log = createLogger('info', {}, sink);
    log.info({ text: 'huele a gas en Colón 12', activity: { text: 'mi teléfono 600123123' }, contact: { phone: '600123123', email: 'vecina@example.org' }, token: 'secret-token' }, 'turn');
    const out = lines.join('');
    for (const secret of ['huele a gas', '600123123', 'vecina@example.org', 'secret-token']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});
