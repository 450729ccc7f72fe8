// Module resolution hooks of dev-dependency-guard.mjs (they run on Node's loader thread).
import { appendFileSync } from 'node:fs';

let denied = new Set();
let loadedFile = '';

export function initialize(data) {
  denied = new Set(data.denied);
  loadedFile = data.loadedFile;
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; undefined for relative, absolute and node: specifiers. */
function packageOf(specifier) {
  if (/^(\.|\/|node:|file:|data:)/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export async function resolve(specifier, context, next) {
  const name = packageOf(specifier);
  if (name && denied.has(name)) throw new Error(`the built bot imported the development dependency ${name} (from ${context.parentURL})`);
  if (name && loadedFile) appendFileSync(loadedFile, `${name}\n`);
  return next(specifier, context);
}
