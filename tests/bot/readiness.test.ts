import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWhatsAppApp, type WhatsAppApp } from '../channels/whatsapp-baileys/harness';

/*
 * /readyz says whether this process can take traffic (Redis and SQL answer); channels are reported beside
 * it and on /healthz/channels, without failing it (issue 14 part 6): an unpaired
 * WhatsApp must not take the web chat and the console of every web process out of the load balancer.
 */
describe('readiness with the Baileys channel waiting to be paired', () => {
  let wa: WhatsAppApp;
  beforeAll(async () => {
    wa = await startWhatsAppApp();
    wa.socket().showQr();
  });
  afterAll(async () => {
    await wa?.stop();
  });

  it('/readyz is 200 with Redis and SQL up, and lists the channel as down', async () => {
    const res = await fetch(`${wa.url}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, string>; channels: Record<string, string> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks).toEqual({ redis: 'ok', database: 'ok' });
    expect(body.channels.webchat).toBe('ok');
    expect(body.channels.whatsapp).toMatch(/^down: WhatsApp not paired yet/);
  });

  it('/healthz/channels is 503 with the reason, for monitoring to alert on', async () => {
    const res = await fetch(`${wa.url}/healthz/channels`);
    const body = (await res.json()) as { status: string; channels: Record<string, string> };
    expect(res.status).toBe(503);
    expect(body.status).toBe('degraded');
    expect(body.channels.whatsapp).toMatch(/^down: WhatsApp not paired yet/);
    expect(body.channels.webchat).toBe('ok');
  });

  it('once paired, /healthz/channels is 200', async () => {
    wa.socket().open();
    const res = await fetch(`${wa.url}/healthz/channels`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { channels: Record<string, string> }).channels.whatsapp).toBe('ok');
  });
});
