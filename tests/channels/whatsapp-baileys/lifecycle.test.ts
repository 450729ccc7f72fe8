import { DisconnectReason } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelUnavailableError } from '../../../bot/errors';
import { printQrToTerminal } from '../../../channels/whatsapp-baileys/print-qr';
import { PAIRING_CODE } from '../../support/baileys-socket-double';
import { eventually } from '../../support/redis';
import { adapterRig, sleep, type AdapterRig } from './adapter-harness';

/* Pairing, reconnection and the terminal closes, on real Redis with socket doubles. */

const rigs: AdapterRig[] = [];
async function rig(...args: Parameters<typeof adapterRig>): Promise<AdapterRig> {
  const r = await adapterRig(...args);
  rigs.push(r);
  return r;
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const r of rigs.splice(0).reverse()) await r.close();
});

const ref = (conversationId: string) => ({ channel: 'whatsapp' as const, conversationId });

describe('pairing', () => {
  it('prints the QR code of each `qr` update and is not ready until the session opens', async () => {
    const printed: string[] = [];
    const r = await rig({ printQr: (qr) => printed.push(qr) });
    r.doubles.latest().showQr('2@first-ref');
    r.doubles.latest().showQr('2@second-ref');
    expect(printed).toEqual(['2@first-ref', '2@second-ref']);
    expect(r.channel.health!()).toEqual({ ok: false, detail: expect.stringMatching(/not paired yet: scan the QR code/) });
    r.doubles.latest().open();
    expect(r.channel.health!()).toEqual({ ok: true });
  });

  it('draws the QR code on the terminal by default (qrcode-terminal, on stderr)', () => {
    let out = '';
    printQrToTerminal('2@Zm9vYmFy,abc', { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream);
    expect(out).toMatch(/Linked devices/);
    expect(out).toMatch(/[▄▀█]{10}/);
  });

  it('asks once for a pairing code instead of showing the QR, and logs the code but never the number', async () => {
    const printed: string[] = [];
    const number = '34600111222';
    const r = await rig({ pairingNumber: number, printQr: (qr) => printed.push(qr) });
    r.doubles.latest().showQr();
    r.doubles.latest().showQr();
    await eventually(() => r.logs().some((l) => l.pairingCode === PAIRING_CODE), 2_000, 'the pairing code logged');
    expect(r.doubles.latest().pairingRequests).toEqual([number]);
    expect(printed).toEqual([]);
    expect(r.rawLogs()).not.toContain(number);
    // Baileys put the pairing code in the creds; they are saved to Redis as they change.
    await eventually(async () => (await r.redis.get(`${r.prefix}:wa:auth:creds`))?.includes(PAIRING_CODE) ?? false, 2_000, 'creds saved');
  });
});

describe('reconnection', () => {
  it('reconnects after a retryable close, with backoff, on the same session', async () => {
    const r = await rig({ backoff: { baseMs: 60, maxMs: 60 } });
    const first = r.doubles.latest();
    first.open();
    first.close(DisconnectReason.connectionLost);
    expect(r.doubles.sockets).toHaveLength(1); // not at once: after the delay
    await expect(r.channel.send(ref('34600000001@s.whatsapp.net'), [])).rejects.toBeInstanceOf(ChannelUnavailableError);
    await eventually(() => r.doubles.sockets.length === 2, 2_000, 'a second socket');
    expect(r.doubles.latest().config.auth.creds).toBe(first.config.auth.creds);
    expect(r.logs().some((l) => l.msg === 'WhatsApp connection closed: reconnecting' && l.statusCode === 408 && typeof l.delayMs === 'number' && l.delayMs >= 30)).toBe(true);
    r.doubles.latest().open();
    expect(r.channel.health!()).toEqual({ ok: true });
  });

  it('backs off longer after each failed attempt, and starts over once connected', async () => {
    const r = await rig({ backoff: { baseMs: 20, maxMs: 10_000 } });
    for (let attempt = 1; attempt <= 3; attempt++) {
      r.doubles.latest().close(DisconnectReason.connectionClosed);
      await eventually(() => r.doubles.sockets.length === attempt + 1, 2_000, `attempt ${attempt}`);
    }
    const delays = r.logs().filter((l) => l.msg === 'WhatsApp connection closed: reconnecting').map((l) => l.delayMs as number);
    expect(delays[0]).toBeGreaterThanOrEqual(10);
    expect(delays[0]).toBeLessThanOrEqual(20);
    expect(delays[2]).toBeGreaterThanOrEqual(40);
    expect(delays[2]).toBeLessThanOrEqual(80);
    r.doubles.latest().open();
    r.doubles.latest().close(DisconnectReason.connectionClosed);
    const last = r.logs().filter((l) => l.msg === 'WhatsApp connection closed: reconnecting').at(-1);
    expect(last?.attempt).toBe(1);
  });

  it('reconnects at once when WhatsApp asks for a restart (515), as after pairing', async () => {
    const r = await rig();
    r.doubles.latest().showQr();
    r.doubles.latest().close(DisconnectReason.restartRequired, 'Stream Errored (restart required)');
    expect(r.doubles.sockets).toHaveLength(2);
    r.doubles.latest().open();
    expect(r.channel.health!()).toEqual({ ok: true });
  });

  it('reconnects after a bad session (500): it is also how Baileys reports unknown stream errors', async () => {
    const r = await rig();
    r.doubles.latest().open();
    r.doubles.latest().close(DisconnectReason.badSession, 'Stream Errored (unknown)');
    await eventually(() => r.doubles.sockets.length === 2, 2_000, 'a second socket');
  });

  it('does not reconnect after stop', async () => {
    const r = await rig();
    r.doubles.latest().open();
    await r.channel.stop();
    expect(r.doubles.latest().ended).toBe(true);
    await sleep(200);
    expect(r.doubles.sockets).toHaveLength(1);
  });
});

describe('terminal closes', () => {
  it('stops on logged out: no reconnection, an error-level alert, health not ok, sends refused (retryable), session deleted', async () => {
    const r = await rig();
    r.doubles.latest().open();
    await eventually(async () => (await r.redis.exists(`${r.prefix}:wa:auth:creds`)) === 1, 2_000, 'creds saved');
    r.doubles.latest().close(DisconnectReason.loggedOut, 'Stream Errored (conflict)');
    expect(r.channel.health!()).toEqual({ ok: false, detail: 'WhatsApp session logged out: pair again' });
    const alert = r.logs().find((l) => l.alert === 'whatsapp-baileys-stopped');
    expect(alert).toMatchObject({ level: 50, statusCode: 401, msg: 'WhatsApp session logged out: pair again' });
    const err = await r.channel.send(ref('34600000001@s.whatsapp.net'), [{ type: 'message', text: 'hola' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect((err as ChannelUnavailableError).retryable).toBe(true);
    await eventually(async () => (await r.redis.exists(`${r.prefix}:wa:auth:creds`)) === 0, 2_000, 'session deleted');
    await sleep(250);
    expect(r.doubles.sockets).toHaveLength(1);
  });

  it('stops on connection replaced, keeping the session (another process holds it)', async () => {
    const r = await rig();
    r.doubles.latest().open();
    await eventually(async () => (await r.redis.exists(`${r.prefix}:wa:auth:creds`)) === 1, 2_000, 'creds saved');
    r.doubles.latest().close(DisconnectReason.connectionReplaced, 'Stream Errored (conflict)');
    expect(r.channel.health!()).toEqual({ ok: false, detail: expect.stringMatching(/another client .* one process only/) });
    await sleep(250);
    expect(r.doubles.sockets).toHaveLength(1);
    expect(await r.redis.exists(`${r.prefix}:wa:auth:creds`)).toBe(1);
  });
});

describe('socket config', () => {
  it('gives Baileys our session, getMessage, and a filter that skips groups, statuses and channels', async () => {
    const r = await rig();
    const config = r.doubles.latest().config;
    expect(config.auth.creds.noiseKey).toBeDefined();
    expect(typeof config.getMessage).toBe('function');
    expect(config.markOnlineOnConnect).toBe(false);
    const ignore = config.shouldIgnoreJid!;
    expect([ignore('120363025246125486@g.us'), ignore('status@broadcast'), ignore('1203631@newsletter')]).toEqual([true, true, true]);
    expect([ignore('34611000111@s.whatsapp.net'), ignore('123456789012345@lid')]).toEqual([false, false]);
  });
});
