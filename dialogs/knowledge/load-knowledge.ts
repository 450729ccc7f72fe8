import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../bot/errors';
import { LOCALES, type Locale } from '../../catalog/schema';
import { isProblem, parseArticle, type Article, type ArticleProblem } from './article';

/** What a knowledge directory holds: the valid articles and, per bad file, what is wrong with it. */
export interface LoadedKnowledge {
  articles: Article[];
  problems: ArticleProblem[];
}

/**
 * Reads `<dir>/{es,ca,en}/*.md`. Every file is parsed; the bad ones are reported (never silently
 * skipped) so that one typo in one article does not hide what is wrong in the others.
 */
export function readKnowledge(dir: string): LoadedKnowledge {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { articles: [], problems: [{ file: dir, problems: ['not a directory'] }] };
  }
  const articles: Article[] = [];
  const problems: ArticleProblem[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (!(LOCALES as readonly string[]).includes(entry.name)) {
      problems.push({ file: entry.name, problems: [`unknown language folder (expected one of ${LOCALES.join(', ')})`] });
      continue;
    }
    const locale = entry.name as Locale;
    for (const name of readdirSync(join(dir, locale)).sort()) {
      if (!name.endsWith('.md')) continue;
      const file = `${locale}/${name}`;
      const parsed = parseArticle(file, locale, name.slice(0, -3), readFileSync(join(dir, locale, name), 'utf8'));
      if (isProblem(parsed)) problems.push(parsed);
      else articles.push(parsed);
    }
  }
  return { articles, problems };
}

/**
 * Reads a knowledge directory and fails on any bad file: for boot, where a broken article
 * should stop the process with a message naming the file and field.
 * @throws ConfigError listing every bad file and what is wrong in it.
 */
export function loadKnowledge(dir: string): Article[] {
  const { articles, problems } = readKnowledge(dir);
  if (problems.length > 0) throw new ConfigError(`invalid knowledge base ${dir}:\n${describeProblems(problems)}`);
  return articles;
}

/** One line per problem: `  ca/padron.md: source: source must be an http(s) URL`. */
export function describeProblems(problems: readonly ArticleProblem[]): string {
  return problems.flatMap((p) => p.problems.map((line) => `  ${p.file}: ${line}`)).join('\n');
}
