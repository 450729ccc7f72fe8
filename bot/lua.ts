import { readFileSync } from 'node:fs';

/** The project's root, or the build's: this module sits one folder below it in the sources as in dist/. */
const ROOT = new URL('../', import.meta.url);

/**
 * A Redis Lua script read from its `.lua` files (paths from the root, joined in order: a shared prelude
 * first), once, when the module that runs it loads. Kept in files so they read, diff and lint as Lua;
 * `npm run build` copies them into dist/.
 */
export const luaScript = (...paths: string[]): string => paths.map((path) => readFileSync(new URL(path, ROOT), 'utf8')).join('\n');
