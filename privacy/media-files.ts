import { readdir } from 'node:fs/promises';

/** The names in the media folder; none when it does not exist yet (nothing was ever stored). */
export async function mediaFileNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
