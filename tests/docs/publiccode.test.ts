import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

/*
 * publiccode.yml is read by public-sector software catalogues; a file they refuse makes the bot
 * invisible to the councils looking for it. The standard's core (version 0.4) is written down as a
 * JSON Schema beside this test and turned into a zod schema, so the same checks run here with no
 * validator of their own. zod's converter ignores keywords it does not know, so the schema is also
 * held to the keywords it enforces, and each rule is shown to fail on a file that breaks it.
 */

const schemaJson: unknown = JSON.parse(readFileSync('tests/docs/publiccode.schema.json', 'utf8'));
const schema = z.fromJSONSchema(schemaJson as Parameters<typeof z.fromJSONSchema>[0]);
// A parsed YAML document: its shape is what the schema checks, so the edits below reach into it freely.
type Doc = Record<string, any>;
const doc = parse(readFileSync('publiccode.yml', 'utf8')) as Doc;

function problemsOf(value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** A copy of the file's document with one change made to it. */
function changed(edit: (d: Doc) => void): Doc {
  const copy = structuredClone(doc);
  edit(copy);
  return copy;
}

describe('publiccode.yml', () => {
  it('follows the publiccode.yml 0.4 core schema', () => {
    expect(problemsOf(doc)).toEqual([]);
  });

  const required = ['publiccodeYmlVersion', 'name', 'url', 'platforms', 'categories', 'developmentStatus', 'softwareType', 'description', 'legal', 'maintenance', 'localisation'];
  it.each(required)('would be refused without %s', (key) => {
    expect(problemsOf(changed((d) => delete d[key]))).not.toEqual([]);
  });

  const broken: Array<[string, (d: Doc) => void]> = [
    ['another version of the standard', (d) => void (d.publiccodeYmlVersion = '0.2')],
    ['a url that is not one', (d) => void (d.url = 'our repository')],
    ['a development status outside the list', (d) => void (d.developmentStatus = 'alpha')],
    ['a software type outside the list', (d) => void (d.softwareType = 'standalone')],
    ['a category outside the list', (d) => void d.categories.push('chatbots')],
    ['no categories', (d) => void (d.categories = [])],
    ['a platform outside the list', (d) => void d.platforms.push('whatsapp')],
    ['a scope outside the list', (d) => void (d.intendedAudience = { scope: ['city-councils'] })],
    ['a date that is not YYYY-MM-DD', (d) => void (d.releaseDate = '2026-13-01')],
    ['a key the standard does not have', (d) => void (d.chatChannels = ['web'])],
    ['no description at all', (d) => void (d.description = {})],
    ['a description under a name that is not a language tag', (d) => void (d.description.Spanish = d.description.es)],
    ['a shortDescription of 151 characters', (d) => void (d.description.en.shortDescription = 'x'.repeat(151))],
    ['a longDescription of 149 characters', (d) => void (d.description.en.longDescription = 'x'.repeat(149))],
    ['a language without features', (d) => void delete d.description.ca.features],
    ['a licence that is not an SPDX expression', (d) => void (d.legal.license = 'EUPL v1.2')],
    ['no licence', (d) => void delete d.legal.license],
    ['a maintenance type outside the list', (d) => void (d.maintenance.type = 'council')],
    ['internal maintenance with no contact', (d) => void delete d.maintenance.contacts],
    ['a contact without a name', (d) => void (d.maintenance.contacts = [{ email: 'someone@example.org' }])],
    ['contract maintenance with no contractor', (d) => void (d.maintenance = { type: 'contract' })],
    ['a contractor without an end date', (d) => void (d.maintenance = { type: 'contract', contractors: [{ name: 'ACME' }] })],
    ['localisationReady that is not a boolean', (d) => void (d.localisation.localisationReady = 'yes')],
    ['no available languages', (d) => void (d.localisation.availableLanguages = [])],
    ['a dependency without a name', (d) => void d.dependsOn.open.push({ versionMin: '1' })],
  ];
  it.each(broken)('would be refused with %s', (_what, edit) => {
    expect(problemsOf(changed(edit))).not.toEqual([]);
  });

  it('accepts what the standard allows that the file does not use', () => {
    const contract = changed((d) => void (d.maintenance = { type: 'contract', contractors: [{ name: 'ACME', until: '2027-12-31' }] }));
    const unmaintained = changed((d) => void (d.maintenance = { type: 'none' }));
    const released = changed((d) => Object.assign(d, { softwareVersion: '1.0.0', releaseDate: '2027-01-15', platforms: 'web' }));
    expect([problemsOf(contract), problemsOf(unmaintained), problemsOf(released)]).toEqual([[], [], []]);
  });

  it('says what the repository says: licence, languages, Node.js version, Redis and PostgreSQL', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { license: string; engines: { node: string } };
    expect(doc.legal.license).toBe(pkg.license);
    expect(readFileSync('LICENSE', 'utf8').split('\n')[0]).toBe('EUROPEAN UNION PUBLIC LICENCE v. 1.2');

    const languages = doc.localisation.availableLanguages as string[];
    expect(Object.keys(doc.description).sort()).toEqual([...languages].sort());
    for (const lang of languages) expect(existsSync(`dialogs/locales/${lang}.json`), lang).toBe(true);

    const deps = doc.dependsOn.open as Array<{ name: string; versionMin?: string; optional?: boolean }>;
    expect(deps.find((x) => x.name === 'Node.js')?.versionMin).toBe(pkg.engines.node.replace(/^>=\s*/, ''));
    expect(deps.find((x) => x.name === 'Redis')?.optional ?? false).toBe(false);
    expect(deps.find((x) => x.name === 'PostgreSQL')?.optional).toBe(true);
  });
});

describe('tests/docs/publiccode.schema.json', () => {
  // Keywords zod's fromJSONSchema turns into checks; any other would be kept as metadata and check nothing.
  const enforced = new Set([
    '$schema', '$id', '$comment', '$defs', '$ref', 'type', 'enum', 'const', 'anyOf', 'properties', 'required',
    'additionalProperties', 'propertyNames', 'minProperties', 'items', 'minItems', 'uniqueItems',
    'minLength', 'maxLength', 'pattern', 'format',
  ]);
  const subSchemas = (node: Record<string, unknown>): unknown[] => [
    ...Object.values((node.properties ?? {}) as object),
    ...Object.values((node.$defs ?? {}) as object),
    ...((node.anyOf ?? []) as unknown[]),
    node.items,
    node.propertyNames,
    typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined,
  ].filter((x) => x !== undefined);

  function unenforced(node: unknown, at: string): string[] {
    const n = node as Record<string, unknown>;
    const own = Object.keys(n).filter((k) => !enforced.has(k)).map((k) => `${at}: ${k}`);
    return [...own, ...subSchemas(n).flatMap((s, i) => unenforced(s, `${at}/${i}`))];
  }

  it('uses only keywords the zod converter enforces', () => {
    expect(unenforced(schemaJson, '#')).toEqual([]);
  });
});
