import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger';
import { maskedId } from '../../bot/masked-id';

/** The real logger writing into an array of parsed lines. */
function capturingLogger(level = 'debug') {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { log: createLogger(level, {}, sink), lines, out: () => lines.join('') };
}

const PHONE = '34600111222';

describe('createLogger', () => {
  it('redacts message bodies, phone numbers, e-mails and tokens that reach a log line', () => {
    const { log, out } = capturingLogger('info');
    log.info({ text: 'huele a gas en Colón 12', activity: { text: 'mi teléfono 600123123' }, contact: { phone: '600123123', email: 'vecina@example.org' }, token: 'secret-token' }, 'turn');
    for (const secret of ['huele a gas', '600123123', 'vecina@example.org', 'secret-token']) expect(out()).not.toContain(secret);
    expect(out()).toContain('[redacted]');
  });

  it('masks WhatsApp conversation ids, jids and conversation keys wherever a line names them', () => {
    const { log, lines, out } = capturingLogger();
    // The shapes of the warn and error lines in dialogs/interruptions, dialogs/citizen-bot, bot/app,
    // dialogs/submit-dialog and queues/outbound, plus Baileys jids and nested references.
    log.warn({ conversationId: PHONE, channel: 'whatsapp-cloud' }, 'emergency phrase: answered with the emergency number');
    log.error({ err: new Error('boom'), channel: 'whatsapp-baileys', conversationId: `${PHONE}@s.whatsapp.net` }, 'turn failed');
    log.warn({ service: 'alumbrado', conversationId: `+${PHONE}` }, 'ticket not filed: back office unavailable');
    log.error({ channel: 'whatsapp-cloud', conversationId: PHONE }, 'reply abandoned after repeated delivery failures');
    log.info({ conversationKey: `whatsapp-cloud:${PHONE}`, key: { remoteJid: `${PHONE}:12@s.whatsapp.net` } }, 'keys');
    log.info({ ref: { channel: 'whatsapp-cloud', conversationId: PHONE, userId: PHONE } }, 'a reference');
    log.info({ activity: { conversation: { id: PHONE }, from: { id: PHONE, name: 'Vecina' }, recipient: { id: '34900000000' } } }, 'an activity');
    log.info({ to: [PHONE, '34600333444'], waId: Number(PHONE), chatId: 5_123_456_789 }, 'numbers and lists');
    log.child({ conversationId: PHONE }).warn('from a child logger');
    expect(lines).toHaveLength(9);
    for (const digits of [PHONE, '600111222', '34600333444', '34900000000', '5123456789']) expect(out()).not.toContain(digits);
    for (const line of lines) {
      const { time: _time, pid: _pid, err: _err, ...fields } = JSON.parse(line) as Record<string, unknown>;
      expect(JSON.stringify(fields)).not.toMatch(/\d{7}/);
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ conversationId: '…222', channel: 'whatsapp-cloud', msg: 'emergency phrase: answered with the emergency number' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ conversationId: '…222@s.whatsapp.net', err: { message: 'boom' } });
    expect(JSON.parse(lines[4]!)).toMatchObject({ conversationKey: 'whatsapp-cloud:…222', key: { remoteJid: '…222:12@s.whatsapp.net' } });
    expect(JSON.parse(lines[6]!)).toMatchObject({ activity: { from: { id: '…222', name: 'Vecina' } } });
    expect(JSON.parse(lines[8]!)).toMatchObject({ conversationId: '…222', msg: 'from a child logger' });
  });

  it('leaves web chat ids, references and other fields as they are', () => {
    const { log, lines } = capturingLogger();
    const fields = { conversationId: 'Qm9vbGVhbi1yYW5kb20xMjM', reference: 'ALU-2026-000123', handoffId: '0f0e1d2c-1234-4567-8901-234567890123', attempts: 12345678, channel: 'webchat' };
    log.info(fields, 'untouched');
    expect(JSON.parse(lines[0]!)).toMatchObject(fields);
  });
});

describe('maskedId', () => {
  it.each([
    [PHONE, '…222'],
    [`+${PHONE}`, '…222'],
    [`${PHONE}@s.whatsapp.net`, '…222@s.whatsapp.net'],
    [`whatsapp-baileys:${PHONE}@s.whatsapp.net`, 'whatsapp-baileys:…222@s.whatsapp.net'],
    ['dl_Qm9vbGVhbi1yYW5kb20', 'dl_Qm9vbGVhbi1yYW5kb20'],
  ])('masks %s as %s', (id, masked) => {
    expect(maskedId(id)).toBe(masked);
  });
});
