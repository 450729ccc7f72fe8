import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialog-library';
import type { ProcedureType } from '../catalog/schema';
import type { Candidate } from './classify/classifier';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say, type MessageKey } from './i18n';
import { ask, otherChoice, type ChoiceSpec } from './prompts';
import { localeOf, readingOf } from './turn-keys';

export interface PickServiceOptions {
  /** The text to classify now. */
  text: string;
  /** Everything written so far to describe the problem (this text included). */
  texts: string[];
  /** How many times the citizen already said none of the offered services fits. */
  misses: number;
  /** The type the citizen chose (a button, a correction): the classifier's type is ignored. */
  type?: ProcedureType;
  /**
   * Correcting the service at the confirmation: the current one is not offered again, and "Otro
   * servicio" lists every service of the catalog.
   */
  correcting?: string;
}

export interface PickServiceResult {
  service: string;
  type: ProcedureType;
  texts: string[];
  /** No service fitted twice: filed as an inquiry under the best guess (handoff seam). */
  unclassified?: boolean;
}

/** The candidates of the last classification (waterfall `values`, kept in dialog state). */
interface StepValues {
  candidates: Candidate[];
}

// The top reading plus alternatives, at most this many, then "Otro": a list a phone screen can show.
const MAX_OFFERED = 4;

/** The article-and-type phrase of a procedure type: "un reclamo", "una solicitud". */
export function typeKey(type: ProcedureType, form: 'a' | 'your'): MessageKey {
  return `type.${type}.${form}`;
}

/**
 * Works out which service and procedure type a report is about.
 *
 * Confident classification → taken without a question: the one confirmation before filing shows it
 * and lets the citizen change the type or the service. Not confident → the best candidates as
 * choices plus "Otro". "Otro" → describe it again and classify that; "Otro" a second time → an
 * inquiry (consulta) under the best guess, marked `unclassified` so the handoff feature can route it
 * to a person instead. When correcting, "Otro servicio" lists every service instead.
 */
export function pickServiceDialog(deps: EngineDeps): WaterfallDialog<PickServiceOptions> {
  const { catalog, classifier } = deps;
  const threshold = classifier.threshold ?? catalog.confidenceThreshold;
  const known = (c: Candidate): boolean => catalog.services.some((s) => s.code === c.service);

  const serviceChoice = (c: Candidate): ChoiceSpec => {
    const service = catalog.services.find((s) => s.code === c.service);
    const names = service ? [service.names.es, service.names.ca, service.names.en] : [];
    return { value: c.service, label: { service: c.service }, synonyms: [c.service, ...names] };
  };

  return new WaterfallDialog<PickServiceOptions>(DIALOG.pickService, [
    async function classify(step: WaterfallStepContext<PickServiceOptions>): Promise<DialogTurnResult> {
      const result = await readingOf(step.context, classifier, step.options.text, localeOf(step.context));
      const candidates = [result, ...result.alternatives].filter(known).map(({ service, type, confidence }) => ({ service, type, confidence }));
      const { correcting } = step.options;
      if (correcting) {
        (step.values as StepValues).candidates = candidates.filter((c) => c.service !== correcting);
        return step.next();
      }
      (step.values as StepValues).candidates = candidates;
      const top = candidates[0];
      // Confident: no question here; the confirmation shows it and offers to change it.
      if (top && top.service === result.service && result.confidence >= threshold) return step.endDialog(resultOf(top, step.options));
      return step.next();
    },

    async function offer(step: WaterfallStepContext<PickServiceOptions>): Promise<DialogTurnResult> {
      const { candidates } = step.values as StepValues;
      const offered = candidates.slice(0, MAX_OFFERED);
      const other = step.options.correcting ? { value: 'other', label: say('choice.otherService'), synonyms: 'other' as const } : otherChoice();
      if (offered.length === 0) return step.next({ value: 'other', index: 0, score: 1 } satisfies FoundChoice);
      return step.prompt(
        PROMPT.choice,
        ask(say('intake.pickService'), { choiceSpecs: [...offered.map(serviceChoice), other], retrySay: say('choice.retryPick') }),
      );
    },

    async function chosen(step: WaterfallStepContext<PickServiceOptions>): Promise<DialogTurnResult> {
      const { candidates } = step.values as StepValues;
      const answer = step.result as FoundChoice;
      const picked = candidates.find((c) => c.service === answer.value);
      if (picked) return step.endDialog(resultOf(picked, step.options));
      if (step.options.correcting) {
        // Every service of the catalog, so none is out of reach.
        const all = catalog.services.map((s) => serviceChoice({ service: s.code, type: 'reclamo', confidence: 0 }));
        return step.prompt(PROMPT.choice, ask(say('confirm.pickAnyService'), { choiceSpecs: all, retrySay: say('choice.retryPick') }));
      }
      const best = candidates[0] ?? fallbackCandidate();
      if (step.options.misses >= 1) {
        // With people to hand off to, intake says so itself (HandoffDialog); without, it is filed as an inquiry.
        if (!deps.handoff) await step.context.sendActivity(render(catalog, localeOf(step.context), say('intake.asInquiry')));
        const inquiry: PickServiceResult = { service: best.service, type: step.options.type ?? 'consulta', texts: step.options.texts, unclassified: true };
        return step.endDialog(inquiry);
      }
      return step.prompt(PROMPT.text, ask(say('intake.describeAgain'), { retrySay: say('intake.askDescriptionRetry') }));
    },

    async function again(step: WaterfallStepContext<PickServiceOptions>): Promise<DialogTurnResult> {
      if (step.options.correcting) {
        const answer = step.result as FoundChoice;
        return step.endDialog({ service: answer.value, type: step.options.type ?? 'reclamo', texts: step.options.texts } satisfies PickServiceResult);
      }
      const text = step.result as string;
      const next: PickServiceOptions = { ...step.options, text, texts: [...step.options.texts, text], misses: step.options.misses + 1 };
      return step.replaceDialog(DIALOG.pickService, next);
    },
  ]);

  function fallbackCandidate(): Candidate {
    // The catalog schema guarantees at least one service.
    const first = catalog.services[0]!;
    return { service: first.code, type: 'consulta', confidence: 0 };
  }
}

function resultOf(c: Candidate, o: PickServiceOptions): PickServiceResult {
  return { service: c.service, type: o.type ?? c.type, texts: o.texts };
}
