import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, FoundChoice, PromptRecognizerResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { imagesOf, pdfsOf } from '../bot/activity';
import { BadInputError } from '../bot/errors';
import { MAX_PENDING_PER_REPRESENTATIVE, RELATIONSHIPS, type Relationship } from '../bot/sql/representation-store';
import { ComponentDialog, WaterfallDialog } from './dialog-library';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say, type Say } from './i18n';
import { ask, ChoiceAsk, TextAsk, type ChoiceSpec } from './prompts';
import { citizenIdOf, localeOf } from './turn-keys';

/** What the steps remember (waterfall `values`, in dialog state). */
interface Asked {
  name?: string;
  relationship?: Relationship;
}

const NAME_PROMPT = 'ask.representedName';
const PROOF_PROMPT = 'ask.proof';
const STEPS = 'actFor.steps';

/** Words that pick each relationship besides its label, in the three languages. */
const RELATIONSHIP_WORDS: Record<Relationship, string[]> = {
  family: ['familiar', 'familia', 'family', 'madre', 'padre', 'hijo', 'hija', 'mare', 'pare', 'fill', 'filla', 'mother', 'father', 'son', 'daughter'],
  'social-services': ['servicios sociales', 'serveis socials', 'social services', 'trabajadora social', 'treballadora social', 'social worker'],
  legal: ['legal', 'representante legal', 'representant legal', 'legal representative', 'tutor', 'tutora', 'tutela', 'guardian', 'poder', 'power of attorney'],
  other: ['otra', 'otro', 'una altra', 'altra', 'other'],
};

/**
 * "Actuar en nombre de otra persona", "representar a mi madre", "act on behalf of someone" (issue 16
 * part 4): a verified citizen asks to act for someone else — the person's full name → the relationship
 * (buttons) → the proof (a photo or a PDF; anything else is asked for again, "cancelar" leaves) — and the
 * request waits for a supervisor in the console, who approves it with an expiry or refuses it; the
 * citizen is told on this chat (bot/representation-teller.ts). Only a verified citizen may ask: anyone
 * else gets the sign-in link, or is told the city has no sign-in here.
 */
export class ActForDialog extends ComponentDialog {
  constructor(private readonly deps: EngineDeps) {
    super(DIALOG.actFor);
    this.addDialog(new WaterfallDialog(STEPS, [
      (step) => this.start(step),
      (step) => this.relationship(step),
      (step) => this.proof(step),
      (step) => this.file(step),
    ]));
    this.addDialog(new NameAsk(NAME_PROMPT, deps.catalog, 2));
    this.addDialog(new ChoiceAsk(PROMPT.choice, deps.catalog));
    this.addDialog(new ProofAsk(PROOF_PROMPT, deps.catalog));
    this.initialDialogId = STEPS;
  }

  private async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { identity, representations } = this.deps;
    if (!identity || !representations) return this.reply(step, say('actFor.unavailable'));
    const me = citizenIdOf(step.context);
    if (!(await identity.verified(me))) {
      return this.reply(step, say('actFor.verifyFirst', { url: await identity.signInLink(step.context), minutes: identity.linkMinutes }));
    }
    // Said before the questions, not after the proof: the limit is known now.
    if ((await representations.pendingCount(me)) >= MAX_PENDING_PER_REPRESENTATIVE) return this.reply(step, say('actFor.tooMany', { max: MAX_PENDING_PER_REPRESENTATIVE }));
    return step.prompt(NAME_PROMPT, ask(say('actFor.askName'), { retrySay: say('actFor.reaskName') }));
  }

  private async relationship(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const name = (step.result as string).replace(/\s+/g, ' ');
    (step.values as Asked).name = name;
    const choices: ChoiceSpec[] = RELATIONSHIPS.map((r) => ({ value: r, label: say(`actFor.relationship.${r}`), synonyms: RELATIONSHIP_WORDS[r] }));
    return step.prompt(PROMPT.choice, ask(say('actFor.askRelationship', { name }), { choiceSpecs: choices, retrySay: say('actFor.retryRelationship') }));
  }

  private async proof(step: WaterfallStepContext): Promise<DialogTurnResult> {
    (step.values as Asked).relationship = (step.result as FoundChoice).value as Relationship;
    return step.prompt(PROOF_PROMPT, ask(say('actFor.askProof'), { retrySay: say('actFor.reaskProof') }));
  }

  private async file(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { name, relationship } = step.values as Required<Asked>;
    const ctx = step.context;
    try {
      await this.deps.representations!.request({
        representativeId: citizenIdOf(ctx), representedName: name, relationship, proofMedia: step.result as string,
        channel: ctx.activity.channelId, conversationId: ctx.activity.conversation.id, locale: localeOf(ctx),
      });
    } catch (err) {
      // The name was checked by its prompt: what is left is the pending limit, reached from another chat meanwhile.
      if (!(err instanceof BadInputError)) throw err;
      return this.reply(step, say('actFor.tooMany', { max: MAX_PENDING_PER_REPRESENTATIVE }));
    }
    this.deps.log.info({ relationship }, 'request to act for someone filed');
    return this.reply(step, say('actFor.requested', { name }));
  }

  private async reply(step: WaterfallStepContext, s: Say): Promise<DialogTurnResult> {
    await step.context.sendActivity(render(this.deps.catalog, localeOf(step.context), s));
    return step.endDialog();
  }
}

/** The represented person's full name: 2 to 200 characters with letters in them. */
class NameAsk extends TextAsk {
  protected override async onRecognize(ctx: TurnContext): Promise<PromptRecognizerResult<string>> {
    const found = await super.onRecognize(ctx);
    return found.succeeded && found.value!.length <= 200 && /\p{L}/u.test(found.value!) ? found : { succeeded: false };
  }
}

/** The proof: the stored URL of the first photo or PDF the citizen sent; anything else is asked for again. */
class ProofAsk extends TextAsk {
  protected override async onRecognize(ctx: TurnContext): Promise<PromptRecognizerResult<string>> {
    const file = proofOf(ctx);
    return file ? { succeeded: true, value: file } : { succeeded: false };
  }
}

/** A photo or a PDF the channel stored for this message (its media URL), if the message has one. */
function proofOf(ctx: TurnContext): string | undefined {
  return [...imagesOf(ctx.activity), ...pdfsOf(ctx.activity)][0]?.contentUrl;
}
