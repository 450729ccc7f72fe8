import type { Locale, ProcedureType } from '../../catalog/schema';
import { DependencyUnavailableError } from '../errors';
import type { Db } from './database';
import { sqlGuard } from './guard';

/** What an agent corrected: a handoff (by id) or a ticket (by reference). */
export type CorrectionSubject = { handoffId: string } | { ticketReference: string };

/** An agent's correction of a handoff's or a ticket's service and type, kept as a labelled example. */
export interface Correction {
  id: number;
  /** The citizen's own words: what the classifier read. */
  text: string;
  service: string;
  type: ProcedureType;
  locale: Locale;
  handoffId?: string;
  ticketReference?: string;
  agentId: string;
  createdAt: Date;
}

export type NewCorrection = Omit<Correction, 'id' | 'createdAt' | 'handoffId' | 'ticketReference'> & CorrectionSubject;

/** A ticket as a correction sees it. */
export interface CorrectableTicket {
  reference: string;
  service: string;
  type: ProcedureType;
  description: string;
  locale: Locale;
  /** Filed in our SQL only (the built-in connector): a correction changes our record too. */
  builtin: boolean;
}

/** How many corrections the classifier trains on at most (the latest ones). @defaultValue 50,000 */
export const CORRECTIONS_FOR_TRAINING = 50_000;

/**
 * Agents' corrections in SQL (table `classifier_corrections`): who corrected what, when, and to which
 * service and type. Every process's classifier trains on the latest of them (see
 * console/correction-feed.ts). Database failures surface as DependencyUnavailableError.
 */
export class CorrectionsStore {
  private readonly guard = sqlGuard('corrections store', DependencyUnavailableError);
  constructor(private readonly db: Db) {}

  /** Stores one correction; returns it with its id. */
  async add(c: NewCorrection, at = new Date()): Promise<Correction> {
    const row = await this.guard('store a correction', () =>
      this.db.kysely.insertInto('classifier_corrections').values({
        text: c.text, service: c.service, type: c.type, locale: c.locale, agent_id: c.agentId, created_at: at.toISOString(),
        handoff_id: 'handoffId' in c ? c.handoffId : null,
        ticket_reference: 'ticketReference' in c ? c.ticketReference : null,
      }).returning('id').executeTakeFirstOrThrow(),
    );
    return { ...c, id: Number(row.id), createdAt: at };
  }

  /**
   * Stores the correction of a ticket and, in the same transaction, sets our record's service and type
   * when that record is the ticket itself (the built-in connector: no back office holds a copy). A
   * ticket delivered, or waiting to be delivered, to a back office (Open311, webhook) keeps what was
   * sent: changing it would make our copy disagree with the back office's, or send a pending one under
   * another service; it is never delivered again. Returns whether our record changed.
   */
  async addForTicket(c: NewCorrection & { ticketReference: string }, at = new Date()): Promise<{ correction: Correction; ticketUpdated: boolean }> {
    return this.guard('store a ticket correction', () =>
      this.db.kysely.transaction().execute(async (trx) => {
        const row = await trx.insertInto('classifier_corrections').values({
          text: c.text, service: c.service, type: c.type, locale: c.locale, agent_id: c.agentId, created_at: at.toISOString(),
          handoff_id: null, ticket_reference: c.ticketReference,
        }).returning('id').executeTakeFirstOrThrow();
        const updated = await trx.updateTable('tickets').set({ service: c.service, type: c.type, updated_at: at.toISOString() })
          .where('reference', '=', c.ticketReference).where('connector_kind', '=', 'builtin').executeTakeFirst();
        return { correction: { ...c, id: Number(row.id), createdAt: at }, ticketUpdated: Number(updated.numUpdatedRows) > 0 };
      }),
    );
  }

  /** What a correction of a ticket needs to know of it, or undefined for an unknown reference. */
  async ticket(reference: string): Promise<CorrectableTicket | undefined> {
    const r = await this.guard('read a ticket', () =>
      this.db.kysely.selectFrom('tickets').select(['reference', 'service', 'type', 'description', 'locale', 'connector_kind']).where('reference', '=', reference).executeTakeFirst(),
    );
    return r ? { reference: r.reference, service: r.service, type: r.type, description: r.description, locale: r.locale, builtin: r.connector_kind === 'builtin' } : undefined;
  }

  /** The latest `limit` corrections, newest first. */
  async latest(limit = CORRECTIONS_FOR_TRAINING): Promise<Correction[]> {
    const rows = await this.guard('read corrections', () =>
      this.db.kysely.selectFrom('classifier_corrections').selectAll().orderBy('id', 'desc').limit(limit).execute(),
    );
    return rows.map((r) => ({
      id: Number(r.id), text: r.text, service: r.service, type: r.type, locale: r.locale, agentId: r.agent_id, createdAt: new Date(r.created_at),
      ...(r.handoff_id !== null ? { handoffId: r.handoff_id } : {}),
      ...(r.ticket_reference !== null ? { ticketReference: r.ticket_reference } : {}),
    }));
  }
}
