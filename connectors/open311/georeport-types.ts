import { z } from 'zod';
import { parseXml, type XmlElement } from './xml';

/**
 * GeoReport v2 answers, typed. Both wire formats decode to the same plain shape first (JSON as is,
 * XML through `xmlToPlain`), so one zod schema per answer validates either: XML has only strings,
 * JSON servers send booleans and numbers (or, in the wild, strings and nulls), hence the lenient
 * scalar readers below. Field names follow the spec in camelCase; each TSDoc names the wire field.
 */

/** The wire formats a GeoReport v2 endpoint speaks (`services.json`, `services.xml`, …). */
export type GeoReportFormat = 'json' | 'xml';

/** How a service files requests: at once (an id), later (a token), or without any status at all. */
export type GeoReportServiceType = 'realtime' | 'batch' | 'blackbox';

/** One entry of `GET services`. */
export interface GeoReportService {
  /** `service_code`: what `POST requests` needs (our catalog's `connector.code`). */
  serviceCode: string;
  serviceName?: string;
  description?: string;
  /** `metadata`: the service has extra attributes; fetch its definition to learn them. */
  metadata: boolean;
  /** `type`; undefined when the server sends none or a value outside the spec. */
  type?: GeoReportServiceType;
  /** `keywords`, split on commas. */
  keywords: string[];
  group?: string;
}

/** The attribute datatypes the spec defines. */
export const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
/** `datatype` of a service attribute. Values outside the spec are read as `string` (free text). */
export type GeoReportDatatype = (typeof DATATYPES)[number];

/** One attribute of a service definition. */
export interface GeoReportAttribute {
  /** `variable`: false means the attribute is only informational (no answer is collected). */
  variable: boolean;
  code: string;
  datatype: GeoReportDatatype;
  required: boolean;
  datatypeDescription?: string;
  order?: number;
  description?: string;
  /** Allowed answers of the list datatypes: send `key`, show `name`. */
  values: Array<{ key: string; name?: string }>;
}

/** `GET services/{service_code}`. */
export interface GeoReportServiceDefinition {
  serviceCode: string;
  attributes: GeoReportAttribute[];
}

/** The answer to `POST requests` and to `GET tokens/{token}`: an id, a token, or (tokens) both. */
export interface GeoReportReceipt {
  /** `service_request_id`; absent while a token has not been processed yet. */
  serviceRequestId?: string;
  token?: string;
  serviceNotice?: string;
  accountId?: string;
}

/** One service request as `GET requests` and `GET requests/{id}` describe it. */
export interface GeoReportRequest {
  serviceRequestId: string;
  /** `status` lower-cased: the spec has `open` and `closed`; some servers add their own. */
  status: string;
  statusNotes?: string;
  serviceName?: string;
  serviceCode?: string;
  description?: string;
  agencyResponsible?: string;
  serviceNotice?: string;
  requestedDatetime?: string;
  updatedDatetime?: string;
  expectedDatetime?: string;
  address?: string;
  addressId?: string;
  zipcode?: string;
  lat?: number;
  long?: number;
  mediaUrl?: string;
}

/** One entry of an error body: `[{code, description}]` or `<errors><error>…</error></errors>`. */
export interface GeoReportErrorEntry {
  /** The spec's `code` (usually the HTTP status again), as text so both formats agree. */
  code?: string;
  description?: string;
}

/** A 2xx body that is not the GeoReport document we asked for. */
export class GeoReportFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GeoReportFormatError';
  }
}

// Containers whose children form a list: one child must still decode to a one-item list.
const LIST_ELEMENTS = new Set(['services', 'service_requests', 'errors', 'attributes', 'values']);

/** An XML element as the equivalent JSON value: lists for the spec's containers, objects, or text. */
export function xmlToPlain(el: XmlElement): unknown {
  if (LIST_ELEMENTS.has(el.name)) return el.children.map(xmlToPlain);
  if (el.children.length === 0) return el.text.trim();
  return Object.fromEntries(el.children.map((child) => [child.name, xmlToPlain(child)]));
}

/** Parses a body in `format` to its plain JSON-like value. */
export function decodeBody(body: string, format: GeoReportFormat): unknown {
  try {
    return format === 'json' ? (JSON.parse(body) as unknown) : xmlToPlain(parseXml(body));
  } catch (err) {
    throw new GeoReportFormatError(`body is not valid ${format.toUpperCase()}`, { cause: err });
  }
}

// `.optional()` matters: zod 4 only lets an object key be missing when its schema says so.
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();
/** Text, or undefined when absent, null or blank (XML cannot tell an empty element from a missing value). */
const text = scalar.transform((v) => (v == null || String(v).trim() === '' ? undefined : String(v).trim()));
const required = text.pipe(z.string({ error: 'required' }));
const flag = scalar.transform((v) => v === true || String(v).trim().toLowerCase() === 'true');
const num = text.transform((v) => (v === undefined || !Number.isFinite(Number(v)) ? undefined : Number(v)));
/** Some servers answer with a bare object where the spec has a one-item list. */
const listOf = <T extends z.ZodType>(item: T) => z.union([z.array(item), item.transform((x) => [x])]);

const ServiceWire = z
  .object({
    service_code: required, service_name: text, description: text, metadata: flag, type: text, group: text,
    keywords: z.union([z.array(z.string()), text]),
  })
  .transform((s): GeoReportService => ({
    serviceCode: s.service_code,
    serviceName: s.service_name,
    description: s.description,
    metadata: s.metadata,
    type: (['realtime', 'batch', 'blackbox'] as const).find((t) => t === s.type?.toLowerCase()),
    keywords: (Array.isArray(s.keywords) ? s.keywords : (s.keywords ?? '').split(',')).map((k) => k.trim()).filter(Boolean),
    group: s.group,
  }));

const AttributeWire = z
  .object({
    variable: flag, code: required, datatype: text, required: flag, datatype_description: text, order: num,
    description: text, values: z.array(z.object({ key: required, name: text })).nullish(),
  })
  .transform((a): GeoReportAttribute => ({
    variable: a.variable,
    code: a.code,
    datatype: DATATYPES.find((d) => d === a.datatype?.toLowerCase()) ?? 'string',
    required: a.required,
    datatypeDescription: a.datatype_description,
    order: a.order,
    description: a.description,
    values: a.values ?? [],
  }));

const DefinitionWire = z
  .object({ service_code: required, attributes: z.array(AttributeWire).nullish() })
  .transform((d): GeoReportServiceDefinition => ({ serviceCode: d.service_code, attributes: d.attributes ?? [] }));

const ReceiptWire = z
  .object({ service_request_id: text, token: text, service_notice: text, account_id: text })
  .transform((r): GeoReportReceipt => ({
    serviceRequestId: r.service_request_id, token: r.token, serviceNotice: r.service_notice, accountId: r.account_id,
  }));

const RequestWire = z
  .object({
    service_request_id: required, status: text, status_notes: text, service_name: text, service_code: text,
    description: text, agency_responsible: text, service_notice: text, requested_datetime: text,
    updated_datetime: text, expected_datetime: text, address: text, address_id: text, zipcode: text,
    lat: num, long: num, media_url: text,
  })
  .transform((r): GeoReportRequest => ({
    serviceRequestId: r.service_request_id,
    status: (r.status ?? 'open').toLowerCase(),
    statusNotes: r.status_notes,
    serviceName: r.service_name,
    serviceCode: r.service_code,
    description: r.description,
    agencyResponsible: r.agency_responsible,
    serviceNotice: r.service_notice,
    requestedDatetime: r.requested_datetime,
    updatedDatetime: r.updated_datetime,
    expectedDatetime: r.expected_datetime,
    address: r.address,
    addressId: r.address_id,
    zipcode: r.zipcode,
    lat: r.lat,
    long: r.long,
    mediaUrl: r.media_url,
  }));

const ErrorWire = z.object({ code: text, description: text });

/** The schema of each answer, by what was asked. */
export const GeoReportSchemas = {
  services: listOf(ServiceWire),
  definition: DefinitionWire,
  receipts: listOf(ReceiptWire),
  requests: listOf(RequestWire),
  errors: listOf(ErrorWire),
} as const;

/**
 * Validates a decoded body against one of `GeoReportSchemas`.
 * @throws GeoReportFormatError naming the first fields that did not fit.
 */
export function readAs<S extends z.ZodType>(schema: S, plain: unknown, what: string): z.output<S> {
  const result = schema.safeParse(plain);
  if (result.success) return result.data;
  const where = result.error.issues.slice(0, 3).map((i) => i.path.join('.') || '(root)').join(', ');
  throw new GeoReportFormatError(`unexpected ${what} answer (${where})`, { cause: result.error });
}

/** Best effort: the error entries of a 4xx/5xx body, or none when it is not a GeoReport error body. */
export function readErrors(body: string, format: GeoReportFormat): GeoReportErrorEntry[] {
  // Proxies answer errors in their own format (an HTML 502 page), and some servers answer JSON
  // errors to XML requests: try the format we asked for, then the other, then give up quietly.
  for (const f of format === 'json' ? (['json', 'xml'] as const) : (['xml', 'json'] as const)) {
    try {
      const entries = readAs(GeoReportSchemas.errors, decodeBody(body, f), 'error');
      if (entries.some((e) => e.code !== undefined || e.description !== undefined)) return entries;
    } catch {
      // Not this format: the next one may fit; an unreadable body only loses the server's wording.
    }
  }
  return [];
}
