import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../bot/config';

// An operator follows docs/operations.md at 3 a.m.: a variable it names that the bot does not read
// would be a setting that silently does nothing.
describe('docs/operations.md', () => {
  const doc = readFileSync('docs/operations.md', 'utf8');
  /** Variables the guide names only as not existing yet; each must be called planned where it appears. */
  const planned: string[] = [];

  it('names only environment variables that bot/config.ts reads', () => {
    const named = new Set([...doc.matchAll(/`([A-Z][A-Z0-9_]{2,})(?:=[^`]*)?`/g)].map((m) => m[1]!));
    const read = new Set(Object.keys(ConfigSchema.shape));
    // OTEL_* (but the endpoint, which bot/config.ts reads) are the OpenTelemetry SDK's own standard variables.
    expect([...named].filter((v) => !read.has(v) && !planned.includes(v) && !v.startsWith('OTEL_'))).toEqual([]);
  });

  it('says that a planned variable is planned', () => {
    for (const v of planned) {
      expect(Object.keys(ConfigSchema.shape), `${v} exists now: document it as such`).not.toContain(v);
      const line = doc.split('\n').find((l) => l.includes(`\`${v}\``));
      expect(line, v).toMatch(/planned/);
    }
  });

  it('is linked from the README', () => {
    expect(readFileSync('README.md', 'utf8')).toContain('](docs/operations.md)');
  });
});

describe('CHANGELOG.md', () => {
  it('keeps an Unreleased section in the Keep a Changelog layout', () => {
    const log = readFileSync('CHANGELOG.md', 'utf8');
    expect(log).toMatch(/^# Changelog$/m);
    expect(log).toMatch(/^## \[Unreleased\]$/m);
    const kinds = [...log.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(kinds.filter((k) => !['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'].includes(k!))).toEqual([]);
  });
});
