/**
 * How often a conversation's language would switch, and to what, by the number of evidence words
 * required (dialogs/citizen-bot.ts MIN_WORDS_TO_SWITCH_LOCALE).
 *
 *   npx tsx bench/language-switch.ts
 *
 * For every message of the labelled evaluation set (tests/fixtures/eval/{es,ca,en}.jsonl), written in
 * language L, in a conversation currently in another language F: "switched right" when the detector,
 * given the message's language evidence (references, numbers, addresses, names taken out), moves F to
 * L; "switched wrong" when it moves it to a third language. Also, for a conversation already in L,
 * "moved away" when it would leave L (it should not).
 */
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../catalog/load-catalog';
import { LOCALES, type Locale } from '../catalog/schema';
import { evidenceWords, languageEvidence } from '../dialogs/classify/detect-locale';
import { OfflineClassifier } from '../dialogs/classify/offline-classifier';

const classifier = OfflineClassifier.train(loadCatalog('config/catalog.yaml'));
const items = LOCALES.flatMap((locale) =>
  readFileSync(`tests/fixtures/eval/${locale}.jsonl`, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => ({ locale, text: (JSON.parse(l) as { text: string }).text })),
);
for (const min of [3, 4, 5, 6]) {
  let pairs = 0, right = 0, wrong = 0, stays = 0, movedAway = 0, same = 0;
  for (const { locale, text } of items) {
    const prose = languageEvidence(text);
    const enough = evidenceWords(prose) >= min;
    same++;
    if (enough && classifier.detectLocale(prose, locale) !== locale) movedAway++;
    for (const from of LOCALES.filter((l) => l !== locale) as Locale[]) {
      pairs++;
      const to = enough ? classifier.detectLocale(prose, from) : from;
      if (to === locale) right++;
      else if (to === from) stays++;
      else wrong++;
    }
  }
  console.log(`min ${min} words: switched right ${(right / pairs).toFixed(3)}, stayed ${(stays / pairs).toFixed(3)}, switched wrong ${(wrong / pairs).toFixed(3)}; a conversation already in the message's language moved away ${(movedAway / same).toFixed(4)} (${movedAway}/${same})`);
}
