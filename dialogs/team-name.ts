import type { Catalog } from '../catalog/schema';

/** A team's name in the citizen's language. */
export function teamName(catalog: Catalog, code: string, locale: 'es' | 'ca' | 'en'): string {
  return catalog.teams.find((t) => t.code === code)?.names[locale] ?? code;
}
