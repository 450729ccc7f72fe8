import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { writeTestCatalog } from '../support/test-catalog';

/*
 * The conversation that does not get stuck, through the real app (ROLE=all, real Redis, SQLite) on
 * Microsoft's Direct Line client: small talk, a greeting with a report, a numbered list answered with a
 * number, a follow-up by topic and a reference typed loosely, in one web chat conversation.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'conversation-dl-'));
let bot: RunningApp;

beforeAll(async () => {
  bot = await startTestApp({ CATALOG: writeTestCatalog(dir) });
});
afterAll(async () => {
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a web chat conversation that does not get stuck', () => {
  it('answers small talk plainly, files a report that came with a greeting, then finds it by number, by topic and by a loose reference', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);

    const { reply: hello } = await citizen.ask('buenas!!');
    expect(hello.text).toMatch(/^¡Hola! 👋 Soy el asistente del ayuntamiento/);
    expect(buttons(hello)).toEqual([]);

    const { reply: confirm } = await citizen.ask('hola, hay una farola apagada en la calle Colón 12 desde el lunes');
    expect(confirm.text).toMatch(/Alumbrado público en calle Colón 12/);
    const { reply: filed } = await citizen.ask('Enviar');
    const reference = /ALU-(\d{4})-(\d{6})/.exec(filed.text ?? '');
    expect(reference).not.toBeNull();

    const { reply: thanks } = await citizen.ask('mil gracias');
    expect(thanks.text).toContain(`Tu trámite es el ${reference![0]}`);

    const { reply: list } = await citizen.ask('mis reclamos');
    expect(list.text).toContain(`1. ${reference![0]} · Alumbrado público · Recibido`);
    const { reply: first } = await citizen.ask('1');
    expect(first.text).toContain(`📋 ${reference![0]} · Alumbrado público`);

    const { reply: followUp } = await citizen.ask('¿cómo va lo de la farola?');
    expect(followUp.text).toContain(`📋 ${reference![0]}`);

    const { reply: loose } = await citizen.ask(`alu ${reference![1]} ${Number(reference![2])}`);
    expect(loose.text).toContain(`📋 ${reference![0]}`);
    expect(loose.text).toContain('Estado: Recibido');

    const { reply: bye } = await citizen.ask('chau');
    expect(bye.text).toMatch(/^¡Hasta pronto!/);
    citizen.end();
  });
});
