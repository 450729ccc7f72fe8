import { z } from 'zod';

/** Languages the bot speaks. Spanish first; Catalan and English too. */
export const LOCALES = ['es', 'ca', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const LocaleSchema = z.enum(LOCALES);

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
    /** Training examples as citizens really write them; at least 40 across languages. */
    examples: Examples.refine((e) => e.es.length + e.ca.length + e.en.length >= 40, {
      message: 'each service needs at least 40 training examples across es/ca/en',
    }),
  })
  .strict();
export type Service = z.infer<typeof ServiceSchema>;

export const CatalogSchema = z
  .object({
    city: z
      .object({
        name: z.string().min(1),
        defaultLocale: LocaleSchema.default('es'),
        timezone: z.string().default('Europe/Madrid'),
        emergencyNumber: z.string().default('112'),
      })
      .strict(),
    /** Below this offline confidence the dialog offers alternatives instead of guessing. */
    confidenceThreshold: z.number().min(0).max(1).default(0.55),
    types: z.record(ProcedureTypeSchema, z.object({ names: Names, examples: Examples }).strict()),
    teams: z.array(z.object({ code: Code, names: Names }).strict()).min(1),
    services: z.array(ServiceSchema).min(1),
    /** Phrases that mean danger now (fire, gas, injuries, fallen power lines): answered with 112 first. */
    emergencies: Examples,
  })
  .strict()
  .superRefine((c, ctx) => {
    const teams = new Set(c.teams.map((t) => t.code));
    const seen = new Set<string>();
    c.services.forEach((s, i) => {
      if (!teams.has(s.team)) ctx.addIssue({ code: 'custom', path: ['services', i, 'team'], message: `unknown team "${s.team}"` });
      if (seen.has(s.code)) ctx.addIssue({ code: 'custom', path: ['services', i, 'code'], message: `duplicate service "${s.code}"` });
      seen.add(s.code);
    });
  });
export type Catalog = Readonly<z.infer<typeof CatalogSchema>>;
