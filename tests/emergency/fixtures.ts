import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One phrasing of the emergency test set (tests/fixtures/emergency/*.jsonl), written for this project. */
export interface EmergencyCase {
  text: string;
  lang: 'es' | 'ca' | 'en';
  emergency: boolean;
  /** dev: used to tune the lexicon; test: held out, only measured. */
  split: 'dev' | 'test';
}

const DIR = join('tests', 'fixtures', 'emergency');

export function emergencyCases(): EmergencyCase[] {
  return ['emergencies.jsonl', 'ordinary.jsonl'].flatMap((f) =>
    readFileSync(join(DIR, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as EmergencyCase));
}
