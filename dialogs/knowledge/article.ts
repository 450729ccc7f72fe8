import { parse } from 'yaml';
import { z } from 'zod';
import type { Locale } from '../../catalog/schema';

/**
 * One article of the city's knowledge base: a Markdown file with YAML front matter.
 *
 * ```markdown
 * ---
 * title: Horario de la Oficina de Atención Ciudadana
 * keywords: [horario, oac, registro, cita previa]
 * source: https://www.ciudadejemplo.es/oac
 * ---
 * Intro paragraph (a passage of its own).
 *
 * ## Dónde está
 * Plaza Mayor 1 … (each `##` section is one passage)
 * ```
 */
export const FrontMatterSchema = z
  .object({
    title: z.string().trim().min(3, 'title is too short'),
    keywords: z.array(z.string().trim().min(2)).min(1, 'at least one keyword'),
    source: z.url({ protocol: /^https?$/, message: 'source must be an http(s) URL' }),
    /** Optional: a short line an index or an agent sees; not searched. */
    summary: z.string().optional(),
  })
  .strict();
export type FrontMatter = z.infer<typeof FrontMatterSchema>;

/** A piece of an article that can be given as an answer: its intro or one `##` section. */
export interface Passage {
  /** `<locale>/<slug>#<n>`, unique in the base. */
  id: string;
  slug: string;
  /** The section's heading; the article title for the intro. */
  heading: string;
  /** The section's text, Markdown as written (without the heading line). */
  text: string;
}

export interface Article {
  slug: string;
  locale: Locale;
  title: string;
  keywords: string[];
  source: string;
  passages: Passage[];
  /** Relative path of the file, for messages. */
  file: string;
}

/** Why a file is not a valid article: which file and what is wrong in it. */
export interface ArticleProblem {
  file: string;
  problems: string[];
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Parses one article file. Returns the article, or the list of what is wrong with it
 * (each line names the field, e.g. `source: source must be an http(s) URL`).
 */
export function parseArticle(file: string, locale: Locale, slug: string, content: string): Article | ArticleProblem {
  const problems: string[] = [];
  if (!SLUG.test(slug)) problems.push(`file name: "${slug}" is not a slug (lowercase letters, digits and dashes)`);
  const m = FRONT_MATTER.exec(content.replace(/^\uFEFF/, ''));
  if (!m) return { file, problems: [...problems, 'front matter: the file must start with a "---" block (title, keywords, source)'] };
  let raw: unknown;
  try {
    raw = parse(m[1]!);
  } catch (err) {
    return { file, problems: [...problems, `front matter: not valid YAML (${(err as Error).message.split('\n')[0]})`] };
  }
  const front = FrontMatterSchema.safeParse(raw ?? {});
  if (!front.success) {
    for (const issue of front.error.issues) problems.push(`${issue.path.join('.') || 'front matter'}: ${issue.message}`);
  }
  const passages = passagesOf(`${locale}/${slug}`, slug, front.success ? front.data.title : slug, m[2]!);
  if (passages.length === 0) problems.push('body: the article has no text');
  if (problems.length > 0 || !front.success) return { file, problems };
  const { title, keywords, source } = front.data;
  return { slug, locale, title, keywords, source, passages, file };
}

export function isProblem(x: Article | ArticleProblem): x is ArticleProblem {
  return 'problems' in x;
}

/** Splits a body into passages: the text before the first `##` heading, then one per `##` section. */
function passagesOf(idBase: string, slug: string, title: string, body: string): Passage[] {
  const out: Passage[] = [];
  let heading = title;
  let lines: string[] = [];
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text) out.push({ id: `${idBase}#${out.length}`, slug, heading, text });
    lines = [];
  };
  for (const line of body.split(/\r?\n/)) {
    const h = /^#{1,3}\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      // A top-level "# Title" repeats the title: the intro keeps the title as its heading.
      heading = line.startsWith('# ') ? title : h[1]!;
    } else {
      lines.push(line);
    }
  }
  flush();
  return out;
}
