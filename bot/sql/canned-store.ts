import type { Locale } from '../../catalog/schema';
import { DependencyUnavailableError, NotFoundError } from '../errors';
import type { Db } from './database';
import { sqlGuard } from './guard';

/** A catalog canned response: the default of every team, one text per language. */
export interface CannedDefault {
  code: string;
  title: string;
  texts: Record<Locale, string>;
}

/** One canned response of a team in one language, as agents insert it (`{agent}` becomes their name). */
export interface TeamCanned {
  code: string;
  title: string;
  text: string;
  /** From the catalog, as it is there (not edited for this team and language). */
  fromCatalog: boolean;
}

/**
 * Canned responses per team and language (issue 15 part 1). The catalog's (`handoff.canned`) are every
 * team's defaults; supervisors' edits in the console are rows of `canned_responses` that replace a
 * default's text for one team and language, add a response of their own, or withdraw one (`hidden`).
 * Reading merges the two, so a catalog change still reaches every team that did not edit that response.
 *
 * @example
 * const canned = new CannedStore(db, catalog.handoff.canned);
 * await canned.save('aguas', 'ca', { code: 'saludo', title: 'Salutació', text: 'Bon dia, sóc {agent}.' }, agentId);
 * await canned.forTeam('aguas', 'ca'); // [{ code: 'saludo', text: 'Bon dia, sóc {agent}.', fromCatalog: false }, …]
 */
export class CannedStore {
  private readonly guard = sqlGuard('canned responses', DependencyUnavailableError);
  constructor(private readonly db: Db, private readonly defaults: readonly CannedDefault[]) {}

  /** The team's responses in `locale`: the catalog's in catalog order (as edited), then the team's own by title. */
  async forTeam(team: string, locale: Locale): Promise<TeamCanned[]> {
    const rows = await this.guard('read canned responses', () =>
      this.db.kysely.selectFrom('canned_responses').select(['code', 'title', 'text', 'hidden']).where('team', '=', team).where('locale', '=', locale).execute());
    const edits = new Map(rows.map((r) => [r.code, r]));
    const list: TeamCanned[] = [];
    for (const d of this.defaults) {
      const edit = edits.get(d.code);
      if (!edit) list.push({ code: d.code, title: d.title, text: d.texts[locale], fromCatalog: true });
      else if (!Number(edit.hidden)) list.push({ code: d.code, title: edit.title, text: edit.text, fromCatalog: false });
    }
    const own = rows.filter((r) => !Number(r.hidden) && !this.defaults.some((d) => d.code === r.code)).sort((a, b) => a.title.localeCompare(b.title));
    return [...list, ...own.map((r) => ({ code: r.code, title: r.title, text: r.text, fromCatalog: false }))];
  }

  /** Writes the team's text of `code` in `locale` (a catalog one, edited, or a new one). */
  async save(team: string, locale: Locale, canned: { code: string; title: string; text: string }, by: string, at = new Date()): Promise<void> {
    await this.upsert(team, locale, canned.code, { title: canned.title, text: canned.text, hidden: 0 }, by, at);
  }

  /**
   * Takes `code` out of the team's list in `locale`: a catalog response is withdrawn (kept as a hidden row,
   * so the default does not come back), a team's own is deleted. E_NOT_FOUND when it is not in the list.
   */
  async remove(team: string, locale: Locale, code: string, by: string, at = new Date()): Promise<void> {
    const listed = (await this.forTeam(team, locale)).find((c) => c.code === code);
    if (!listed) throw new NotFoundError('Esa respuesta predefinida no existe.');
    const fromCatalog = this.defaults.find((d) => d.code === code);
    if (fromCatalog) return this.upsert(team, locale, code, { title: fromCatalog.title, text: fromCatalog.texts[locale], hidden: 1 }, by, at);
    await this.guard('delete a canned response', () =>
      this.db.kysely.deleteFrom('canned_responses').where('team', '=', team).where('locale', '=', locale).where('code', '=', code).execute());
  }

  private async upsert(team: string, locale: Locale, code: string, v: { title: string; text: string; hidden: number }, by: string, at: Date): Promise<void> {
    const row = { ...v, updated_by: by, updated_at: at.toISOString() };
    await this.guard('save a canned response', () =>
      this.db.kysely.insertInto('canned_responses').values({ team, locale, code, ...row })
        .onConflict((oc) => oc.columns(['team', 'locale', 'code']).doUpdateSet(row)).execute());
  }
}
