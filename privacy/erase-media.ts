import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { mediaFileNames } from './media-files';

/** Files the bot writes itself and reads back whole: copies of data (json, txt) are small and can quote anyone. */
const READABLE = /\.(?:json|txt)$/;

/**
 * Deletes a citizen's files from the media folder: those their messages and tickets link to (`urls`,
 * signed or not), those stored for one of their conversations (the `.owner` beside a file names it),
 * and copies of their data the bot generated (json/txt files that mention them). Returns how many
 * files went (owner records not counted).
 */
export async function eraseFromMedia(dir: string, urls: readonly string[], mentions: (value: string) => boolean): Promise<number> {
  const names = await mediaFileNames(dir);
  if (names.length === 0) return 0;
  const linked = new Set(urls.map(fileNameOf));
  const present = new Set(names);
  let removed = 0;
  for (const name of names) {
    if (name.endsWith('.owner')) continue;
    const file = path.join(dir, name);
    const owner = present.has(`${name}.owner`) ? await readFile(`${file}.owner`, 'utf8').catch(() => '') : '';
    const theirs = linked.has(name) || (owner !== '' && mentions(owner)) || (READABLE.test(name) && mentions(await readFile(file, 'utf8').catch(() => '')));
    if (!theirs) continue;
    await rm(`${file}.owner`, { force: true });
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}

/** The file name a media URL ends with (signed links add a path and a query; both are dropped). */
function fileNameOf(url: string): string {
  try {
    return new URL(url).pathname.split('/').pop() ?? '';
  } catch {
    return url.split(/[?#]/)[0]!.split('/').pop() ?? '';
  }
}
