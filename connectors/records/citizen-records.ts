/**
 * The citizen's own records in the city's systems (issue 16 part 3): read-only look-ups for a citizen
 * whose identity is verified, each kind shown briefly with a link to the city's electronic office, where
 * the full record lives. Only a verified identifier ever reaches a `CitizenRecords`: the caller checks
 * the identity first and records each access in the audit log.
 */

/** The kinds of record a citizen can look up. */
export const RECORD_KINDS = ['procedures', 'notifications', 'fines', 'tax-receipts'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** An amount of money as the city states it. */
export interface Money {
  /** In the currency's units, e.g. 90.5. */
  value: number;
  /** ISO 4217, e.g. `EUR`, `ARS`. */
  currency: string;
}

/** One record, briefly: what it is, where it stands, and where to see it whole. */
export interface RecordItem {
  /** The city's own id or reference (shown to the citizen). */
  id: string;
  /** A short title in the citizen's language where the city has one, e.g. "Licencia de obra menor". */
  title: string;
  /** Where it stands, in the city's words, e.g. "En trámite", "Pendiente de pago". */
  state?: string;
  /** When it was filed, notified or issued (RFC 3339 date or date-time). */
  date?: string;
  /** By when something must be done: pay, answer, collect (RFC 3339 date or date-time). */
  dueDate?: string;
  amount?: Money;
  /** The record in the city's electronic office. */
  url: string;
}

/** The citizen's entry in the census (padrón). */
export interface CensusRecord {
  /** The address they are registered at. */
  address: string;
  /** Registered there since (RFC 3339 date). */
  since?: string;
  /** People registered at the same address. */
  householdSize?: number;
  /** The census entry in the city's electronic office. */
  url: string;
}

/** A request for a census certificate, as the city took it. */
export interface CertificateRequest {
  id: string;
  /** `issued`: ready at `url`; `requested`: the city will notify when it is. */
  status: 'requested' | 'issued';
  url: string;
}

/** Who the records are for: the identifier the city verified (the identity provider's chosen claim). */
export interface VerifiedCitizen {
  identifier: string;
}

/**
 * Read-only access to a verified citizen's records. A citizen the city does not know has no records
 * (empty lists, no census entry), which is not an error; a system that cannot answer throws
 * ConnectorUnavailableError (E_CONNECTOR_UNAVAILABLE) and the bot says so, showing nothing stale.
 */
export interface CitizenRecords {
  list(citizen: VerifiedCitizen, kind: RecordKind, locale: string): Promise<RecordItem[]>;
  census(citizen: VerifiedCitizen, locale: string): Promise<CensusRecord | undefined>;
  /** Asks for a census certificate; the same `key` again (a retry) gets the same request back. */
  requestCensusCertificate(citizen: VerifiedCitizen, key: string, locale: string): Promise<CertificateRequest>;
}
