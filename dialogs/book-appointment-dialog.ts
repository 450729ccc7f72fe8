import { MessageFactory, type TurnContext } from 'botbuilder';
import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import type { AppointmentOffice, AppointmentProcedure } from '../catalog/appointments-schema';
import { ConnectorUnavailableError, SlotFullError, SlotInPastError } from '../bot/errors';
import type { Appointment } from '../connectors/appointments/appointments-connector';
import { openDays } from '../connectors/appointments/open-days';
import { WaterfallDialog } from './dialog-library';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { dayLabel, timeLabel, whenLabel } from './appointment-labels';
import { render, say, type Say } from './i18n';
import { ask, type ChoiceSpec } from './prompts';
import { CITIZEN_ID, citizenIdOf, localeOf } from './turn-keys';
import { normalize } from './classify/normalize';
import { actingAs, actingFor, type ForWhom } from './for-whom-dialog';
import { procedureNamedIn } from './appointment-procedure';
import { locate, NEAR_ANSWER, OFFICE_PROMPT, officeChoices, officeQuestion, placeSaid, type SaidPlace } from './appointment-place';
import { knownPlaceOf, rememberPlace, type KnownPlace } from './known-place';
import { understandingOf } from './understand/of-deps';

export interface BookAppointmentOptions {
  /** A procedure the citizen already named ("cita para empadronamiento"). */
  procedure?: string;
  /** Set when coming back after a slot was taken meanwhile. */
  office?: string;
  /** "Cambiar cita CITA-7KM3QX": a new day and time for this appointment of the citizen's (same procedure and office). */
  move?: string;
  /** Where the citizen is (a pin or street sent at the office question); false: looked for, not found. */
  near?: KnownPlace | false;
  /** For whom, already asked (coming back after a slot was taken meanwhile). */
  forWhom?: ForWhom;
}

/** What the dialog remembers between steps (plain JSON in dialog state). */
interface Picked {
  procedure?: string;
  office?: string;
  /** The reference of the appointment being moved. */
  move?: string;
  /** The offered days' slots, by day (ISO instants), so the time step offers exactly what was read. */
  days?: Record<string, string[]>;
  day?: string;
  /** The chosen slot's start (ISO), while "¿Para quién es?" is asked. */
  start?: string;
  /** Whose appointment is being moved: the citizen's, or of someone they act for. */
  moveFor?: string;
  /** A place the first message named or pinned, located when the office is asked. */
  place?: SaidPlace;
  near?: KnownPlace | false;
}

const MAX_TIMES = 10;

/**
 * "Pedir cita", "sacar turno", "book an appointment": which procedure → which office → which day →
 * what time, one answer each and each step skipped when there is only one choice, with buttons where
 * the channel has them; then the appointment, its reference and its calendar file. A place taken by
 * someone else meanwhile brings the days again; a system that does not answer is said so.
 */
export function bookAppointmentDialog(deps: EngineDeps): WaterfallDialog {
  const catalog = deps.catalog;
  const plan = catalog.appointments;
  const picked = (step: WaterfallStepContext): Picked => step.values as Picked;
  const reply = async (step: WaterfallStepContext, s: Say): Promise<DialogTurnResult> => {
    await step.context.sendActivity(render(catalog, localeOf(step.context), s));
    return step.endDialog();
  };
  const procedureOf = (code: string | undefined): AppointmentProcedure | undefined => plan?.procedures.find((p) => p.code === code);
  const officeOf = (code: string | undefined): AppointmentOffice | undefined => plan?.offices.find((o) => o.code === code);
  const now = () => new Date(deps.appointments?.clock?.() ?? Date.now());

  return new WaterfallDialog(DIALOG.bookAppointment, [
    async function procedure(step: WaterfallStepContext): Promise<DialogTurnResult> {
      if (!plan || !deps.appointments) return reply(step, say('appointments.unavailable'));
      const options = (step.options ?? {}) as BookAppointmentOptions;
      Object.assign(picked(step), { office: options.office, move: options.move, near: options.near });
      // "Cita … cerca de la plaza del Ayuntamiento", or a pin: the offices are listed nearest first.
      if (options.near === undefined) picked(step).place = placeSaid(deps, step.context.activity, localeOf(step.context));
      if (options.move) {
        // A move keeps the procedure and office: straight to the days. Only an upcoming one of the citizen's, or of someone they act for now.
        const mine = await read(step, async () => (await Promise.all((await actingAs(deps, step.context)).map((id) => deps.appointments!.connector.listForCitizen(id)))).flat());
        if (!mine) return step.endDialog();
        const moving = mine.find((a) => a.reference === options.move);
        if (!moving) return reply(step, say('appointments.notYours', { reference: options.move }));
        Object.assign(picked(step), { office: moving.office, moveFor: moving.citizenId });
        return step.next({ value: moving.procedure });
      }
      // "Cita para empadronamiento", "cita para empadronarme": a procedure named in the message itself, in any language.
      const inText = procedureNamedIn(step.context.activity.text ?? '', plan.procedures);
      const named = procedureOf(options.procedure) ?? inText ?? (plan.procedures.length === 1 ? plan.procedures[0] : undefined);
      if (named) return step.next({ value: named.code });
      const locale = localeOf(step.context);
      const choices: ChoiceSpec[] = plan.procedures.map((p) => ({ value: p.code, label: p.names[locale], synonyms: Object.values(p.names).map(normalize) }));
      return step.prompt(PROMPT.choice, ask(say('appointments.whichProcedure'), { choiceSpecs: choices, retrySay: say('appointments.retry') }));
    },
    async function office(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const p = procedureOf((step.result as FoundChoice).value)!;
      picked(step).procedure = p.code;
      const offices = p.offices.map((code) => officeOf(code)!).filter(Boolean);
      const known = officeOf(picked(step).office);
      if (known && p.offices.includes(known.code)) return step.next({ value: known.code });
      if (offices.length === 1) return step.next({ value: offices[0]!.code });
      const locale = localeOf(step.context);
      const near = await nearOf(step);
      const question = officeQuestion(p.names[locale], near, understandingOf(deps).geocodes);
      return step.prompt(OFFICE_PROMPT, ask(question, { choiceSpecs: officeChoices(offices, near, locale), retrySay: say('appointments.retry') }));
    },
    async function day(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const values = picked(step);
      if ((step.result as FoundChoice).value === NEAR_ANSWER) return officesNear(step);
      values.office = (step.result as FoundChoice).value;
      const p = procedureOf(values.procedure)!;
      const o = officeOf(values.office)!;
      const locale = localeOf(step.context);
      const days = await read(step, () => openDays(deps.appointments!.connector, { procedure: p.code, office: o, from: now(), horizonDays: plan!.horizonDays }));
      if (!days) return step.endDialog();
      if (days.length === 0) return reply(step, say('appointments.noDays', { procedure: p.names[locale], office: o.name, days: plan!.horizonDays }));
      values.days = Object.fromEntries(days.map((d) => [d.day, d.slots.slice(0, MAX_TIMES).map((s) => s.start.toISOString())]));
      const choices: ChoiceSpec[] = days.map((d) => {
        const label = dayLabel(locale, d.slots[0]!.start, o.timezone);
        return { value: d.day, label, synonyms: [normalize(label), d.day] };
      });
      return step.prompt(PROMPT.choice, ask(say('appointments.whichDay', { procedure: p.names[locale], office: o.name }), { choiceSpecs: choices, retrySay: say('appointments.retry') }));
    },
    async function time(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const values = picked(step);
      values.day = (step.result as FoundChoice).value;
      const o = officeOf(values.office)!;
      const locale = localeOf(step.context);
      const starts = values.days?.[values.day] ?? [];
      const choices: ChoiceSpec[] = starts.map((iso) => {
        const label = timeLabel(locale, new Date(iso), o.timezone);
        return { value: iso, label, synonyms: [label, label.replace(':', ''), label.replace(/^0/, '')] };
      });
      const dayText = dayLabel(locale, new Date(starts[0] ?? Date.now()), o.timezone);
      return step.prompt(PROMPT.choice, ask(say('appointments.whichTime', { day: dayText }), { choiceSpecs: choices, retrySay: say('appointments.retry') }));
    },
    async function forWhom(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const values = picked(step);
      values.start = (step.result as FoundChoice).value;
      // "¿Para quién es?", once, and only of someone who acts for others now; a move keeps its appointment's people.
      const known = ((step.options ?? {}) as BookAppointmentOptions).forWhom;
      if (values.move || known) return step.next(known ?? {});
      return step.beginDialog(DIALOG.forWhom);
    },
    async function book(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const values = picked(step);
      const ctx = step.context;
      const locale = localeOf(ctx);
      const p = procedureOf(values.procedure)!;
      const o = officeOf(values.office)!;
      const start = new Date(values.start!);
      const forWhom = step.result as ForWhom;
      // Checked again now: the representation chosen may have expired or been revoked meanwhile.
      const acting = values.move ? { citizenId: values.moveFor ?? citizenOf(ctx) } : await actingFor(deps, ctx, forWhom);
      if (!acting) return step.endDialog();
      let booked: Appointment;
      try {
        booked = values.move
          ? await deps.appointments!.connector.move(values.move, acting.citizenId, start)
          : await deps.appointments!.connector.book({
            procedure: p.code, office: o.code, start, ...acting, conversationKey: `${ctx.activity.channelId}:${ctx.activity.conversation?.id ?? ''}`, locale,
          }, `${ctx.activity.conversation?.id ?? ''}|${ctx.activity.id ?? ''}`);
      } catch (err) {
        if (err instanceof SlotFullError || err instanceof SlotInPastError) {
          await ctx.sendActivity(render(catalog, locale, say('appointments.slotTaken')));
          return step.replaceDialog(DIALOG.bookAppointment, { procedure: p.code, office: o.code, forWhom, ...(values.move ? { move: values.move } : {}) } satisfies BookAppointmentOptions);
        }
        if (!(err instanceof ConnectorUnavailableError)) throw err;
        deps.log.warn({ err }, 'appointment not booked: the appointment system is unavailable');
        return reply(step, say('appointments.down'));
      }
      const said = values.move ? 'appointments.moved' : acting.representativeId ? 'appointments.bookedFor' : 'appointments.booked';
      const text = render(catalog, locale, say(said, {
        procedure: p.names[locale], when: whenLabel(locale, booked.start, o.timezone), office: o.name, address: o.address, reference: booked.reference, name: forWhom?.name ?? '',
      }));
      const message = MessageFactory.text(text);
      const file = await deps.appointments!.calendarFile?.(booked, locale).catch((err: unknown) => {
        deps.log.warn({ err }, 'appointment calendar file not made: the appointment stands');
        return undefined;
      });
      if (file) message.attachments = [file];
      await ctx.sendActivity(message);
      return step.endDialog();
    },
  ]);

  /** Where the citizen is: given at the office question, in the first message, or earlier in the conversation. */
  async function nearOf(step: WaterfallStepContext): Promise<KnownPlace | undefined> {
    const { near, place } = picked(step);
    if (near !== undefined) return near || undefined;
    const located = place ? await locate(deps, place, localeOf(step.context)) : undefined;
    if (located) await rememberPlace(step.context, located);
    return located ?? (await knownPlaceOf(step.context));
  }

  /** A pin or a street instead of an office: the offices again, nearest first (or said it was not found). */
  async function officesNear(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    const said = placeSaid(deps, ctx.activity, localeOf(ctx));
    const near = said ? await locate(deps, said, localeOf(ctx)) : undefined;
    if (near) await rememberPlace(ctx, near);
    else await ctx.sendActivity(render(catalog, localeOf(ctx), say('appointments.placeNotFound')));
    return step.replaceDialog(DIALOG.bookAppointment, { procedure: picked(step).procedure!, near: near ?? false } satisfies BookAppointmentOptions);
  }

  /** Reads the appointment system; says so and answers undefined when it does not answer. */
  async function read<T>(step: WaterfallStepContext, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ConnectorUnavailableError)) throw err;
      deps.log.warn({ err }, 'appointment slots not read: the appointment system is unavailable');
      await step.context.sendActivity(render(catalog, localeOf(step.context), say('appointments.down')));
      return undefined;
    }
  }
}

const citizenOf = (ctx: TurnContext): string => (ctx.turnState.get(CITIZEN_ID) as string | undefined) ?? citizenIdOf(ctx);
