import { MessageFactory } from 'botbuilder';
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from './dialog-library';
import { positionOf } from '../bot/choice-position';
import { isSkip } from './answers';
import { normalize } from './classify/normalize';
import { DIALOG } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { t } from './i18n';
import { localeOf } from './turn-keys';

export interface CsatOptions {
  handoffId: string;
}

/** Returned when the citizen answered something else: the root dialog handles that message afresh. */
export const REROUTE = Symbol.for('citybot.reroute');

interface CsatState {
  handoffId: string;
  stage: 'score' | 'comment';
  score?: number;
}

/** "4", "4/5", "un 4", "cuatro", "⭐⭐⭐⭐": a score from 1 to 5, or undefined. */
export function scoreIn(text: string): number | undefined {
  const stars = [...text].filter((c) => c === '⭐' || c === '★').length;
  if (stars >= 1 && stars <= 5) return stars;
  const outOfFive = /^\s*([1-5])\s*\/\s*5\s*$/.exec(text);
  if (outOfFive) return Number(outOfFive[1]);
  const n = positionOf(text);
  return n !== undefined && n >= 1 && n <= 5 ? n : undefined;
}

/**
 * After an agent closes the conversation: "how would you rate it, 1 to 5?", then an optional comment.
 * Both are stored with the handoff. Anything that is not a score ("hay otro bache en mi calle") is not
 * forced into the survey: the dialog ends and the message is handled as a new one.
 */
export class CsatDialog extends Dialog<CsatOptions> {
  constructor(private readonly deps: EngineDeps) {
    super(DIALOG.csat);
  }

  override async beginDialog(dc: DialogContext, options?: CsatOptions): Promise<DialogTurnResult> {
    const state: CsatState = { handoffId: options!.handoffId, stage: 'score' };
    dc.activeDialog!.state = state;
    await dc.context.sendActivity(MessageFactory.suggestedActions(['1', '2', '3', '4', '5'], t(localeOf(dc.context), 'csat.ask')));
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as CsatState;
    const text = dc.context.activity.text?.trim() ?? '';
    const locale = localeOf(dc.context);
    if (state.stage === 'score') {
      const score = scoreIn(text);
      if (score === undefined) return dc.endDialog(REROUTE);
      await this.deps.handoff?.recordSatisfaction(state.handoffId, score);
      state.stage = 'comment';
      state.score = score;
      await dc.context.sendActivity(MessageFactory.suggestedActions([t(locale, 'csat.noComment')], t(locale, 'csat.comment')));
      return Dialog.EndOfTurn;
    }
    if (text && !isSkip(text) && normalize(text) !== normalize(t(locale, 'csat.noComment'))) {
      await this.deps.handoff?.recordSatisfaction(state.handoffId, state.score!, text.slice(0, 2_000));
    }
    await dc.context.sendActivity(t(locale, 'csat.thanks'));
    return dc.endDialog();
  }
}
