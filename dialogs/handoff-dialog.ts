import { randomUUID } from 'node:crypto';
import type { StatePropertyAccessor } from 'botbuilder';
import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialog-library';
import { ConnectorUnavailableError, TicketRejectedError } from '../bot/errors';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps, HandoffOutcome, HandoffReason } from './engine-deps';
import { draftInStack, summaryOfDraft, teamFor, teamName } from './handoff-summary';
import { say, t } from './i18n';
import { newDraft, toTicketDraft, type IntakeDraft } from './intake-draft';
import { withMenu } from './menu';
import { describeOpening } from './opening-time';
import { ask, type ChoiceSpec } from './prompts';
import { citizenIdOf, localeOf } from './turn-keys';

export interface HandoffOptions {
  reason: HandoffReason;
  /** What intake had collected, if anything. */
  draft?: IntakeDraft;
  /**
   * People could not take it: `expired` (nobody claimed it in time). The dialog skips the queue and
   * files the request as a ticket for the team.
   */
  ended?: { outcome: 'expired'; handoffId: string; team: string };
}

/** Kept in conversation state while people hold the conversation, for the ticket if they cannot take it. */
export interface HandoffMemo {
  handoffId: string;
  team: string;
  draft?: IntakeDraft;
}

interface StepValues {
  team: string;
  handoffId?: string;
  opensAt?: string;
  /** Nobody of the team is online: the citizen is choosing between a ticket and waiting. */
  choosing?: boolean;
  /** The words that started the handoff, for the queue's preview if the citizen chooses to wait. */
  preview?: string;
}

// The choice offered when nobody of the team is online.
const FILE = 'file';
const WAIT = 'wait';
const NOBODY_ONLINE_CHOICES: ChoiceSpec[] = [
  { value: FILE, label: say('handoff.fileInstead'), synonyms: ['si', 'sí', 'yes', 'vale', 'ok', 'registrar', 'registralo', 'regístralo', 'ticket', 'tramite', 'trámite', 'file', 'file it', 'registra', "registra'l", 'tiquet'] },
  { value: WAIT, label: say('handoff.waitAnyway'), synonyms: ['espero', 'esperar', 'prefiero esperar', 'wait', 'i will wait', "i'll wait", 'esperaré', 'esperare', 'espera', 'esperaria', 'no'] },
];

/** Options for a handoff asked for in the middle of anything: the running intake's draft goes with it. */
export function handoffFromStack(reason: HandoffReason, stack: unknown): HandoffOptions {
  const draft = draftInStack(stack);
  return { reason, ...(draft ? { draft } : {}) };
}

/**
 * Hands the conversation to the team that owns its service: queued (the citizen hears their place
 * and a wait estimate, and the bot falls silent), or — when the team is closed now, or nobody claimed
 * it in time — filed as a ticket for the team, asking first for a description when there is none.
 * When the team is open but nobody of it is online, the citizen is told at once and chooses: a
 * ticket now (as when closed) or waiting in the queue anyway. The citizen is never left without an answer.
 */
export function handoffDialog(deps: EngineDeps, memo: StatePropertyAccessor<HandoffMemo | undefined>): WaterfallDialog<HandoffOptions> {
  const { catalog, connector, classifier, log } = deps;

  return new WaterfallDialog<HandoffOptions>(DIALOG.handoff, [
    async function request(step: WaterfallStepContext<HandoffOptions>): Promise<DialogTurnResult> {
      const ctx = step.context;
      const locale = localeOf(ctx);
      const { draft, ended } = step.options;
      const values = step.values as StepValues;
      values.team = ended?.team ?? teamFor(draft, catalog);
      const team = teamName(catalog, values.team, locale);
      if (ended) {
        values.handoffId = ended.handoffId;
        await ctx.sendActivity(t(locale, 'handoff.expired', { team }));
        if (hasDescription(draft)) return step.next();
        return step.prompt(PROMPT.text, ask(say('handoff.describe')));
      }
      if (ctx.activity.text) values.preview = ctx.activity.text;
      const outcome = await queue(step, false);
      if (outcome.kind === 'queued') return step.endDialog();
      if (outcome.kind === 'unstaffed') {
        values.choosing = true;
        return step.prompt(PROMPT.choice, ask(say('handoff.nobodyOnline', { team }), { choiceSpecs: NOBODY_ONLINE_CHOICES }));
      }
      if (outcome.opensAt) values.opensAt = outcome.opensAt.toISOString();
      if (hasDescription(draft)) return step.next();
      if (outcome.opensAt) await ctx.sendActivity(t(locale, 'handoff.closed', { team, opening: describeOpening(outcome.opensAt, locale, catalog.city.timezone) }));
      return step.prompt(PROMPT.text, ask(say('handoff.describe')));
    },

    /** Nobody online: wait in the queue after all, or file it now (a description first when there is none). */
    async function decide(step: WaterfallStepContext<HandoffOptions>): Promise<DialogTurnResult> {
      const values = step.values as StepValues;
      if (!values.choosing) return step.next(step.result);
      values.choosing = false;
      if ((step.result as FoundChoice).value === WAIT) {
        const outcome = await queue(step, true);
        if (outcome.kind === 'queued') return step.endDialog();
        if (outcome.kind === 'closed' && outcome.opensAt) values.opensAt = outcome.opensAt.toISOString();
      }
      if (hasDescription(step.options.draft)) return step.next();
      return step.prompt(PROMPT.text, ask(say('handoff.describe')));
    },

    async function file(step: WaterfallStepContext<HandoffOptions>): Promise<DialogTurnResult> {
      const ctx = step.context;
      const locale = localeOf(ctx);
      const values = step.values as StepValues;
      const draft = await completeDraft(step.options.draft, step.result as string | undefined);
      const service = catalog.services.find((s) => s.code === draft.service)!;
      const team = teamName(catalog, values.team, locale);
      try {
        const ticket = toTicketDraft(draft, { service, citizenId: citizenIdOf(ctx), channel: ctx.activity.channelId, conversationId: ctx.activity.conversation.id, locale });
        const ref = await connector.createTicket(ticket, draft.key);
        await deps.handoff?.ticketFiled(values.handoffId, ref.reference);
        await memo.delete(ctx);
        const text = values.opensAt
          ? t(locale, 'handoff.filedOpening', { reference: ref.reference, team, opening: describeOpening(new Date(values.opensAt), locale, catalog.city.timezone) })
          : t(locale, 'handoff.filed', { reference: ref.reference, team });
        await ctx.sendActivity(withMenu(locale, text));
      } catch (err) {
        if (!(err instanceof ConnectorUnavailableError || err instanceof TicketRejectedError)) throw err;
        log.error({ err, service: service.code }, 'handoff fallback ticket not filed');
        await ctx.sendActivity(t(locale, 'handoff.unavailable'));
      }
      return step.endDialog();
    },
  ]);

  /** Asks the team's queue to take the conversation; queued: the citizen hears their place and the bot falls silent. */
  async function queue(step: WaterfallStepContext<HandoffOptions>, waitAnyway: boolean): Promise<HandoffOutcome> {
    const ctx = step.context;
    const locale = localeOf(ctx);
    const values = step.values as StepValues;
    const { draft } = step.options;
    const outcome = await deps.handoff!.request({
      channel: ctx.activity.channelId,
      conversationId: ctx.activity.conversation.id,
      userId: ctx.activity.from.id,
      citizenId: citizenIdOf(ctx),
      locale,
      reason: step.options.reason,
      team: values.team,
      summary: summaryOfDraft(draft, catalog),
      ...(values.preview ? { preview: values.preview } : {}),
      ...(waitAnyway ? { waitAnyway } : {}),
    });
    if (outcome.kind === 'queued') {
      await memo.set(ctx, { handoffId: outcome.handoffId, team: values.team, ...(draft ? { draft } : {}) });
      await ctx.sendActivity(t(locale, 'handoff.queued', { team: teamName(catalog, values.team, locale), position: outcome.position, minutes: outcome.waitMinutes }));
    }
    return outcome;
  }

  /** The draft to file: the citizen's new words added; with no service yet, the classifier's best reading, as an inquiry. */
  async function completeDraft(draft: IntakeDraft | undefined, text: string | undefined): Promise<IntakeDraft> {
    const base = draft ?? newDraft(randomUUID(), {});
    const withText = text ? { ...base, texts: [...base.texts, text] } : base;
    if (withText.service && catalog.services.some((s) => s.code === withText.service)) return { ...withText, type: withText.type ?? 'consulta' };
    const guess = await classifier.classify(withText.texts.join('\n'), undefined);
    const service = catalog.services.some((s) => s.code === guess.service) ? guess.service : catalog.services[0]!.code;
    return { ...withText, service, type: 'consulta' };
  }
}

function hasDescription(draft: IntakeDraft | undefined): boolean {
  return draft !== undefined && draft.service !== undefined && draft.texts.some((x) => /\p{L}{2}/u.test(x));
}
