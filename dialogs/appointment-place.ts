import type { Activity, TurnContext } from 'botbuilder';
import type { FoundChoice, PromptOptions, PromptRecognizerResult } from 'botbuilder-dialogs';
import { locationOf } from '../bot/activity';
import type { Catalog, Locale } from '../catalog/schema';
import type { AppointmentOffice } from '../catalog/appointments-schema';
import { officesByDistance } from '../connectors/appointments/nearest-offices';
import { normalize } from './classify/normalize';
import type { EngineDeps } from './engine-deps';
import { say, type Say } from './i18n';
import type { KnownPlace } from './known-place';
import { ChoiceAsk, type ChoiceSpec } from './prompts';
import { localeOf } from './turn-keys';
import { understandingOf } from './understand/of-deps';

/*
 * "The nearest office first when a place is known" (issue 16 part 1), without a question of its own:
 * a place the citizen already gave (a pin, a street in the message, one from earlier in the conversation)
 * orders the offices nearest first with their distances; otherwise the office question itself says that
 * a pin (or, with a geocoder, a street) orders them, and the same prompt takes one as its answer.
 */

/** The office prompt's dialog id: a choice, or a pin or street to list them nearest first. */
export const OFFICE_PROMPT = 'ask.office';

/** The office prompt's answer when the citizen sent a place instead of choosing. */
export const NEAR_ANSWER = '@near';

/** What a message says about where the citizen is: a pin, or the words of a street or landmark. */
export type SaidPlace = { point: KnownPlace['point'] } | { text: string };

/** A pin in the activity, or a place its text names (offline reading), for later geocoding. */
export function placeSaid(deps: Pick<EngineDeps, 'understanding'>, activity: Partial<Activity>, locale: Locale): SaidPlace | undefined {
  const point = locationOf(activity);
  if (point) return { point };
  const understanding = understandingOf(deps);
  const text = activity.text?.trim();
  if (!text || !understanding.geocodes) return undefined;
  const place = understanding.read(text, locale).place;
  return place ? { text: place.display } : undefined;
}

/** Coordinates for what was said: the pin, or the geocoder's answer (undefined when it finds nothing or fails). */
export async function locate(deps: Pick<EngineDeps, 'understanding'>, said: SaidPlace, locale: Locale): Promise<KnownPlace | undefined> {
  if ('point' in said) return { point: said.point };
  const point = await understandingOf(deps).geocode({ address: said.text }, locale);
  return point ? { point, label: said.text } : undefined;
}

/** The office question: nearest first with distances when a place is known; else how to get that order. */
export function officeQuestion(procedure: string, near: KnownPlace | undefined, geocodes: boolean): Say {
  if (near) return say('appointments.whichOfficeNear', { procedure, place: near.label ?? say('appointments.yourLocation') });
  return say(geocodes ? 'appointments.whichOfficeOrStreet' : 'appointments.whichOfficeOrPin', { procedure });
}

/** The office choices, nearest first with their distance when a place is known, else in the catalog's order. */
export function officeChoices(offices: readonly AppointmentOffice[], near: KnownPlace | undefined, locale: Locale): ChoiceSpec[] {
  return officesByDistance(offices, near?.point).map(({ office: o, km }) => ({
    value: o.code,
    label: km === undefined ? o.name : `${o.name} · ${distanceLabel(km, locale)}`,
    synonyms: [normalize(o.name), normalize(o.address)],
  }));
}

/** "350 m", "2,3 km" (in the citizen's number format). */
export function distanceLabel(km: number, locale: Locale): string {
  if (km < 1) return `${Math.max(10, Math.round((km * 1000) / 10) * 10)} m`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: km < 10 ? 1 : 0 }).format(km)} km`;
}

/**
 * The office choice, which also takes a place as its answer: a shared pin, or (with a geocoder) a typed
 * street that is not an office's name or address. It answers NEAR_ANSWER; the dialog then locates it.
 */
export class OfficeAsk extends ChoiceAsk {
  constructor(dialogId: string, catalog: Catalog, private readonly understanding: Pick<EngineDeps, 'understanding'>) {
    super(dialogId, catalog);
  }

  protected override async onRecognize(ctx: TurnContext, state: object, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const said = placeSaid(this.understanding, ctx.activity, localeOf(ctx));
    if (said && 'point' in said) return near(ctx);
    const chosen = await super.onRecognize(ctx, state, options);
    if (chosen.succeeded || !said) return chosen;
    return near(ctx);
  }
}

function near(ctx: TurnContext): PromptRecognizerResult<FoundChoice> {
  return { succeeded: true, value: { value: NEAR_ANSWER, index: -1, score: 1, synonym: ctx.activity.text ?? '' } };
}
