import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError, NotYetError, TicketRejectedError } from '../bot/errors';
import { logErrorEvents } from '../bot/error-events';
import type { Logger } from '../bot/logger';
import type { Metrics } from '../bot/metrics';
import type { BackOffice, ExternalTicket } from '../connectors/back-office';
import type { BuiltinConnector } from '../connectors/builtin/builtin-connector';
import type { Connector, ConnectorKind, TicketState } from '../connectors/connector';
import type { DeliveryStore, DeliveryTicket } from '../connectors/delivery-store';
import type { Catalog } from '../catalog/schema';
import { t } from '../dialogs/i18n';
import type { CitizenNotices } from './citizen-notices';
import { inSpan, SpanKind, traceCarrier, type TraceCarrier } from '../bot/trace-context';

export interface DeliveryRetry {
  /** First retry after this long; each next one waits twice as long… @defaultValue 2_000 */
  baseMs: number;
  /** …up to this. @defaultValue 300_000 (5 min) */
  maxMs: number;
  /** Then it stops trying and an agent reviews it. @defaultValue 500 (about 40 h at the defaults) */
  attempts: number;
}

export interface TicketDeliveryDeps {
  store: DeliveryStore;
  builtin: BuiltinConnector;
  backOffices: ReadonlyMap<ConnectorKind, BackOffice>;
  notices: CitizenNotices;
  catalog: Catalog;
  /** A photo URL as the back office may fetch it (signed, expiring). */
  mediaUrl(url: string): string;
  /**
   * The longest an attempt can take (twice the back office timeout): a previous attempt that began this
   * long ago has ended, so a duplicate lookup may use any list fetched since then.
   */
  attemptSpanMs: number;
  /** A ticket the back office refused (4xx) needs a person: e.g. shown to agents for review. */
  onRejected?(ticket: DeliveryTicket, reason: string): Promise<void>;
  log: Logger;
  retry?: Partial<DeliveryRetry>;
  /** Counts attempts by connector kind and outcome (citybot_backoffice_submits_total). */
  metrics?: Pick<Metrics, 'backOfficeSubmits'>;
}

const PROMOTE_EVERY_MS = 5_000;
const DEFAULT_RETRY: DeliveryRetry = { baseMs: 2_000, maxMs: 300_000, attempts: 500 };

/**
 * Hands locally filed tickets to the city's back office (Open311, webhook) as BullMQ jobs, one per
 * ticket (job id = reference, so enqueueing twice is harmless), retried with capped exponential backoff
 * while the back office is down: the citizen has our reference at once and is told when the back office
 * accepts it. Each attempt passes the ticket's idempotency key, so a retry after a timeout that hid a
 * success finds the first request instead of creating a second. A 4xx is final: an agent reviews it.
 * Also follows delivered tickets' status (polling, for back offices that do not push) and tells the
 * citizen of every change, unless they opted out.
 */
export class TicketDelivery {
  readonly queue: Queue;
  private readonly retry: DeliveryRetry;
  private worker: Worker | undefined;
  /** Set on a failed attempt, cleared when a delivery succeeds again (see backOfficeIsBack). */
  private failedSince: number | undefined;
  private promotedAt = 0;

  constructor(
    connection: Redis,
    private readonly prefix: string,
    private readonly deps: TicketDeliveryDeps,
  ) {
    this.queue = new Queue('tickets', { connection, prefix });
    logErrorEvents(this.queue, 'queue tickets', deps.log);
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
  }

  async enqueue(reference: string): Promise<void> {
    const jobId = `deliver-${reference}`;
    // A job that gave up stays in the failed set under its id, where it would swallow this add.
    const old = await this.queue.getJob(jobId);
    if (old && (await old.isFailed())) await old.remove();
    // Filed during a turn: the delivery continues the turn's trace (bot/trace-context.ts).
    const trace = traceCarrier();
    await this.queue.add('deliver', { reference, ...(trace ? { trace } : {}) }, this.jobOptions(reference));
  }

  /**
   * After a restart (or a Redis that lost its data), every ticket still pending in SQL gets its job back,
   * in bulk (a job already queued keeps its place: same id).
   */
  async requeuePending(): Promise<number> {
    let count = 0;
    for (let after = 0; ;) {
      const page = await this.deps.store.pending(5_000, after);
      if (page.length === 0) return count;
      await this.queue.addBulk(page.map(({ reference }) => ({ name: 'deliver', data: { reference }, opts: this.jobOptions(reference) })));
      count += page.length;
      after = page.at(-1)!.id;
    }
  }

  private jobOptions(reference: string) {
    return { jobId: `deliver-${reference}`, attempts: this.retry.attempts, backoff: { type: 'capped' }, removeOnComplete: true, removeOnFail: 1_000 };
  }

  /** Runs deliveries (and, every `pollSeconds`, status polling) in this process. */
  async work(connection: Redis, opts: { concurrency: number; pollSeconds: number }): Promise<void> {
    if (opts.pollSeconds > 0) {
      await this.queue.upsertJobScheduler('poll-status', { every: opts.pollSeconds * 1_000 }, { name: 'poll', opts: { removeOnComplete: true, removeOnFail: 10 } });
    }
    const { baseMs, maxMs } = this.retry;
    this.worker = new Worker('tickets', (job) => this.run(job), {
      connection, prefix: this.prefix, concurrency: opts.concurrency,
      settings: { backoffStrategy: (attemptsMade: number) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1)) },
    });
    this.worker.on('failed', (job, err) => {
      this.failedSince ??= Date.now();
      if (job && job.attemptsMade >= this.retry.attempts) void this.gaveUp(job.data.reference as string, err);
      else this.deps.log.warn({ err: { message: err.message, code: (err as AppError).code }, reference: job?.data.reference, attempt: job?.attemptsMade }, 'ticket delivery will retry');
    });
    logErrorEvents(this.worker, 'worker tickets', this.deps.log);
  }

  /** `force` does not wait for deliveries in flight (BullMQ's `Worker.close(force)`). */
  async close(force = false): Promise<void> {
    await this.worker?.close(force);
    await this.queue.close();
  }

  /**
   * A status change from the back office (its webhook, or polling). Recorded once: the same status
   * again changes nothing and tells nobody. Returns whether it changed.
   */
  async statusChanged(ticket: DeliveryTicket, status: TicketState, note?: string): Promise<boolean> {
    const current = await this.deps.builtin.getStatus(ticket.reference);
    if (!current || (current.status === status && (note === undefined || current.note === note))) return false;
    await this.deps.builtin.updateStatus(ticket.reference, status, note);
    if (await this.deps.store.wantsUpdates(ticket.citizenId)) {
      const statusName = t(ticket.locale, `state.${status}`);
      await this.deps.notices.sendAboutTicket(ticket, note
        ? t(ticket.locale, 'ticket.statusChangedNote', { reference: ticket.reference, status: statusName, note })
        : t(ticket.locale, 'ticket.statusChanged', { reference: ticket.reference, status: statusName }));
    }
    return true;
  }

  /** Out of attempts (days of a back office down): a person takes it from here, like a refusal. */
  private async gaveUp(reference: string, err: Error): Promise<void> {
    this.deps.log.error({ err, reference }, 'ticket delivery gave up: sent for review');
    try {
      await this.deps.store.rejected(reference, `not delivered after ${this.retry.attempts} attempts: ${err.message}`);
      const ticket = await this.deps.store.byReference(reference);
      this.deps.metrics?.backOfficeSubmits.inc({ kind: ticket?.kind ?? 'unknown', outcome: 'gave_up' });
      if (ticket) await this.deps.onRejected?.(ticket, err.message);
    } catch (e) {
      this.deps.log.error({ err: e, reference }, 'could not record a delivery that gave up');
    }
  }

  private async run(job: Job): Promise<void> {
    if (job.name === 'poll') return this.poll();
    const ticket = await this.deps.store.byReference((job.data as { reference: string }).reference);
    if (!ticket || ticket.delivery !== 'pending') return;
    const office = this.deps.backOffices.get(ticket.kind);
    if (!office) throw new TicketRejectedError(`no back office configured for "${ticket.kind}"`);
    try {
      // attemptsStarted also counts runs that stalled (a worker killed right after its POST), which
      // attemptsMade does not: such a run must look the request up before posting again.
      const previous = ticket.lastAttemptAt;
      await this.deps.store.attemptStarted(ticket.reference);
      const since = previous ? new Date(previous.getTime() + this.deps.attemptSpanMs) : undefined;
      const externalId = await inSpan('backoffice submit', {
        kind: SpanKind.CLIENT, parent: (job.data as { trace?: TraceCarrier }).trace, attributes: { 'citybot.connector': ticket.kind, 'citybot.attempt': job.attemptsStarted },
      }, () => this.submit(office, ticket, job.attemptsStarted, since));
      await this.deps.store.accepted(ticket.reference, externalId);
      this.deps.metrics?.backOfficeSubmits.inc({ kind: ticket.kind, outcome: 'accepted' });
      await this.backOfficeIsBack();
      this.deps.log.info({ reference: ticket.reference, kind: ticket.kind }, 'ticket accepted by the back office');
      await this.deps.notices.sendAboutTicket(ticket, t(ticket.locale, 'ticket.accepted', { reference: ticket.reference }));
    } catch (err) {
      if (!(err instanceof TicketRejectedError)) {
        this.deps.metrics?.backOfficeSubmits.inc({ kind: ticket.kind, outcome: 'retry' });
        throw err;
      }
      this.deps.metrics?.backOfficeSubmits.inc({ kind: ticket.kind, outcome: 'rejected' });
      // Final: retrying a request the back office refuses would only repeat the refusal.
      await this.deps.store.rejected(ticket.reference, err.message);
      this.deps.log.error({ reference: ticket.reference, kind: ticket.kind, reason: err.message }, 'back office rejected a ticket: sent for review');
      await this.deps.onRejected?.(ticket, err.message);
    }
  }

  /**
   * The first success after failures means the back office is back: deliveries waiting out their
   * backoff (up to TICKET_RETRY_MAX_MS) are started now, so a backlog drains at the back office's pace
   * instead of trickling in over the next minutes. At most once every few seconds.
   */
  private async backOfficeIsBack(): Promise<void> {
    if (!this.failedSince || Date.now() - this.promotedAt < PROMOTE_EVERY_MS) return;
    this.failedSince = undefined;
    this.promotedAt = Date.now();
    await this.queue.promoteJobs().catch((err: unknown) => this.deps.log.warn({ err }, 'could not start waiting deliveries'));
  }

  private async submit(office: BackOffice, ticket: DeliveryTicket, attempt: number, since: Date | undefined): Promise<string> {
    if (ticket.externalToken) return this.exchange(office, ticket.reference, ticket.externalToken);
    const submitted = await office.submit(this.external(ticket), ticket.idempotencyKey, attempt, since);
    if ('externalId' in submitted) return submitted.externalId;
    await this.deps.store.tokenReceived(ticket.reference, submitted.token);
    return this.exchange(office, ticket.reference, submitted.token);
  }

  private async exchange(office: BackOffice, reference: string, token: string): Promise<string> {
    const id = await office.resolveToken?.(token);
    if (!id) throw new NotYetError(`back office has no id yet for the token of ${reference}`);
    return id;
  }

  private external(ticket: DeliveryTicket): ExternalTicket {
    const service = this.deps.catalog.services.find((s) => s.code === ticket.service);
    return {
      reference: ticket.reference, service: ticket.service, type: ticket.type, serviceCode: service?.connector.code ?? ticket.service,
      description: ticket.description, locale: ticket.locale, createdAt: ticket.createdAt,
      mediaUrls: ticket.photos.map((u) => this.deps.mediaUrl(u)),
      ...(ticket.address || ticket.point ? { location: { ...(ticket.address ? { address: ticket.address } : {}), ...(ticket.point ? { point: ticket.point } : {}) } } : {}),
      ...(ticket.contact ? { contact: ticket.contact } : {}),
      ...(ticket.attributes ? { attributes: ticket.attributes } : {}),
    };
  }

  /** Asks each back office about the tickets it has not finished with. */
  private async poll(): Promise<void> {
    for (const [kind, office] of this.deps.backOffices) {
      for (const ticket of await this.deps.store.following(kind)) {
        const status = await office.status(ticket.externalId!).catch((err: unknown) => {
          this.deps.log.warn({ err, reference: ticket.reference }, 'status poll failed');
          return undefined;
        });
        if (status) await this.statusChanged(ticket, status.status, status.note);
      }
    }
  }
}

/**
 * The connector the dialogs use: files locally (the reference at once) and, for a ticket bound for an
 * external back office, queues its delivery. Enqueueing is idempotent (job id = reference), and a
 * ticket whose job was lost (Redis restarted between the two steps) is queued again at start from SQL.
 */
export function deliveringConnector(local: Connector, delivery: Pick<TicketDelivery, 'enqueue'>): Connector {
  return {
    kind: local.kind,
    getStatus: (reference) => local.getStatus(reference),
    ...(local.listForCitizen ? { listForCitizen: (citizenId: string) => local.listForCitizen!(citizenId) } : {}),
    async createTicket(draft, key) {
      const ref = await local.createTicket(draft, key);
      if (ref.pending) await delivery.enqueue(ref.reference);
      return ref;
    },
  };
}
