import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, PG_URL } from '../bot/sql/test-databases';
import { DlConversation, REFERENCE, startTestApp, waitFor, type RunningApp } from './support';

/* The whole bot with PostgreSQL (a fresh schema of its own) instead of SQLite, over Direct Line. */

const schema = freshSchemaName();
let bot: RunningApp;
let client: pg.Client;
let c: DlConversation | undefined;

beforeAll(async () => {
  bot = await startTestApp({ DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema });
  client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
});
afterAll(async () => {
  c?.end();
  await client?.end();
  await bot?.stop();
  await dropSchema(schema);
});

describe('the whole app on PostgreSQL', () => {
  it('reports PostgreSQL ready', async () => {
    const res = await fetch(`${bot.url}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: unknown }).checks).toEqual({ redis: 'ok', database: 'ok' });
  });

  it('files the Spanish street-light complaint as a ticket row in its own PostgreSQL schema, with the transcript', async () => {
    c = await DlConversation.open(bot.url);
    await c.botSays(/Hola/);
    expect((await c.ask('Hay una farola apagada en la calle Colón 12 desde hace una semana')).reply.text).toMatch(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/);
    const done = (await c.ask('Sí')).reply.text ?? '';
    const reference = REFERENCE.exec(done)?.[0];
    expect(reference, done).toBeDefined();

    const tickets = await client.query(`select * from "${schema}".tickets`);
    expect(tickets.rows).toHaveLength(1);
    expect(tickets.rows[0]).toMatchObject({
      reference,
      service: 'alumbrado',
      type: 'reclamo',
      address: 'calle Colón 12',
      description: 'Hay una farola apagada en la calle Colón 12 desde hace una semana',
      channel: 'webchat',
      locale: 'es',
    });
    // Nothing leaked into the default schema's tables (if it has any).
    const elsewhere = await client.query(
      `select count(*)::int as n from information_schema.tables where table_name = 'tickets' and table_schema = current_schema()`,
    );
    if (elsewhere.rows[0].n > 0) {
      const leaked = await client.query('select count(*)::int as n from tickets where reference = $1', [reference]);
      expect(leaked.rows[0].n).toBe(0);
    }

    // The transcript reaches PostgreSQL too (through the transcript outbox, so it may trail the reply).
    const conversationKey = `webchat:${c.conversationId}`;
    const rows = await waitFor(async () => {
      const r = await client.query(`select direction, text from "${schema}".messages where conversation_id = $1 order by id`, [conversationKey]);
      return r.rows.some((m) => m.direction === 'out' && REFERENCE.test(m.text ?? '')) ? r.rows : undefined;
    }, 'the transcript in PostgreSQL');
    expect(rows.filter((m) => m.direction === 'in' && m.text !== null).map((m) => m.text)).toEqual([
      'Hay una farola apagada en la calle Colón 12 desde hace una semana', 'Sí',
    ]);
  });
});
