import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';

type TeamYaml = { code: string; hours?: unknown; holidays?: string[]; claimWithinMinutes?: number };
type CatalogYaml = { teams: TeamYaml[]; handoff: { graceSeconds?: number } } & Record<string, unknown>;

/**
 * The example catalog with the handoff settings a test needs, written to `dir`; returns its path for
 * CATALOG. By default every team is always open (tests must not depend on the hour they run at).
 */
export function writeTestCatalog(dir: string, change: (catalog: CatalogYaml) => void = () => {}): string {
  const catalog = parse(readFileSync('config/catalog.yaml', 'utf8')) as CatalogYaml;
  for (const team of catalog.teams) {
    delete team.hours;
    team.holidays = [];
  }
  change(catalog);
  const file = path.join(dir, `catalog-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(catalog));
  return file;
}
