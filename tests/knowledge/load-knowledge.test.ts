import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../bot/errors';
import { LOCALES } from '../../catalog/schema';
import { loadKnowledge, readKnowledge } from '../../dialogs/knowledge/load-knowledge';

const GOOD = `---
title: Horario de prueba
keywords: [horario, prueba]
source: https://www.ciudadejemplo.es/es/prueba
---
Intro del artículo.

## Dónde
Calle Mayor 1.

## Cuándo
De 9:00 a 14:00.
`;

let dir: string | undefined;
function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kb-load-'));
  dir = root;
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the example city knowledge base', () => {
  const articles = loadKnowledge('config/knowledge');

  it('has at least 40 articles in every language, on the same topics', () => {
    for (const locale of LOCALES) expect(articles.filter((a) => a.locale === locale).length).toBeGreaterThanOrEqual(40);
    const slugs = (locale: string) => readdirSync(join('config/knowledge', locale)).sort();
    expect(slugs('ca')).toEqual(slugs('es'));
    expect(slugs('en')).toEqual(slugs('es'));
  });

  it('keeps every section short enough to be answered whole, and titles distinct', () => {
    for (const a of articles) for (const p of a.passages) expect({ id: p.id, fits: p.text.length <= 700 }).toEqual({ id: p.id, fits: true });
    for (const locale of LOCALES) {
      const titles = articles.filter((a) => a.locale === locale).map((a) => a.title);
      expect(new Set(titles).size).toBe(titles.length);
    }
  });

  it('links every article to a page of the example city', () => {
    for (const a of articles) expect(a.source).toMatch(/^https:\/\/www\.ciudadejemplo\.es\//);
  });

  it('cuts articles into passages at their sections', () => {
    const oac = articles.find((a) => a.locale === 'es' && a.slug === 'oficinas-atencion-ciudadana')!;
    expect(oac.passages.map((p) => p.heading)).toEqual([oac.title, 'Dónde están', 'Horario', 'Antes de ir']);
    expect(oac.passages[2]!.text).toContain('8:30 a 14:30');
  });
});

describe('loading a knowledge folder', () => {
  it('reads the front matter and the passages of a valid article', () => {
    const { articles, problems } = readKnowledge(folder({ 'es/horario.md': GOOD }));
    expect(problems).toEqual([]);
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({ slug: 'horario', locale: 'es', title: 'Horario de prueba', keywords: ['horario', 'prueba'], source: 'https://www.ciudadejemplo.es/es/prueba' });
    expect(articles[0]!.passages.map((p) => [p.id, p.heading, p.text])).toEqual([
      ['es/horario#0', 'Horario de prueba', 'Intro del artículo.'],
      ['es/horario#1', 'Dónde', 'Calle Mayor 1.'],
      ['es/horario#2', 'Cuándo', 'De 9:00 a 14:00.'],
    ]);
  });

  it('names the file and the field of every mistake, and keeps reading the other files', () => {
    const { articles, problems } = readKnowledge(
      folder({
        'es/good.md': GOOD,
        'es/no-front.md': 'Solo texto, sin cabecera.\n',
        'es/bad-url.md': GOOD.replace('https://www.ciudadejemplo.es/es/prueba', 'www.ciudadejemplo.es/prueba'),
        'ca/no-keywords.md': GOOD.replace('keywords: [horario, prueba]\n', ''),
        'en/extra.md': GOOD.replace('title:', 'author: someone\ntitle:'),
        'en/Bad_Name.md': GOOD,
        'en/empty.md': GOOD.split('Intro')[0]!,
        'fr/article.md': GOOD,
      }),
    );
    expect(articles.map((a) => `${a.locale}/${a.slug}`)).toEqual(['es/good']);
    const byFile = Object.fromEntries(problems.map((p) => [p.file, p.problems.join(' | ')]));
    expect(byFile['es/no-front.md']).toMatch(/front matter: the file must start with a "---" block/);
    expect(byFile['es/bad-url.md']).toMatch(/^source: source must be an http\(s\) URL/);
    expect(byFile['ca/no-keywords.md']).toMatch(/^keywords: /);
    expect(byFile['en/extra.md']).toMatch(/author/);
    expect(byFile['en/Bad_Name.md']).toMatch(/file name: "Bad_Name" is not a slug/);
    expect(byFile['en/empty.md']).toMatch(/body: the article has no text/);
    expect(byFile['fr']).toMatch(/unknown language folder/);
  });

  it('fails at boot with one ConfigError listing every bad file', () => {
    const path = folder({ 'es/good.md': GOOD, 'es/bad-url.md': GOOD.replace('https://', 'ftp://'), 'ca/no-title.md': GOOD.replace('title: Horario de prueba\n', '') });
    let error: unknown;
    try {
      loadKnowledge(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`invalid knowledge base ${path}`);
    expect(message).toContain('es/bad-url.md: source: source must be an http(s) URL');
    expect(message).toMatch(/ca\/no-title\.md: title: /);
    expect(message).not.toContain('good.md');
  });

  it('reports invalid YAML in the front matter', () => {
    const { problems } = readKnowledge(folder({ 'es/yaml.md': GOOD.replace('keywords: [horario, prueba]', 'keywords: [horario, prueba') }));
    expect(problems[0]!.problems[0]).toMatch(/^front matter: not valid YAML/);
  });
});
