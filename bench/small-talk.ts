/**
 * How well the small-talk and follow-up detectors separate chat from reports, and how fast they are.
 *
 *   npx tsx bench/small-talk.ts
 *
 * Prints, on our written set (tests/fixtures/small-talk/small-talk.jsonl): precision and recall of
 * "is small talk" and the share of small talk given the right kind; on the labelled evaluation set
 * (tests/fixtures/eval/*.jsonl, when present): how many reports (service ≠ none) were taken for
 * small talk or for a follow-up question (should be 0), and how many greetings/thanks/insults labelled
 * "none" were recognised; and microseconds per message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { followUpIn } from '../dialogs/conversation/follow-up';
import { smallTalkIn } from '../dialogs/conversation/small-talk';

interface Row { text: string; smallTalk: string | null }
interface EvalRow { text: string; service: string; tags?: string[] }

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
const rows = lines('tests/fixtures/small-talk/small-talk.jsonl').map((l) => JSON.parse(l) as Row);

let tp = 0, fp = 0, fn = 0, rightKind = 0;
for (const r of rows) {
  const got = smallTalkIn(r.text);
  if (got && r.smallTalk) tp++;
  if (got && !r.smallTalk) fp++;
  if (!got && r.smallTalk) fn++;
  if (got && got.kind === r.smallTalk) rightKind++;
}
const pct = (n: number, d: number) => (d === 0 ? 'n/a' : (n / d).toFixed(3));
console.log(`written set: ${rows.length} messages (${tp + fn} small talk, ${rows.length - tp - fn} not)`);
console.log(`  small talk precision ${pct(tp, tp + fp)}  recall ${pct(tp, tp + fn)}  right kind ${pct(rightKind, tp + fn)}`);

for (const locale of ['es', 'ca', 'en']) {
  const file = `tests/fixtures/eval/${locale}.jsonl`;
  if (!existsSync(file)) continue;
  const items = lines(file).map((l) => JSON.parse(l) as EvalRow);
  const reports = items.filter((i) => i.service !== 'none');
  const swallowed = reports.filter((i) => smallTalkIn(i.text)).map((i) => i.text);
  const asFollowUp = reports.filter((i) => followUpIn(i.text)).map((i) => i.text);
  const chat = items.filter((i) => i.service === 'none' && (i.tags ?? []).some((t) => ['greeting', 'thanks', 'insult'].includes(t)));
  const recognised = chat.filter((i) => smallTalkIn(i.text));
  console.log(`eval ${locale}: ${reports.length} reports → ${swallowed.length} taken for small talk, ${asFollowUp.length} for a follow-up; ${recognised.length}/${chat.length} tagged greeting/thanks/insult recognised`);
  for (const text of [...swallowed, ...asFollowUp]) console.log(`    ! ${text}`);
}

const texts = rows.map((r) => r.text);
const rounds = 2_000;
const start = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) for (const t of texts) { smallTalkIn(`${t} ${i % 7}`.slice(0, -2)); followUpIn(t); }
const us = Number(process.hrtime.bigint() - start) / 1_000 / (rounds * texts.length);
console.log(`speed: ${us.toFixed(2)} µs per message (small talk + follow-up)`);
