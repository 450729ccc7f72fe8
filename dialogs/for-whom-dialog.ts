import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import { ComponentDialog, WaterfallDialog } from './dialog-library';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say } from './i18n';
import { normalize } from './classify/normalize';
import { ask, ChoiceAsk, type ChoiceSpec } from './prompts';
import { citizenIdOf, localeOf } from './turn-keys';

/**
 * Whom a ticket or an appointment is for: `{}` for the citizen themselves, or one of the people an
 * approved representation lets them act for (its id, and the name to say). Plain JSON in dialog state.
 */
export interface ForWhom {
  representationId?: string;
  name?: string;
}

/** Who a filing is for, decided at the moment of filing: the citizen of record and who acted, if someone did. */
export interface Acting {
  citizenId: string;
  representativeId?: string;
}

const ME = 'me';
const STEPS = 'forWhom.steps';

/**
 * "¿Para quién es?" (issue 16 part 4), asked once before a ticket is filed or an appointment booked, with
 * a button for the citizen ("Para mí") and one per person they may act for now. A citizen who acts for
 * nobody is not asked: the dialog ends at once with `{}`, and nothing changes for them. Ends with a ForWhom.
 */
export class ForWhomDialog extends ComponentDialog {
  constructor(private readonly deps: EngineDeps) {
    super(DIALOG.forWhom);
    this.addDialog(new WaterfallDialog(STEPS, [(step) => this.ask(step), (step) => this.chosen(step)]));
    this.addDialog(new ChoiceAsk(PROMPT.choice, deps.catalog));
    this.initialDialogId = STEPS;
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const active = (await this.deps.representations?.activeFor(citizenIdOf(step.context))) ?? [];
    if (active.length === 0) return step.endDialog({} satisfies ForWhom);
    const choices: ChoiceSpec[] = [
      { value: ME, label: say('forWhom.me'), synonyms: ['para mi', 'per a mi', 'for me', 'yo', 'jo', 'myself'] },
      ...active.map((r) => ({ value: r.id, label: r.representedName, synonyms: [normalize(r.representedName), ...normalize(r.representedName).split(' ').filter((w) => w.length > 2)] })),
    ];
    return step.prompt(PROMPT.choice, ask(say('forWhom.ask'), { choiceSpecs: choices, retrySay: say('forWhom.retry') }));
  }

  private async chosen(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const value = (step.result as FoundChoice).value;
    if (value === ME) return step.endDialog({} satisfies ForWhom);
    const r = (await this.deps.representations!.activeFor(citizenIdOf(step.context))).find((x) => x.id === value);
    return step.endDialog((r ? { representationId: r.id, name: r.representedName } : {}) satisfies ForWhom);
  }
}

/**
 * Whose appointments and tickets the citizen may change now: their own first, then those of everyone a
 * representation in force lets them act for (expired or revoked ones give nothing).
 */
export async function actingAs(deps: EngineDeps, ctx: TurnContext): Promise<string[]> {
  const me = citizenIdOf(ctx);
  const active = (await deps.representations?.activeFor(me)) ?? [];
  return [me, ...active.flatMap((r) => (r.representedCitizenId ? [r.representedCitizenId] : []))];
}

/**
 * Whom to file for, checked again now: the represented person's citizen (with the citizen who acts as
 * representative) while the representation is in force; the citizen themselves for `{}`. A representation
 * that expired or was revoked since it was chosen is said so, and the answer is undefined: file nothing.
 */
export async function actingFor(deps: EngineDeps, ctx: TurnContext, forWhom: ForWhom | undefined): Promise<Acting | undefined> {
  const me = citizenIdOf(ctx);
  if (!forWhom?.representationId) return { citizenId: me };
  const r = (await deps.representations?.activeFor(me))?.find((x) => x.id === forWhom.representationId);
  if (r?.representedCitizenId) return { citizenId: r.representedCitizenId, representativeId: me };
  await ctx.sendActivity(render(deps.catalog, localeOf(ctx), say('forWhom.noLonger', { name: forWhom.name ?? '' })));
  return undefined;
}
