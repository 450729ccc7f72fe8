/**
 * How much redaction costs per model call, and how the injection corpus is spread.
 * Prints only; nothing is asserted (timing is never a test). Run: npx tsx bench/llm-safety.ts
 */
import { readFileSync } from 'node:fs';
import { redactForModel } from '../dialogs/llm-safety/index';

const samples = [
  'Hay una farola apagada en la calle Colón 12 desde el 12/05/2026, llamadme al 612 34 56 78 o a ana.garcia@example.es',
  'El contenidor del carrer de Balmes 140 fa dies que no es buida. El meu DNI és 12345678Z.',
  'There is a pothole at 5 Main Street, my number is +44 20 7946 0958 and my plate 1234 BCD.',
  '¿Cómo va lo de ALU-2026-000123? Mi CUIL es 20-30123456-3 y pagué 1.200 € con la tarjeta 4111 1111 1111 1111.',
];
const long = samples.join(' ').repeat(20); // ~2,400 words: the longest message a channel lets through is shorter

function rate(text: string, ms = 1_000): number {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    redactForModel(text);
    n++;
  }
  return n / (ms / 1_000);
}

for (const s of samples) console.log(`${Math.round(rate(s)).toLocaleString('en')} redactions/s  (${s.length} chars)`);
console.log(`${Math.round(rate(long)).toLocaleString('en')} redactions/s  (${long.length} chars)`);

// Inputs that make careless patterns backtrack (4,000 characters: the longest message a channel accepts).
const hostile: Record<string, string> = {
  'a.a.a…@': `${'a.'.repeat(2_000)}@`,
  'aaaa…@b': `${'a'.repeat(3_998)}@b`,
  '1-1-1…': '1-'.repeat(2_000),
  '1 1 1…': '1 '.repeat(2_000),
  'x punto x punto… arroba': `${'x punto '.repeat(500)}arroba`,
};
for (const [name, text] of Object.entries(hostile)) {
  const t = performance.now();
  redactForModel(text);
  console.log(`hostile ${name}: ${(performance.now() - t).toFixed(1)} ms`);
}

const corpus = readFileSync('tests/fixtures/llm-safety/injections.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { lang: string; technique: string });
const count = (key: 'lang' | 'technique') => Object.entries(corpus.reduce<Record<string, number>>((m, r) => ({ ...m, [r[key]]: (m[r[key]] ?? 0) + 1 }), {}));
console.log(`injection corpus: ${corpus.length} attempts`);
console.log(`  by language: ${count('lang').map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`  by technique (${count('technique').length}): ${count('technique').map(([k, v]) => `${k} ${v}`).join(', ')}`);
