import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../bot/errors';
import { CatalogSchema, type Catalog } from './schema';

/** Reads and validates the city's catalog YAML. Throws ConfigError naming the bad paths. */
export function loadCatalog(path: string): Catalog {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read catalog ${path}: ${(err as Error).message}`, { cause: err });
  }
  const r = CatalogSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(`invalid catalog ${path}:\n${z.prettifyError(r.error)}`);
  return Object.freeze(r.data);
}
