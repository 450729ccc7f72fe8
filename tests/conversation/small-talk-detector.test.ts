import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { followUpIn } from '../../dialogs/conversation/follow-up';
import { smallTalkIn, withoutGreeting, type SmallTalkKind } from '../../dialogs/conversation/small-talk';

interface Row {
  text: string;
  locale: 'es' | 'ca' | 'en' | 'xx';
  smallTalk: SmallTalkKind | null;
}

const rows: Row[] = readFileSync('tests/fixtures/small-talk/small-talk.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Row);

describe('the small-talk detector on the written set', () => {
  it('has a set of at least 100 messages, in es, ca and en, with reports that start like small talk', () => {
    expect(rows.length).toBeGreaterThanOrEqual(100);
    for (const locale of ['es', 'ca', 'en']) expect(rows.filter((r) => r.locale === locale && r.smallTalk === null).length).toBeGreaterThan(5);
    expect(rows.filter((r) => r.smallTalk === null).length).toBeGreaterThan(40);
  });

  it('never swallows a report, a command, a reference or a question as small talk', () => {
    const swallowed = rows.filter((r) => r.smallTalk === null && smallTalkIn(r.text) !== undefined).map((r) => r.text);
    expect(swallowed).toEqual([]);
  });

  it('recognizes every greeting, thanks, goodbye, acknowledgement and insult, and which one it is', () => {
    const wrong = rows
      .filter((r) => r.smallTalk !== null)
      .map((r) => ({ text: r.text, expected: r.smallTalk, got: smallTalkIn(r.text)?.kind ?? null }))
      .filter((r) => r.expected !== r.got);
    expect(wrong).toEqual([]);
  });
});

describe('the detectors on the labelled evaluation set (written for the classifier, not for them)', () => {
  it.each(['es', 'ca', 'en'])('take no report in %s for small talk or a follow-up question', (locale) => {
    const file = `tests/fixtures/eval/${locale}.jsonl`;
    if (!existsSync(file)) return;
    const reports = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { text: string; service: string }).filter((r) => r.service !== 'none');
    expect(reports.length).toBeGreaterThan(100);
    expect(reports.filter((r) => smallTalkIn(r.text) !== undefined || followUpIn(r.text) !== undefined).map((r) => r.text)).toEqual([]);
  });
});

describe('withoutGreeting', () => {
  it('takes a leading greeting off, and leaves anything else alone', () => {
    expect(withoutGreeting('hola, ¿cómo va lo de la farola?')).toBe('¿cómo va lo de la farola?');
    expect(withoutGreeting('Buenas tardes. Hay un bache')).toBe('Hay un bache');
    expect(withoutGreeting('hi there what about my streetlight report')).toBe('what about my streetlight report');
    expect(withoutGreeting('hay un bache')).toBe('hay un bache');
  });
});
