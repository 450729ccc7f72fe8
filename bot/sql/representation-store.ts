import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../clock';
import { BadInputError, NotFoundError, RepresentationDecidedError } from '../errors';
import type { Db } from './database';
import type { REPRESENTATION_STATUSES } from './representation-migration';

export type RepresentationStatus = (typeof REPRESENTATION_STATUSES)[number];

/** Why one person acts for another: what the proof shows. */
export const RELATIONSHIPS = ['family', 'social-services', 'legal', 'other'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** What a verified citizen asks for: to act for `representedName`, with proof. */
export interface RepresentationRequest {
  /** The verified citizen who will act. */
  representativeId: string;
  /** The person they will act for, as the proof names them. */
  representedName: string;
  relationship: Relationship;
  /** The proof's file name in the media store (a photo or PDF the citizen sent). */
  proofMedia: string;
  /** Where the representative asked from, to tell them the decision there. */
  channel: string;
  conversationId: string;
  locale: string;
}

export interface Representation extends RepresentationRequest {
  id: string;
  status: RepresentationStatus;
  /** The represented person's own citizen, made when approved. */
  representedCitizenId?: string;
  /** Until when an approval is in force. */
  expiresAt?: Date;
  /** A refusal's reason, in the agent's words (told to the representative). */
  reason?: string;
  createdAt: Date;
  decidedAt?: Date;
  /** The agent who approved, refused or revoked it. */
  decidedBy?: string;
}

interface RepresentationsTable {
  id: string; representative_id: string; represented_name: string; relationship: string; proof_media: string;
  status: RepresentationStatus; represented_citizen_id: string | null; expires_at: string | null; reason: string | null;
  channel: string; conversation_id: string; locale: string; created_at: string; decided_at: string | null; decided_by: string | null;
}
interface CitizensTable { id: string; display_name: string | null; locale: string | null; created_at: string }
type Tables = { representations: RepresentationsTable; citizens: CitizensTable };

/** Requests waiting at once per representative: enough for a family, not a flood for the desk. */
export const MAX_PENDING_PER_REPRESENTATIVE = 3;
/** The longest an approval may last (a city may choose shorter). */
export const MAX_APPROVAL_DAYS = 5 * 366;

export interface RepresentationStoreOptions {
  /** @defaultValue systemClock */
  clock?: Clock;
}

/**
 * Who may act for whom (issue 16 part 4), in SQL (representation-migration.ts). A request waits for an
 * agent; approving it gives the represented person a citizen of their own and an expiry; an approval
 * counts only until it expires or is revoked. Decisions are single: a request decided once answers
 * E_REPRESENTATION_DECIDED to a second decision, even when two agents decide at the same moment.
 *
 * @example
 * const store = new RepresentationStore(db);
 * const asked = await store.request({ representativeId, representedName: 'Rosa Pérez', relationship: 'family', proofMedia, channel, conversationId, locale });
 * await store.approve(asked.id, { agentId, expiresAt: new Date('2028-01-01') });
 * const forWhom = await store.activeFor(representativeId); // [{ representedCitizenId, … }]
 */
export class RepresentationStore {
  private readonly kysely: Kysely<Tables>;
  private readonly clock: Clock;

  constructor(db: Db, opts: RepresentationStoreOptions = {}) {
    // The table is this module's own: typed here rather than in the shared schema-types.ts.
    this.kysely = db.kysely.withTables<Tables>() as unknown as Kysely<Tables>;
    this.clock = opts.clock ?? systemClock;
  }

  /** Records a request, pending an agent's decision. */
  async request(r: RepresentationRequest): Promise<Representation> {
    const name = r.representedName.trim().replace(/\s+/g, ' ');
    if (name.length < 2 || name.length > 200) throw new BadInputError('the represented person\'s name must be 2 to 200 characters');
    if ((await this.pendingCount(r.representativeId)) >= MAX_PENDING_PER_REPRESENTATIVE) throw new BadInputError(`at most ${MAX_PENDING_PER_REPRESENTATIVE} requests may wait at once`);
    const row: RepresentationsTable = {
      id: randomUUID(), representative_id: r.representativeId, represented_name: name, relationship: r.relationship, proof_media: r.proofMedia,
      status: 'pending', represented_citizen_id: null, expires_at: null, reason: null, channel: r.channel, conversation_id: r.conversationId,
      locale: r.locale, created_at: this.now().toISOString(), decided_at: null, decided_by: null,
    };
    await this.kysely.insertInto('representations').values(row).execute();
    return toRepresentation(row);
  }

  async byId(id: string): Promise<Representation> {
    const row = await this.kysely.selectFrom('representations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('That request to act for someone does not exist.');
    return toRepresentation(row);
  }

  /** Requests waiting for a decision, oldest first. */
  async pending(limit = 100): Promise<Representation[]> {
    const rows = await this.kysely.selectFrom('representations').selectAll().where('status', '=', 'pending').orderBy('created_at').orderBy('id').limit(limit).execute();
    return rows.map(toRepresentation);
  }

  /** Approves a pending request until `expiresAt`, giving the represented person a citizen of their own. */
  async approve(id: string, d: { agentId: string; expiresAt: Date }): Promise<Representation> {
    const now = this.now();
    if (!(d.expiresAt.getTime() > now.getTime())) throw new BadInputError('an approval must expire in the future');
    if (d.expiresAt.getTime() > now.getTime() + MAX_APPROVAL_DAYS * 86_400_000) throw new BadInputError(`an approval lasts at most ${MAX_APPROVAL_DAYS} days`);
    return this.kysely.transaction().execute(async (trx) => {
      const asked = await trx.selectFrom('representations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!asked) throw new NotFoundError('That request to act for someone does not exist.');
      const citizenId = randomUUID();
      // Guarded by status: of two agents deciding at once, only the first update matches a row.
      const updated = await trx.updateTable('representations')
        .set({ status: 'approved', represented_citizen_id: citizenId, expires_at: d.expiresAt.toISOString(), decided_at: now.toISOString(), decided_by: d.agentId })
        .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new RepresentationDecidedError('That request was already decided.');
      await trx.insertInto('citizens').values({ id: citizenId, display_name: asked.represented_name, locale: asked.locale, created_at: now.toISOString() }).execute();
      return toRepresentation({ ...asked, status: 'approved', represented_citizen_id: citizenId, expires_at: d.expiresAt.toISOString(), decided_at: now.toISOString(), decided_by: d.agentId });
    });
  }

  /** Refuses a pending request with a reason the representative is told. */
  async refuse(id: string, d: { agentId: string; reason: string }): Promise<Representation> {
    const reason = d.reason.trim();
    if (reason.length < 3 || reason.length > 500) throw new BadInputError('a refusal needs a reason of 3 to 500 characters');
    return this.decide(id, 'pending', { status: 'refused', reason, decided_at: this.now().toISOString(), decided_by: d.agentId });
  }

  /** Ends an approval before its expiry (the representative or an agent asked). */
  async revoke(id: string, d: { by: string }): Promise<Representation> {
    return this.decide(id, 'approved', { status: 'revoked', decided_at: this.now().toISOString(), decided_by: d.by });
  }

  /** The approvals a representative may act on now: approved and not yet expired, newest first. */
  async activeFor(representativeId: string): Promise<Representation[]> {
    const rows = await this.kysely.selectFrom('representations').selectAll()
      .where('representative_id', '=', representativeId).where('status', '=', 'approved').where('expires_at', '>', this.now().toISOString())
      .orderBy('decided_at', 'desc').execute();
    return rows.map(toRepresentation);
  }

  /** How many of a representative's requests wait for a decision (at most MAX_PENDING_PER_REPRESENTATIVE may). */
  async pendingCount(representativeId: string): Promise<number> {
    const pending = await this.kysely.selectFrom('representations').select((e) => e.fn.countAll<number>().as('n'))
      .where('representative_id', '=', representativeId).where('status', '=', 'pending').executeTakeFirstOrThrow();
    return Number(pending.n);
  }

  /**
   * Everyone a representative was ever approved to act for (in force, expired or revoked), by their
   * citizen: to name whom each ticket or appointment they filed was for, long after the approval ended.
   */
  async representedBy(representativeId: string): Promise<Map<string, string>> {
    const rows = await this.kysely.selectFrom('representations').select(['represented_citizen_id', 'represented_name'])
      .where('representative_id', '=', representativeId).where('represented_citizen_id', 'is not', null).execute();
    return new Map(rows.map((r) => [r.represented_citizen_id!, r.represented_name]));
  }

  private async decide(id: string, from: RepresentationStatus, set: Partial<RepresentationsTable>): Promise<Representation> {
    const updated = await this.kysely.updateTable('representations').set(set).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      await this.byId(id); // unknown: NotFoundError
      throw new RepresentationDecidedError('That request was already decided.');
    }
    return this.byId(id);
  }

  private now(): Date {
    return new Date(this.clock());
  }
}

function toRepresentation(r: RepresentationsTable): Representation {
  return {
    id: r.id, representativeId: r.representative_id, representedName: r.represented_name, relationship: r.relationship as Relationship,
    proofMedia: r.proof_media, channel: r.channel, conversationId: r.conversation_id, locale: r.locale, status: r.status,
    createdAt: new Date(r.created_at),
    ...(r.represented_citizen_id ? { representedCitizenId: r.represented_citizen_id } : {}),
    ...(r.expires_at ? { expiresAt: new Date(r.expires_at) } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.decided_at ? { decidedAt: new Date(r.decided_at) } : {}),
    ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
  };
}
