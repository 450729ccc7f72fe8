import type { Logger } from '../../bot/logger';
import type { ServiceQuestion } from '../../dialogs/engine-deps';
import type { GeoReportAttribute } from './georeport-types';
import type { Open311Client } from './open311-client';

/** How often service definitions are read again (a city may add a question). */
const REFRESH_MS = 10 * 60_000;

/**
 * What the Open311 server wants to know about each service (its definitions' attributes), read at start
 * and every few minutes, as questions the intake dialog asks (and notices it shows). Also checks at start that every service
 * code the catalog maps to Open311 exists on the server, and says which do not.
 */
export class Open311Questions {
  private questions = new Map<string, ServiceQuestion[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Open311Client,
    /** Open311 service codes the catalog uses. */
    private readonly codes: readonly string[],
    private readonly log: Logger,
  ) {}

  /** The questions for an Open311 service code (none when unknown or not loaded yet). */
  for(code: string): ServiceQuestion[] {
    return this.questions.get(code) ?? [];
  }

  /** Loads now and keeps refreshing. A server that is down is logged, never fatal: tickets wait in the queue anyway. */
  async start(): Promise<void> {
    await this.refresh(true);
    this.timer = setInterval(() => void this.refresh(false), REFRESH_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async refresh(checkMapping: boolean): Promise<void> {
    try {
      const services = await this.client.services();
      if (checkMapping) {
        const offered = new Set(services.map((s) => s.serviceCode));
        const missing = [...new Set(this.codes)].filter((c) => !offered.has(c));
        if (missing.length > 0) this.log.error({ missing }, 'the Open311 server does not offer these service codes of the catalog: their tickets will be refused and sent to review');
      }
      const next = new Map<string, ServiceQuestion[]>();
      for (const s of services.filter((x) => x.metadata && this.codes.includes(x.serviceCode))) {
        const definition = await this.client.serviceDefinition(s.serviceCode);
        // Informational attributes (`variable: false`) are shown to the citizen in their place, not asked.
        next.set(s.serviceCode, [...definition.attributes].sort((a, b) => (a.order ?? 0) - (b.order ?? 0)).map(questionOf));
      }
      this.questions = next;
    } catch (err) {
      this.log.warn({ err }, 'Open311 service definitions not read; will try again');
    }
  }
}

function questionOf(a: GeoReportAttribute): ServiceQuestion {
  if (!a.variable) return { code: a.code, text: a.description ?? a.code, required: false, informational: true };
  const list = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
  return {
    code: a.code,
    text: a.description ?? a.code,
    required: a.required,
    ...(list ? { choices: a.values.map((v) => ({ key: v.key, name: v.name ?? v.key })) } : {}),
    ...(a.datatype === 'multivaluelist' ? { multiple: true } : {}),
    ...(a.datatype === 'number' ? { numeric: true } : {}),
    ...(a.datatype === 'datetime' ? { datetime: true } : {}),
  };
}
