import { MemoryStorage, type Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../dialogs/engine/harness';

const REF = /[A-Z]{3}-\d{4}-\d{6}/;

/*
 * A conversation saved by the previous version at its "¿Lo envío?" question (submit was a plain
 * waterfall then) gets the new confirmation for its draft on its next message, not silence.
 */

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine.close();
});

/** Rewrites the submit dialog's saved state into the previous version's shape (no inner dialogs). */
function toPreviousVersion(storage: MemoryStorage): void {
  const memory = (storage as unknown as { memory: Record<string, string> }).memory;
  for (const [key, raw] of Object.entries(memory)) {
    const state = JSON.parse(raw) as unknown;
    let changed = false;
    type Entry = { id: string; state: { dialogs?: { dialogStack: Entry[] }; options?: { choiceSpecs?: unknown } } };
    const visit = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const stack = (node as { dialogStack?: Entry[] }).dialogStack;
      const at = stack?.findIndex((e) => e.id === 'intake.submit' && e.state.dialogs) ?? -1;
      if (stack && at >= 0) {
        // The previous version: submit a waterfall holding the draft in its options, its yes/no prompt above it.
        const [steps, prompt] = stack[at]!.state.dialogs!.dialogStack;
        stack[at] = { id: 'intake.submit', state: { options: steps!.state.options, values: {}, stepIndex: 0 } as never };
        const yesNo = [{ value: 'yes', label: { key: 'choice.yes' }, synonyms: 'yes' }, { value: 'no', label: { key: 'choice.no' }, synonyms: 'no' }];
        stack.splice(at + 1, 0, { id: 'ask.choice', state: { ...prompt!.state, options: { ...prompt!.state.options, choiceSpecs: yesNo } } });
        changed = true;
        return;
      }
      for (const child of Object.values(node)) visit(child);
    };
    visit(state);
    if (changed) memory[key] = JSON.stringify(state);
  }
}

describe('a conversation saved by the previous version', () => {
  it('is shown the new confirmation and can send it', async () => {
    const storage = new MemoryStorage();
    const adapter = engine.adapter({ storage: () => storage });
    await adapter.send('Hay una farola apagada en la calle Colón 12 desde hace una semana').assertReply((a: Partial<Activity>) => expect(a.text).toMatch(/— ¿lo envío\?/)).startTest();
    toPreviousVersion(storage);
    let reference = '';
    await adapter
      .send('sí')
      .assertReply((a: Partial<Activity>) => expect(a.text).toMatch(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/))
      .send('sí')
      .assertReply((a: Partial<Activity>) => {
        reference = REF.exec(a.text ?? '')?.[0] ?? '';
      })
      .startTest();
    expect(reference).toMatch(REF);
  });
});
