import { z } from 'zod';
import { unknownPlace } from './public-holidays';
import { AppointmentsSchema } from './appointments-schema';

/** Languages the bot speaks. Spanish first; Catalan and English too. */
export const LOCALES = ['es', 'ca', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const LocaleSchema = z.enum(LOCALES);

/**
 * The Spanish the bot speaks: es-ES (tú, Spain; the default) or es-AR (Rioplatense voseo, from the
 * overlay dialogs/locales/es-AR.json; sentences it lacks fall back to es-ES).
 */
export const SPANISH_VARIANTS = ['es-ES', 'es-AR'] as const;
export type SpanishVariant = (typeof SPANISH_VARIANTS)[number];

/** Procedure types: request, complaint, inquiry. */
export const PROCEDURE_TYPES = ['solicitud', 'reclamo', 'consulta'] as const;
export type ProcedureType = (typeof PROCEDURE_TYPES)[number];
export const ProcedureTypeSchema = z.enum(PROCEDURE_TYPES);

/** Fields a service can ask the citizen for during intake. */
export const FIELDS = ['location', 'description', 'photo', 'contact'] as const;
export type Field = (typeof FIELDS)[number];

const Names = z.object({ es: z.string().min(1), ca: z.string().min(1), en: z.string().min(1) }).strict();
const Examples = z
  .object({ es: z.array(z.string().min(2)), ca: z.array(z.string().min(2)), en: z.array(z.string().min(2)) })
  .strict();
/** Per-language lists that may be left out, as a whole or per language (absent: none). */
const PartialExamples = z
  .object({ es: z.array(z.string().min(2)).optional(), ca: z.array(z.string().min(2)).optional(), en: z.array(z.string().min(2)).optional() })
  .strict()
  .optional();
const Code = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lowercase code: letters, digits, - and _');

export const ServiceSchema = z
  .object({
    code: Code,
    /** Three-letter prefix of this service's ticket references, e.g. ALU in ALU-2026-000123. */
    prefix: z.string().regex(/^[A-Z]{3}$/),
    names: Names,
    /** Team (code from `teams`) that takes this service's handoffs. */
    team: Code,
    /** Fields intake must collect before the ticket is filed. */
    requires: z.array(z.enum(FIELDS)),
    /** Fields intake offers but the citizen may skip. */
    optional: z.array(z.enum(FIELDS)).default([]),
    /** Hazards (fallen cables, open manholes) jump the handoff queue. */
    hazard: z.boolean().default(false),
    connector: z
      .object({ kind: z.enum(['builtin', 'open311', 'webhook']), code: z.string().min(1) })
      .strict(),
    /**
     * Words and short phrases that name this service in the city's own vocabulary ("fanal", "farola",
     * "streetlight"; local names of things). Each one is a training example of the service for the
     * offline classifier, so a city extends recognition by adding words here, no code. Per language.
     */
    keywords: PartialExamples,
    /** Training examples as citizens really write them; at least 40 across languages. */
    examples: Examples.refine((e) => e.es.length + e.ca.length + e.en.length >= 40, {
      message: 'each service needs at least 40 training examples across es/ca/en',
    }),
  })
  .strict();
export type Service = z.infer<typeof ServiceSchema>;

const Day = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Day>;
/** "08:00-15:00", or several ranges "08:00-14:00,16:00-19:00"; 24:00 allowed as an end. */
const DayHours = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d-(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00))(?:,(?:[01]\d|2[0-3]):[0-5]\d-(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00))*$/, 'hours like "08:00-15:00" or "08:00-14:00,16:00-19:00"');

const CivilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day like 2026-12-08');

/**
 * A team's closed days: the public holidays of a country and region (from the date-holidays package) and the
 * city's own. `except` lists days that calendar closes but the city works (a region that moved a holiday).
 *
 * @example { country: ES, region: VC, local: ["2026-01-22", "2026-10-09"] }
 */
const HolidayCalendarSchema = z
  .object({
    /** ISO 3166-1 country code: ES, AR… */
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 country code like ES'),
    /** Region (date-holidays' "state") whose holidays add to the country's: VC, CT, MD… (ES). */
    region: z.string().regex(/^[A-Z0-9]{1,3}$/, 'a region code like VC').optional(),
    /** The city's own holidays (YYYY-MM-DD), which no national or regional calendar knows. */
    local: z.array(CivilDate).default([]),
    /** Days the country or region calendar closes on which the team works after all. */
    except: z.array(CivilDate).default([]),
  })
  .strict()
  .superRefine((calendar, ctx) => {
    const problem = unknownPlace(calendar);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [calendar.region === undefined ? 'country' : 'region'] });
  });
export type HolidayCalendar = z.infer<typeof HolidayCalendarSchema>;

export const TeamSchema = z
  .object({
    code: Code,
    names: Names,
    /** Office hours in the city's time zone, per weekday; a day that is absent is closed. Absent altogether: always open. */
    hours: z.partialRecord(Day, DayHours).optional(),
    /**
     * Days the team is closed, in the city's calendar: a country's and region's public holidays plus the
     * city's own (see HolidayCalendarSchema), or just a list of days (YYYY-MM-DD).
     */
    holidays: z.union([z.array(CivilDate), HolidayCalendarSchema]).default([]),
    /** If nobody claims a waiting conversation within this many minutes, the citizen is told and a ticket is filed. */
    claimWithinMinutes: z.number().positive().default(10),
    /**
     * How long a citizen should wait for a person (from entering the queue until an agent takes the
     * conversation): longer waits are marked "Fuera de objetivo" in the console and counted for supervisors.
     * Absent: DEFAULT_FIRST_RESPONSE_TARGET_SECONDS.
     */
    firstResponseTargetSeconds: z.number().int().positive().optional(),
  })
  .strict();
export type Team = z.infer<typeof TeamSchema>;

/** A team's first-response target when the catalog gives none: two minutes. */
export const DEFAULT_FIRST_RESPONSE_TARGET_SECONDS = 120;

/** A canned response agents insert with one click, per language. */
const CannedSchema = z.object({ code: Code, title: z.string().min(1), texts: Names }).strict();

export const HandoffSettingsSchema = z
  .object({
    /** Team for conversations with no service yet ("quiero hablar con una persona" as the first message). */
    defaultTeam: Code,
    /** How long an agent may be disconnected before their conversations go back to the queue. */
    graceSeconds: z.number().positive().default(60),
    canned: z.array(CannedSchema).default([]),
  })
  .strict();

/**
 * How long the bot keeps each kind of personal data (GDPR art. 5.1.e), in days; privacy/retention.ts
 * applies it every night. Tickets are administrative records: past their period their personal fields
 * are pseudonymised (the citizen's id replaced, contact and personal data in the text removed) unless
 * the city chooses to delete them.
 */
export const RetentionSchema = z
  .object({
    /** Transcript lines, from when they were written. */
    transcriptsDays: z.number().int().positive().default(365),
    /** Files citizens sent and copies of their data, from when they were stored (photos a ticket still needs stay). */
    attachmentsDays: z.number().int().positive().default(365),
    /** A channel identity (and its citizen) with no conversation for this long. */
    identitiesDays: z.number().int().positive().default(730),
    /** Conversations with people (their notes and satisfaction answers), from when they ended. */
    handoffsDays: z.number().int().positive().default(365),
    /** Tickets, from their last change. */
    ticketsDays: z.number().int().positive().default(1825),
    tickets: z.enum(['pseudonymise', 'delete']).default('pseudonymise'),
    /** Audit log entries, from when they were recorded (the chain keeps an anchor: it still verifies). */
    auditDays: z.number().int().positive().default(730),
  })
  .strict();
export type Retention = z.infer<typeof RetentionSchema>;

/** The privacy notice in one language: a short text and the link to the full policy. */
const NoticeTextSchema = z.object({ text: z.string().trim().min(1).max(1000), url: z.url({ protocol: /^https?$/ }) }).strict();

/**
 * The privacy notice every citizen gets once, on their first contact on any channel (GDPR art. 13),
 * per language. Absent: no notice is sent.
 */
export const PrivacyNoticeSchema = z.object({ es: NoticeTextSchema, ca: NoticeTextSchema, en: NoticeTextSchema }).strict();
export type PrivacyNotice = z.infer<typeof PrivacyNoticeSchema>;

export const PrivacySchema = z.object({ retention: RetentionSchema.prefault({}), notice: PrivacyNoticeSchema.optional() }).strict();

/** Kinds of danger the emergency detector reports (dialogs/emergency). */
export const EMERGENCY_KINDS = ['fire', 'smoke', 'gas', 'injury', 'unconscious', 'cable', 'collapse', 'violence', 'drowning', 'trapped', 'distress'] as const;

const EmergenciesSchema = Examples.extend({
  /** Terms added to a built-in concept (e.g. `fire`, `person`, `exclude`) or forming a new one. */
  concepts: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/), z.array(z.string().min(1))).optional(),
  /** Signals added to the built-in ones: every concept in `all` within `window` words of one clause. */
  signals: z.array(z.object({
    kind: z.enum(EMERGENCY_KINDS),
    all: z.array(z.string()).min(1),
    window: z.number().int().positive().optional(),
    ordered: z.boolean().optional(),
    none: z.array(z.string()).optional(),
  }).strict()).optional(),
  /** Concepts that say who or where: never negated ("nadie ayuda al señor…"). */
  context: z.array(z.string()).optional(),
}).strict();

export const CatalogSchema = z
  .object({
    city: z
      .object({
        name: z.string().min(1),
        defaultLocale: LocaleSchema.default('es'),
        timezone: z.string().default('Europe/Madrid'),
        emergencyNumber: z.string().default('112'),
        /** Which Spanish the bot speaks (see SPANISH_VARIANTS): `es-AR` (vos) if the city chooses it; absent: `es-ES` (tú). */
        spanishVariant: z.enum(SPANISH_VARIANTS).optional(),
      })
      .strict(),
    /** Below this offline confidence the dialog offers alternatives instead of guessing. */
    confidenceThreshold: z.number().min(0).max(1).default(0.55),
    types: z.record(ProcedureTypeSchema, z.object({ names: Names, examples: Examples }).strict()),
    teams: z.array(TeamSchema).min(1),
    /** How conversations reach people (see handoff). */
    handoff: HandoffSettingsSchema,
    services: z.array(ServiceSchema).min(1),
    /**
     * Messages the city does not handle (other administrations' matters, chit-chat, gibberish), as
     * citizens write them: the offline classifier learns them as its `none` outcome, so such text is
     * not forced into a service.
     */
    outOfScope: PartialExamples,
    /**
     * Emergencies (answered with the emergency number first, at any step). The per-language phrases
     * are examples (locale detection, tests); recognition is by concepts (dialogs/emergency): a city
     * adds terms to a built-in concept or new concepts, and signals that combine them.
     */
    emergencies: EmergenciesSchema,
    /** Citizens' data rights: retention periods (see RetentionSchema). */
    privacy: PrivacySchema.prefault({}),
    /** Appointments (cita previa): procedures, offices and their calendars (catalog/appointments-schema.ts). Absent: none. */
    appointments: AppointmentsSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const teams = new Set(c.teams.map((t) => t.code));
    if (!teams.has(c.handoff.defaultTeam)) ctx.addIssue({ code: 'custom', path: ['handoff', 'defaultTeam'], message: `unknown team "${c.handoff.defaultTeam}"` });
    const seen = new Set<string>();
    c.services.forEach((s, i) => {
      if (!teams.has(s.team)) ctx.addIssue({ code: 'custom', path: ['services', i, 'team'], message: `unknown team "${s.team}"` });
      if (seen.has(s.code)) ctx.addIssue({ code: 'custom', path: ['services', i, 'code'], message: `duplicate service "${s.code}"` });
      seen.add(s.code);
    });
  });
export type Catalog = Readonly<z.infer<typeof CatalogSchema>>;
