import { randomUUID } from 'node:crypto';
import type { Attachment } from 'botbuilder';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChannelId } from '../bot/activity';
import { parseConversationKey } from '../bot/conversation-key';
import { logErrorEvents } from '../bot/error-events';
import type { Logger } from '../bot/logger';
import type { Appointments } from '../catalog/appointments-schema';
import type { Locale } from '../catalog/schema';
import type { Appointment } from '../connectors/appointments/appointments-connector';
import type { SqlAppointments } from '../connectors/appointments/sql-appointments';
import { whenLabel } from '../dialogs/appointment-labels';
import { LOCALE_TAGS, t } from '../dialogs/i18n';
import type { OutboundQueues } from './outbound';

/** The BullMQ queue whose every job is one run (the job scheduler adds one every 15 minutes). */
export const REMINDERS_QUEUE = 'appointment-reminders';
const QUEUE = REMINDERS_QUEUE;
const DAY_MS = 86_400_000;

export interface AppointmentRemindersDeps {
  store: Pick<SqlAppointments, 'claimReminders' | 'releaseReminder'>;
  plan: Appointments;
  outbound: Pick<OutboundQueues, 'push'>;
  /** The appointment's calendar file, sent with the reminder when the app can store files. */
  calendarFile?(a: Appointment, locale: Locale): Promise<Attachment>;
  clock: () => number;
  log: Logger;
}

/**
 * The reminder the day before (issue 16 part 1): every 15 minutes, once across all worker processes (a
 * BullMQ job scheduler), appointments starting within the next 24 hours that were not reminded yet are
 * claimed (each by exactly one run, see SqlAppointments.claimReminders) and a reminder with the calendar
 * file goes to the conversation they were booked from, through the outbound queue (on WhatsApp Cloud
 * outside the 24-hour window, its approved template). A reminder that cannot be queued is given back for
 * the next run.
 */
export class AppointmentReminders {
  readonly queue: Queue;
  #worker: Worker | undefined;

  constructor(connection: Redis, private readonly prefix: string, private readonly deps: AppointmentRemindersDeps) {
    this.queue = new Queue(QUEUE, { connection, prefix });
    logErrorEvents(this.queue, `queue ${QUEUE}`, deps.log);
  }

  /** Schedules the runs and works them in this process (`connection`: this worker's own). */
  async start(connection: Redis): Promise<void> {
    await this.queue.upsertJobScheduler('every-15-min', { every: 15 * 60_000 }, { name: 'remind', opts: { removeOnComplete: 10, removeOnFail: 10 } });
    this.#worker = new Worker(QUEUE, async () => this.runOnce(), { connection, prefix: this.prefix, concurrency: 1 });
    this.#worker.on('failed', (_job, err) => this.deps.log.error({ err }, 'appointment reminders failed: the next run tries again'));
    logErrorEvents(this.#worker, `worker ${QUEUE}`, this.deps.log);
  }

  /** One run: claims what is due and queues each reminder. Returns how many were queued. */
  async runOnce(): Promise<number> {
    const due = await this.deps.store.claimReminders(new Date(this.deps.clock() + DAY_MS));
    let sent = 0;
    for (const a of due) {
      try {
        await this.remind(a);
        sent += 1;
      } catch (err) {
        this.deps.log.warn({ err, appointmentId: a.id }, 'appointment reminder not queued: given back for the next run');
        await this.deps.store.releaseReminder(a.id);
      }
    }
    if (sent > 0) this.deps.log.info({ sent }, 'appointment reminders queued');
    return sent;
  }

  private async remind(a: Appointment): Promise<void> {
    const to = parseConversationKey(a.conversationKey);
    if (!to) throw new Error(`appointment ${a.id} has no conversation to remind`);
    const office = this.deps.plan.offices.find((o) => o.code === a.office);
    const procedure = this.deps.plan.procedures.find((p) => p.code === a.procedure);
    const text = t(a.locale, 'appointments.reminder', {
      procedure: procedure?.names[a.locale] ?? a.procedure, when: whenLabel(a.locale, a.start, office?.timezone ?? 'Europe/Madrid'),
      office: office?.name ?? a.office, address: office?.address ?? '', reference: a.reference,
    });
    const file = await this.deps.calendarFile?.(a, a.locale).catch(() => undefined);
    const id = `r-${a.id}-${a.sequence}`;
    const locale = LOCALE_TAGS[a.locale];
    await this.deps.outbound.push(to.key, {
      ref: { channel: to.channel as ChannelId, conversationId: to.conversationId, locale },
      activities: [{ type: 'message', id: `${id}-${randomUUID().slice(0, 8)}`, text, locale, ...(file ? { attachments: [file] } : {}) }],
    }, id);
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.queue.close();
  }
}
