/**
 * How fast the emergency detector reads messages (it runs on every turn). Prints messages per second.
 * Run: npx tsx bench/emergency-speed.ts
 */
import { loadCatalog } from '../catalog/load-catalog';
import { emergencyDetectorFor } from '../dialogs/emergency/catalog-detector';
import { emergencyCases } from '../tests/emergency/fixtures';

const started = performance.now();
const detector = emergencyDetectorFor(loadCatalog('config/catalog.yaml'));
console.log(`built in ${(performance.now() - started).toFixed(0)} ms (catalog load included)`);
// Distinct texts each round: normalize() caches recent messages, and real turns rarely repeat.
const texts = emergencyCases().map((c) => c.text);
let n = 0;
const t0 = performance.now();
for (let round = 0; round < 5; round += 1) for (const text of texts) {
  detector.detect(`${text} ${round}`);
  n += 1;
}
const ms = performance.now() - t0;
console.log(`${n} messages in ${ms.toFixed(0)} ms: ${Math.round((n / ms) * 1000)} messages/s, ${((ms / n) * 1000).toFixed(0)} µs each`);
