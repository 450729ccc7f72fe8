import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buttons, DlConversation, REFERENCE, startTestApp, uniqueId, waitFor, type RunningApp } from './support';

/*
 * The whole bot (ROLE=all: web chat, queues, dialog engine, SQLite) in this process, driven by
 * Microsoft's botframework-directlinejs client over WebSocket, as Web Chat would.
 */

let bot: RunningApp;
const open: DlConversation[] = [];

beforeAll(async () => {
  bot = await startTestApp();
});
afterEach(() => {
  for (const c of open.splice(0)) c.end();
});
afterAll(async () => {
  await bot?.stop();
});

async function conversation(): Promise<DlConversation> {
  const c = await DlConversation.open(bot.url);
  open.push(c);
  await c.botSays(/Hola/); // the greeting: the conversation is live
  return c;
}

async function call(method: string, path: string, opts: { token?: string; raw?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${bot.url}${path}`, { method, headers, ...(opts.raw !== undefined ? { body: opts.raw } : {}) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as any) : undefined };
}

/** The Spanish street-light complaint up to the reference; returns the reference. */
async function fileSpanishComplaint(c: DlConversation): Promise<string> {
  expect((await c.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana')).reply.text).toMatch(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/);
  const done = (await c.ask('Enviar')).reply.text ?? '';
  const ref = REFERENCE.exec(done)?.[0];
  expect(ref, done).toBeDefined();
  return ref ?? '';
}

describe('the whole app over Direct Line (botframework-directlinejs)', () => {
  it('greets the citizen with the menu as soon as the conversation starts, before anything is said', async () => {
    const c = await DlConversation.open(bot.url);
    open.push(c);
    const greeting = await c.botSays(/Hola/);
    expect(greeting.text).toContain('Ciudad Ejemplo');
    expect(buttons(greeting)).toEqual(['Hacer un reclamo', 'Ver mis tickets', 'Ayuda']);
    expect(c.seen.filter((a) => a.from?.role === 'user')).toEqual([]);
  });

  it('files a complaint written in Catalan, answering in Catalan all the way to a reference', async () => {
    const c = await conversation();
    const first = await c.ask("la farola del meu carrer no s'encén des de fa dies");
    // What without where: the only question is where.
    expect(first.reply.text).toMatch(/^On és\?/);
    const summary = (await c.ask('Carrer Major 3')).reply;
    expect(summary.text).toMatch(/^Queixa de Enllumenat públic a Carrer Major 3 — ho envio\?/);
    expect(buttons(summary)).toEqual(['Enviar', 'Afegir foto', 'Canviar tipus', 'Canviar servei', 'Corregir lloc']);
    const done = (await c.ask('Enviar')).reply;
    expect(done.text).toMatch(/He registrat la teva queixa/);
    expect(done.text).toMatch(REFERENCE);

    const answers = c.bot().filter((a) => a.replyToId !== undefined);
    expect(answers.length).toBeGreaterThanOrEqual(3);
    expect(new Set(answers.map((a) => a.locale))).toEqual(new Set(['ca-ES']));
    // The reference answers a status question, still in Catalan.
    const ref = REFERENCE.exec(done.text ?? '')?.[0] ?? '';
    const status = (await c.ask(`com va la meva queixa ${ref}?`)).reply;
    expect(status.text).toContain(ref);
    expect(status.locale).toBe('ca-ES');
  });

  it('answers a platform message posted twice with the same clientActivityID once', async () => {
    const c = await conversation();
    const clientActivityID = uniqueId();
    const text = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';
    const firstId = await c.post(text, { channelData: { clientActivityID } });
    const secondId = await c.post(text, { channelData: { clientActivityID } });
    expect(secondId).toBe(firstId);
    await waitFor(() => c.repliesTo(firstId)[0], 'the answer to the message');
    // Turns of one conversation run in order: once the next message is answered, a duplicate turn would have run.
    const next = await c.ask('Sí');
    expect(next.reply.text).toMatch(REFERENCE);
    expect(c.repliesTo(firstId)).toHaveLength(1);
    expect(c.seen.filter((a) => a.from?.role === 'user' && a.text === text)).toHaveLength(1);
  });

  it('answers an emergency mid-intake with the 112 message and nothing else; the next message continues the intake', async () => {
    const c = await conversation();
    const where = (await c.ask('Hay una farola apagada desde hace una semana')).reply;
    expect(where.text).toMatch(/¿Dónde está\?/);
    const id = await c.post('huele a gas en el portal');
    const first = await waitFor(() => c.repliesTo(id)[0], 'the reply to the emergency phrase');
    expect(first.text).toMatch(/llama YA al 112/);
    // The intake goes on where it was (turns run in order, so the emergency's turn is over by then).
    expect((await c.ask('Calle Colón 12')).reply.text).toMatch(/^Reclamo de Alumbrado público en Calle Colón 12 — ¿lo envío\?/);
    expect(c.repliesTo(id)).toHaveLength(1);
  });

  it('answers an oversized message politely and the conversation goes on', async () => {
    const c = await conversation();
    const long = await c.ask('Hay un bache enorme en mi calle. '.repeat(140).slice(0, 4_500));
    expect(long.reply.text).toMatch(/muy largo/);
    expect(long.reply.text).toMatch(/\d/); // names the limit
    expect(c.repliesTo(long.id)).toHaveLength(1);
    const next = await c.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana');
    expect(next.reply.text).toMatch(/Alumbrado público/);
  });

  it('refuses an unknown conversation with 404, a bad token with 403 and malformed JSON with 400, all as JSON errors', async () => {
    // A valid token whose conversation was never started: the conversation does not exist.
    const gen = await call('POST', '/v3/directline/tokens/generate');
    expect(gen.status).toBe(200);
    const unknown = await call('GET', `/v3/directline/conversations/${gen.body.conversationId}/activities`, { token: gen.body.token });
    expect(unknown.status).toBe(404);
    expect(unknown.type).toMatch(/json/);
    expect(unknown.body.error.code).toBe('NotFound');

    const started = await call('POST', '/v3/directline/conversations', { token: gen.body.token, raw: '{}' });
    expect(started.status).toBe(201);
    const path = `/v3/directline/conversations/${started.body.conversationId}/activities`;
    const forged = await call('GET', path, { token: `${started.body.token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('Forbidden');
    const garbage = await call('GET', path, { token: 'not-a-token' });
    expect(garbage.status).toBe(403);

    const malformed = await call('POST', path, { token: started.body.token, raw: '{"type":"message","text":' });
    expect(malformed.status).toBe(400);
    expect(malformed.type).toMatch(/json/);
    expect(malformed.body.error.code).toBe('BadArgument');
    // The conversation still works after the refusals.
    const ok = await call('POST', path, { token: started.body.token, raw: '{"type":"message","text":"ayuda"}' });
    expect(ok.status).toBe(200);
  });

  it('reports health, readiness of Redis and the database, and Prometheus metrics (on METRICS_PORT) that count a filed ticket', async () => {
    const health = await call('GET', '/healthz');
    expect(health.status).toBe(200);
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ redis: 'ok', database: 'ok' });
    expect(ready.body.channels).toEqual({ webchat: 'ok' });

    const c = await conversation();
    await fileSpanishComplaint(c);
    // Not on the public port: on the process's metrics port.
    expect((await fetch(`${bot.url}/metrics`)).status).toBe(404);
    const res = await fetch(`${bot.app.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    const metrics = await res.text();
    expect(metrics).toContain('citybot_turn_duration_seconds');
    expect(metrics).toContain('citybot_messages_total{channel="webchat"');
    expect(metrics).toContain('citybot_queue_depth');
    const created = /^citybot_tickets_created_total\{service="alumbrado",type="reclamo"\} (\d+)/m.exec(metrics);
    expect(created, 'tickets created counter for alumbrado/reclamo').not.toBeNull();
    expect(Number(created?.[1])).toBeGreaterThanOrEqual(1);
  });
});
