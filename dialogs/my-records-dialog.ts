import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import { ConnectorUnavailableError } from '../bot/errors';
import type { CitizenRecords, RecordKind, VerifiedCitizen } from '../connectors/records/citizen-records';
import { WaterfallDialog } from './dialog-library';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say, type MessageKey, type Say } from './i18n';
import { ask, yesNo } from './prompts';
import { censusLines, MAX_RECORDS_SHOWN, recordLine } from './record-view';
import { CITIZEN_ID, citizenIdOf, localeOf } from './turn-keys';

/** What a citizen can look up: a kind of record, their census entry, or a census certificate. */
export type RecordLookup = RecordKind | 'census' | 'censusCertificate';

/**
 * The citizen's own records as the engine reaches them (issue 16 part 3). Absent when the city has no
 * records connector: the bot then says where to look instead.
 */
export interface RecordsAccess {
  records: CitizenRecords;
  /** The identity the city verified for this citizen, if any: nothing is ever shown without one. */
  verifiedOf(citizenId: string): Promise<VerifiedCitizen | undefined>;
  /** Appends this look-up to the audit log; throws when it cannot, and then nothing is shown. */
  audit(citizenId: string, lookup: RecordLookup, ctx: TurnContext): Promise<void>;
  /** A one-time sign-in link for this chat's identity; absent: the city has no identity provider. */
  signInLink?(ctx: TurnContext): Promise<string>;
}

export interface MyRecordsOptions {
  lookup: RecordLookup;
}

const WHAT: Readonly<Record<RecordLookup, MessageKey>> = {
  procedures: 'records.what.procedures',
  notifications: 'records.what.notifications',
  fines: 'records.what.fines',
  'tax-receipts': 'records.what.taxReceipts',
  census: 'records.what.census',
  censusCertificate: 'records.what.censusCertificate',
};

const TITLE: Readonly<Record<RecordKind, MessageKey>> = {
  procedures: 'records.title.procedures',
  notifications: 'records.title.notifications',
  fines: 'records.title.fines',
  'tax-receipts': 'records.title.taxReceipts',
};

/**
 * "Mis multas", "mi padrón", "certificado de empadronamiento": for a citizen whose identity the city
 * verified, a brief look at their records in the city's systems, each with its link to the electronic
 * office; every look-up is recorded in the audit log first. An unverified citizen gets a sign-in link
 * (where the city has an identity provider) and nothing else.
 */
export function myRecordsDialog(deps: EngineDeps): WaterfallDialog {
  const reply = async (step: WaterfallStepContext, s: Say): Promise<DialogTurnResult> => {
    await step.context.sendActivity(render(deps.catalog, localeOf(step.context), s));
    return step.endDialog();
  };
  const lookupOf = (step: WaterfallStepContext): RecordLookup => (step.options as MyRecordsOptions).lookup;
  const citizenOf = (ctx: TurnContext): string => (ctx.turnState.get(CITIZEN_ID) as string | undefined) ?? citizenIdOf(ctx);

  return new WaterfallDialog(DIALOG.myRecords, [
    async function gate(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const access = deps.records;
      const what = say(WHAT[lookupOf(step)]);
      if (!access) return reply(step, say('records.unavailable', { what }));
      if (!(await access.verifiedOf(citizenOf(step.context)))) {
        if (!access.signInLink) return reply(step, say('records.verifyUnavailable', { what }));
        return reply(step, say('records.verifyFirst', { what, url: await access.signInLink(step.context) }));
      }
      if (lookupOf(step) !== 'censusCertificate') return step.next();
      return step.prompt(PROMPT.choice, ask(say('records.certificate.confirm'), { choiceSpecs: yesNo(), retrySay: say('choice.retryYesNo') }));
    },
    async function show(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const access = deps.records!;
      const lookup = lookupOf(step);
      if (lookup === 'censusCertificate' && (step.result as FoundChoice | undefined)?.value !== 'yes') return reply(step, say('records.certificate.cancelled'));
      const ctx = step.context;
      const citizenId = citizenOf(ctx);
      // Read again: the identity could have been unlinked while the question waited for an answer.
      const verified = await access.verifiedOf(citizenId);
      if (!verified) return reply(step, say('records.verifyUnavailable', { what: say(WHAT[lookup]) }));
      try {
        await access.audit(citizenId, lookup, ctx);
        return reply(step, await answer(access.records, verified, lookup, ctx));
      } catch (err) {
        if (!(err instanceof ConnectorUnavailableError)) throw err;
        deps.log.warn({ err, lookup }, 'citizen records not available');
        return reply(step, say('records.down', { what: say(WHAT[lookup]) }));
      }
    },
  ]);

  async function answer(records: CitizenRecords, citizen: VerifiedCitizen, lookup: RecordLookup, ctx: TurnContext): Promise<Say> {
    const locale = localeOf(ctx);
    const tz = deps.catalog.city.timezone;
    if (lookup === 'census') {
      const census = await records.census(citizen, locale);
      return census ? censusLines(locale, census, tz) : say('records.notCensused');
    }
    if (lookup === 'censusCertificate') {
      // One request per message: a retried turn asks again with the same key and gets the same request.
      const made = await records.requestCensusCertificate(citizen, `${ctx.activity.conversation?.id ?? ''}|${ctx.activity.id ?? ''}`, locale);
      return say(made.status === 'issued' ? 'records.certificate.issued' : 'records.certificate.requested', { id: made.id, url: made.url });
    }
    const items = await records.list(citizen, lookup, locale);
    if (items.length === 0) return say('records.none', { what: say(WHAT[lookup]) });
    const lines: Say[] = items.slice(0, MAX_RECORDS_SHOWN).map((r) => recordLine(locale, r, tz));
    if (items.length > MAX_RECORDS_SHOWN) lines.push(say('records.more', { count: items.length - MAX_RECORDS_SHOWN }));
    return say('records.list', { title: say(TITLE[lookup], { count: items.length }), items: lines });
  }
}
