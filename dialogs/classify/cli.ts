/**
 * `npm run -s classify`: classifies stdin, one message per line, exactly as the bot would.
 *
 *   printf 'la farola no funciona\nhay un bache\n' | npm run -s classify
 *   {"service":"alumbrado","type":"reclamo","confidence":0.912,"locale":"es"}
 *
 *   npm run -s classify -- --history tickets-2024.csv --history tickets-2025.csv < messages.txt
 *
 * `--history FILE` (repeatable, or comma-separated) trains on the city's labelled history CSV too, as
 * CLASSIFIER_HISTORY does for the bot (see history.ts for the format); rows it cannot use are counted
 * on stderr, and a file that is not valid CSV stops the CLI with its name and line (exit 1).
 *
 * stdout carries only the JSON lines (one per non-empty input line, in order), so it can be piped
 * into jq or a benchmark; logs and errors go to stderr. Exit code 0 at end of input, 1 on error.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../../bot/config';
import { ConfigError } from '../../bot/errors';
import { loadCatalog } from '../../catalog/load-catalog';
import { createClassifier } from './create-classifier';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { history: { type: 'string', multiple: true } } });
  const env = loadConfig();
  const extra = (values.history ?? []).flatMap((h) => h.split(',')).map((h) => h.trim()).filter(Boolean);
  const config = { ...env, CLASSIFIER_HISTORY: [...env.CLASSIFIER_HISTORY, ...extra] };
  const catalog = loadCatalog(config.CATALOG);
  // File descriptor 2: a log line on stdout would corrupt the JSON stream.
  const log = pino({ level: config.LOG_LEVEL, base: { cmd: 'classify' } }, pino.destination({ fd: 2, sync: true }));
  // No watching: the CLI reads its input once. A broken history file is an error here, not a warning.
  const classifier = await createClassifier(config, catalog, log, { watch: false, strict: true });

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const text = line.trim();
    if (text === '') continue;
    const r = await classifier.classify(text);
    const out = { service: r.service, type: r.type, confidence: Math.round(r.confidence * 1000) / 1000, locale: r.locale };
    await write(`${JSON.stringify(out)}\n`);
  }
}

/** Writes to stdout and waits until it is handed to the OS, so a slow reader applies backpressure. */
function write(chunk: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(chunk, (err) => (err ? reject(err) : resolve())));
}

main().then(
  // Explicit exit: an HTTP keep-alive socket to the LLM must not hold the process open after EOF.
  // Every write above has already been flushed (its callback ran).
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`classify: configuration error: ${err.message}\n`);
    else process.stderr.write(`classify: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
