import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TICKET_STATES } from '../../../connectors/connector';
import { LOCALES, PROCEDURE_TYPES } from '../../../catalog/schema';
import { keysOf, t, type MessageKey } from '../../../dialogs/i18n';
import { typeKey } from '../../../dialogs/pick-service-dialog';
import { stateKey } from '../../../dialogs/status-dialog';

const DIALOGS = join(__dirname, '../../../dialogs');
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Message keys passed as literals to t(locale, '…') and say('…') in the engine's source files. */
function keysUsedInCode(): Set<string> {
  const used = new Set<string>();
  for (const file of readdirSync(DIALOGS).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(DIALOGS, file), 'utf8');
    for (const m of source.matchAll(/\bsay\(\s*'([^']+)'/g)) used.add(m[1]!);
    for (const m of source.matchAll(/\bt\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*'([^']+)'/g)) used.add(m[1]!);
    for (const m of source.matchAll(/\bsay\(\s*next\.required \? '([^']+)' : '([^']+)'/g)) used.add(m[1]!).add(m[2]!);
  }
  return used;
}

describe('locale files', () => {
  it('have the same keys in es, ca and en', () => {
    const es = keysOf('es').sort();
    expect(keysOf('ca').sort()).toEqual(es);
    expect(keysOf('en').sort()).toEqual(es);
  });

  it('use the same placeholders for a key in every language', () => {
    for (const key of keysOf('es') as MessageKey[]) {
      const expected = placeholders(t('es', key));
      for (const locale of LOCALES) expect({ key, locale, vars: placeholders(t(locale, key)) }).toEqual({ key, locale, vars: expected });
    }
  });

  it('have no empty sentence', () => {
    for (const locale of LOCALES) for (const key of keysOf(locale) as MessageKey[]) expect(t(locale, key).trim()).not.toBe('');
  });

  it('contain every key the source code says', () => {
    const used = keysUsedInCode();
    // The scan must really find the sayings, or this test proves nothing.
    expect(used.size).toBeGreaterThan(40);
    const known = new Set(keysOf('es'));
    expect([...used].filter((k) => !known.has(k))).toEqual([]);
  });

  it('name every ticket state and procedure type the code builds keys for', () => {
    const known = new Set(keysOf('es'));
    for (const state of TICKET_STATES) expect(known.has(stateKey(state))).toBe(true);
    for (const type of PROCEDURE_TYPES) for (const form of ['a', 'your'] as const) expect(known.has(typeKey(type, form))).toBe(true);
  });

  it('fills placeholders and leaves unknown ones visible rather than failing', () => {
    expect(t('es', 'emergency', { number: '112' })).toContain('llama YA al 112');
    expect(t('en', 'status.unknown')).toContain('{reference}');
  });
});
