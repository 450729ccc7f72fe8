// `node --import ./tests/build/dev-dependency-guard.mjs dist/bot/main.js`: the built bot as a production image
// runs it after `npm prune --omit=dev`, here without pruning the shared node_modules. Loading any of
// package.json's devDependencies (tsx, esbuild, typescript, …) fails, and with LOADED_PACKAGES_FILE set
// every npm package the process imports is listed there (one a line). Plain JS: it runs without tsx.
import { readFileSync } from 'node:fs';
import { register } from 'node:module';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
register(new URL('./dev-dependency-guard-hooks.mjs', import.meta.url), {
  data: { denied: Object.keys(pkg.devDependencies ?? {}), loadedFile: process.env.LOADED_PACKAGES_FILE ?? '' },
});
