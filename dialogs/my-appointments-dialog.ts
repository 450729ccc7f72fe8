import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { AppointmentNotActiveError, ConnectorUnavailableError, NotYourAppointmentError } from '../bot/errors';
import type { Appointment, AppointmentsConnector } from '../connectors/appointments/appointments-connector';
import { whenLabel } from './appointment-labels';
import { actingAs } from './for-whom-dialog';
import { WaterfallDialog } from './dialog-library';
import { DIALOG } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say, type Say } from './i18n';
import { CITIZEN_ID, citizenIdOf, localeOf } from './turn-keys';

export interface MyAppointmentsOptions {
  /** "Anular cita CITA-7KM3QX": cancel this one; absent: list them. */
  cancel?: string;
}

/**
 * "Mis citas": the citizen's upcoming appointments (reference, procedure, day and time, office), or none;
 * "anular cita CITA-7KM3QX" cancels one of theirs, freeing its place. Another citizen's reference answers
 * as an unknown one, so nothing leaks.
 */
export function myAppointmentsDialog(deps: EngineDeps): WaterfallDialog {
  const catalog = deps.catalog;
  const reply = async (step: WaterfallStepContext, s: Say): Promise<DialogTurnResult> => {
    await step.context.sendActivity(render(catalog, localeOf(step.context), s));
    return step.endDialog();
  };
  return new WaterfallDialog(DIALOG.myAppointments, [
    async function run(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const plan = catalog.appointments;
      const port = deps.appointments;
      if (!plan || !port) return reply(step, say('appointments.unavailable'));
      const locale = localeOf(step.context);
      const citizenId = citizenOf(step.context);
      const { cancel } = (step.options ?? {}) as MyAppointmentsOptions;
      try {
        if (cancel) {
          const done = await cancelAs(port.connector, cancel, await actingAs(deps, step.context));
          return reply(step, say('appointments.cancelled', { reference: done.reference }));
        }
        const represented = (await deps.representations?.representedBy(citizenId)) ?? new Map<string, string>();
        const mine = await port.connector.listForCitizen(citizenId);
        // Also those the citizen booked on behalf of the people they act (or acted) for, marked with the name.
        for (const other of represented.keys()) mine.push(...(await port.connector.listForCitizen(other)).filter((a) => a.representativeId === citizenId));
        if (mine.length === 0) return reply(step, say('appointments.none'));
        mine.sort((a, b) => a.start.getTime() - b.start.getTime());
        const items: Say[] = mine.map((a) => {
          const office = plan.offices.find((o) => o.code === a.office);
          const procedure = plan.procedures.find((p) => p.code === a.procedure);
          const vars = {
            reference: a.reference, procedure: procedure?.names[locale] ?? a.procedure,
            when: whenLabel(locale, a.start, office?.timezone ?? catalog.city.timezone), office: office?.name ?? a.office,
          };
          const name = a.citizenId !== citizenId ? represented.get(a.citizenId) : undefined;
          return name ? say('appointments.itemFor', { ...vars, name }) : say('appointments.item', vars);
        });
        return reply(step, say('appointments.list', { items }));
      } catch (err) {
        if (err instanceof NotYourAppointmentError || err instanceof AppointmentNotActiveError) return reply(step, say('appointments.notYours', { reference: cancel ?? '' }));
        if (!(err instanceof ConnectorUnavailableError)) throw err;
        deps.log.warn({ err }, 'appointments not read: the appointment system is unavailable');
        return reply(step, say('appointments.down'));
      }
    },
  ]);
}

/**
 * Cancels the appointment as the first of `citizens` it belongs to (the citizen, then those they act for
 * now); NotYourAppointmentError when it is none of theirs.
 */
async function cancelAs(connector: AppointmentsConnector, reference: string, citizens: string[]): Promise<Appointment> {
  for (const [i, citizenId] of citizens.entries()) {
    try {
      return await connector.cancel(reference, citizenId);
    } catch (err) {
      if (!(err instanceof NotYourAppointmentError) || i === citizens.length - 1) throw err;
    }
  }
  throw new NotYourAppointmentError(`citizen has no appointment ${reference}`);
}

const citizenOf = (ctx: TurnContext): string => (ctx.turnState.get(CITIZEN_ID) as string | undefined) ?? citizenIdOf(ctx);
