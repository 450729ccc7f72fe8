import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors';

const port = z.coerce.number().int().min(0).max(65_535);
const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/**
 * `host:port,host:port,…` (an IPv6 host in brackets: `[::1]:26379`) as `{ host, port }`. A bad entry is
 * named by its position, not its text (config errors never print values).
 */
const hostPortList = z.string().transform((s, ctx) => {
  const entries = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (entries.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'needs at least one host:port, e.g. 10.0.0.5:26379,10.0.0.6:26379' });
    return z.NEVER;
  }
  const parsed = entries.map((e) => /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(e));
  const bad = parsed.findIndex((m) => !m || Number(m[3]) < 1 || Number(m[3]) > 65_535);
  if (bad !== -1) {
    ctx.addIssue({ code: 'custom', message: `entry ${bad + 1} of ${entries.length} is not host:port (a comma-separated list such as 10.0.0.5:26379,10.0.0.6:26379)` });
    return z.NEVER;
  }
  return parsed.map((m) => ({ host: m![1] ?? m![2]!, port: Number(m![3]) }));
});

/** express's names for address ranges, usable in TRUST_PROXY beside addresses and CIDR ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY as express's `trust proxy`: `false`, `true`, a number of hops, or a list of addresses, CIDR
 * ranges and range names. Checked here, because express only fails on a bad entry at the first request.
 */
const trustProxy = z.string().transform((s, ctx): boolean | number | string[] => {
  const v = s.trim();
  if (v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const entries = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = entries.findIndex((e) => !PROXY_RANGE_NAMES.includes(e) && !isAddressOrRange(e));
  if (entries.length === 0 || bad !== -1) {
    ctx.addIssue({ code: 'custom', message: `${entries.length === 0 ? 'is empty' : `entry ${bad + 1} of ${entries.length} is not an address or CIDR range`}: use false, true, a number of hops, or a comma-separated list of addresses, CIDR ranges (10.0.0.0/8) and loopback, linklocal, uniquelocal` });
    return z.NEVER;
  }
  return entries;
});

function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** Every environment variable the bot reads. Only this file touches process.env. */
export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Which roles this process plays: HTTP + channels (`web`), queue workers (`worker`), or both. */
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  PORT: port.default(3978),
  HOST: z.string().default('0.0.0.0'),
  /**
   * Prometheus metrics (`GET /metrics`) of every role, on this port of HOST, never the public one; 0 takes
   * any free port. @defaultValue 9464, or 0 under NODE_ENV=test (tests run many processes side by side)
   */
  METRICS_PORT: port.optional(),
  /**
   * OpenTelemetry: traces go by OTLP/HTTP to this collector when set (the SDK reads the other standard
   * OTEL_* variables, e.g. OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_PROTOCOL); unset, nothing is loaded.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Public base URL (used in Direct Line streamUrl); defaults to http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  REDIS_URL: z.url().optional(),
  /**
   * Redis Sentinel (high availability): the sentinels as `host:port,host:port,…`. When set, every
   * connection asks them for the current master (REDIS_URL must then be unset) and follows a failover.
   */
  REDIS_SENTINELS: hostPortList.optional(),
  /** The master group the sentinels monitor (their `sentinel monitor <name> …`). */
  REDIS_MASTER_NAME: z.string().min(1).default('mymaster'),
  /** Sentinel mode: the password of the master and replicas (with REDIS_URL, put it in the URL). */
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** Sentinel mode: the sentinels' own password (their `requirepass`), when they have one. */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /** Prefix of every Redis key and BullMQ queue, so several bots (or tests) share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('citybot'),
  /** PostgreSQL URL; when absent the SQLite file at SQLITE_PATH is used. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** PostgreSQL only: the schema to use (created when missing), so several bots or tests share one database. */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier').optional(),
  /** The SQLite file. @defaultValue DATA_DIR/bot.sqlite, so a volume at DATA_DIR keeps the database. */
  SQLITE_PATH: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  CATALOG: z.string().default('config/catalog.yaml'),
  /** Folder of the city's knowledge base (Markdown per language, reloaded on change); empty: the bot answers no question itself. */
  KNOWLEDGE_DIR: z.string().default('config/knowledge'),
  /** The city's street names (CSV, one per row) to spell and check the streets citizens write; unset: not used. */
  STREET_DIRECTORY: z.string().optional(),
  /** A Nominatim- or Photon-compatible search endpoint: typed places get coordinates for the back office; unset: not geocoded. */
  GEOCODER_URL: z.url().optional(),
  /** A geocoder slower than this is given up (the ticket goes without coordinates). */
  GEOCODER_TIMEOUT_MS: z.coerce.number().int().min(100).default(2_000),
  /** The city's labelled history (CSV files with `text`, `service`, optional `type`, `locale`), comma-separated; trained on with the catalog and re-read on change. */
  CLASSIFIER_HISTORY: csv.default([]),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Inbound turns run concurrently per worker process (different conversations only). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(256),
  /**
   * How long a stop (SIGTERM, SIGINT) may take: turns, deliveries and requests in flight finish, connections
   * close; past it the process exits with code 1 anyway. Below Kubernetes' 30 s grace period by default.
   */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(25_000),
  /**
   * Which proxies' `X-Forwarded-For` is believed for the client's address (per-IP limits, logs): `false`
   * none, `true` any (only when nothing reaches the bot but through the proxy), a number of hops, or a
   * comma-separated list of addresses, CIDR ranges and `loopback`, `linklocal`, `uniquelocal`.
   */
  TRUST_PROXY: trustProxy.default(['loopback']),

  /** When set, Direct Line clients need this secret (or a token made with it); otherwise tokens/generate is open, rate-limited. */
  DIRECTLINE_SECRET: z.string().min(16).optional(),
  /** Origins allowed to embed the web chat (CORS), comma-separated; `*` allows any. */
  WEBCHAT_ORIGINS: csv.default(['*']),
  /** tokens/generate calls allowed per IP per minute. */
  TOKEN_RATE_LIMIT: z.coerce.number().int().min(1).default(30),

  LLM_PROVIDER: z.enum(['openai', 'ollama']).optional(),
  LLM_BASE_URL: z.url().optional(),
  LLM_MODEL: z.string().optional(),
  LLM_API_KEY: z.string().optional(),
  /** `hybrid` asks the LLM only below the offline threshold; `llm` always asks it (still falls back offline). */
  LLM_MODE: z.enum(['hybrid', 'llm']).default('hybrid'),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(8_000),
  /** Model calls one citizen may cause per hour (Redis, all LLM paths together); beyond it the offline path answers. */
  LLM_CALLS_PER_HOUR: z.coerce.number().int().min(0).default(30),
  /** Consecutive provider failures (timeout, 429, 5xx, network) that open the circuit breaker. */
  LLM_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
  /** How long an open breaker skips the model before one trial call (a 429's Retry-After, when longer, wins). */
  LLM_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).default(30_000),

  /** Speech-to-text for voice notes (OpenAI-compatible `POST <url>/audio/transcriptions`); without it the bot asks the citizen to type. */
  STT_BASE_URL: z.url().optional(),
  STT_MODEL: z.string().min(1).default('whisper-1'),
  STT_API_KEY: z.string().min(1).optional(),
  /** A slower transcription is given up and the citizen asked to type. */
  STT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),

  /** WhatsApp Cloud API: the channel is on when the access token and the phone number id are both set. */
  WHATSAPP_CLOUD_TOKEN: z.string().min(1).optional(),
  /** The business phone number's id in Meta's dashboard (digits; not the phone number itself). */
  WHATSAPP_CLOUD_PHONE_ID: z.string().regex(/^\d+$/, 'must be the numeric phone number id').optional(),
  /** The Meta app's secret: every webhook POST must be signed with it (X-Hub-Signature-256). Required with the channel. */
  WHATSAPP_CLOUD_APP_SECRET: z.string().min(1).optional(),
  /** Any string the city chooses and types into Meta's webhook settings too. Required with the channel. */
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().min(1).optional(),
  /** Graph API base URL, with version. */
  WHATSAPP_CLOUD_API_BASE: z.url().default('https://graph.facebook.com/v21.0'),
  /** Approved template (one body parameter) sent instead of free text more than 24 h after the citizen last wrote. */
  WHATSAPP_CLOUD_TEMPLATE: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be a template name: a-z, 0-9 and _').optional(),
  /** The template's language code, as approved (es, ca, en_US…). */
  WHATSAPP_CLOUD_TEMPLATE_LANG: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a language code like es or en_US').default('es'),

  /** WhatsApp through Baileys (unofficial, a linked device of the council's number): on with `1`/`true`. Run it in one process only. */
  WHATSAPP_BAILEYS: z.stringbool().default(false),
  /** Pair by code instead of QR: the number, digits only with country code (34600111222). */
  WHATSAPP_BAILEYS_PAIRING_NUMBER: z.string().regex(/^\d{8,15}$/, 'must be the phone number as digits with country code, no + or spaces').optional(),
  /** Baileys' own log level; below `error` it logs JIDs and message payloads. */
  WHATSAPP_BAILEYS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('error'),

  /** Telegram: the channel is on when the bot's token (from @BotFather) is set. */
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF…').optional(),
  /** Bot API server: Telegram's, a self-hosted telegram-bot-api, or an emulator in tests. */
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  /** Messages per second the bot may send over all chats: 30 is Telegram's free limit (paid broadcasts allow up to 1000). */
  TELEGRAM_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000).default(30),
  /** When set, updates arrive by webhook at this public URL (its path is served here); otherwise by long polling. */
  TELEGRAM_WEBHOOK_URL: z.url().refine((u) => /^\/[\w/.-]*$/.test(new URL(u).pathname), 'its path may hold only letters, digits, /, _, . and -').optional(),
  /** Required with TELEGRAM_WEBHOOK_URL: Telegram sends it in X-Telegram-Bot-Api-Secret-Token on every update. */
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -').optional(),

  /** Sends every service's tickets to one back office, whatever the catalog says (a quick start). */
  TICKET_CONNECTOR: z.enum(['builtin', 'open311', 'webhook']).optional(),
  /** Open311 GeoReport v2 base URL (the part before `/services.json`). */
  OPEN311_ENDPOINT: z.url().optional(),
  OPEN311_API_KEY: z.string().min(1).optional(),
  OPEN311_JURISDICTION_ID: z.string().min(1).optional(),
  OPEN311_FORMAT: z.enum(['json', 'xml']).default('json'),
  /** The city's URL that receives tickets as signed JSON. */
  WEBHOOK_URL: z.url().optional(),
  /** Shared with the city: signs tickets we send and status updates it sends back (HMAC-SHA256). */
  WEBHOOK_SECRET: z.string().min(16).optional(),
  /** How long a back office may take to answer one call before it counts as down (the call is retried). */
  BACK_OFFICE_TIMEOUT_MS: z.coerce.number().int().min(50).default(10_000),
  /** Delivery retries to a back office that is down: first wait, doubling up to the cap. */
  TICKET_RETRY_BASE_MS: z.coerce.number().int().min(1).default(2_000),
  TICKET_RETRY_MAX_MS: z.coerce.number().int().min(1).default(300_000),
  /** How often delivered tickets' status is asked of back offices that do not push it; 0 turns it off. */
  TICKET_POLL_SECONDS: z.coerce.number().int().min(0).default(300),
  /** Where photos and voice notes are kept. @defaultValue DATA_DIR/uploads */
  MEDIA_DIR: z.string().optional(),
  /** Signs the expiring photo URLs given to back offices; by default one is made and kept in Redis for all processes. */
  MEDIA_URL_SECRET: z.string().min(16).optional(),
  /**
   * How long a photo link handed to a back office (Open311 `media_url`, webhook `mediaUrls`) works. It
   * must outlive the ticket in the city's system, where a clerk may open it months or years later:
   * 10 years by default. The link is unguessable and signed; the file itself is never deleted by the bot.
   */
  MEDIA_URL_TTL_SECONDS: z.coerce.number().int().min(60).default(10 * 365 * 86_400),

  /** Video calls with agents (issue 15 part 2): the Jitsi Meet server, e.g. https://meet.example.org. Unset: no video calls. */
  VIDEO_JITSI_URL: z.url().refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL').optional(),
  /** With VIDEO_JITSI_APP_SECRET: rooms need a JWT (Jitsi token auth); `iss` of the tokens, the server's app_id. */
  VIDEO_JITSI_APP_ID: z.string().min(1).optional(),
  /** The server's app_secret (HS256 key of the tokens). */
  VIDEO_JITSI_APP_SECRET: z.string().min(16).optional(),
  /** `aud` of the tokens (prosody's asap_accepted_audiences). */
  VIDEO_JITSI_AUDIENCE: z.string().min(1).default('jitsi'),
  /** The city's OpenID Connect provider (Keycloak, a Cl@ve broker…): citizens verify who they are. Unset: off. */
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Absent: a public client (PKCE only). */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The ID token claim that identifies the citizen (e.g. a national ID number claim). */
  OIDC_IDENTIFIER_CLAIM: z.string().min(1).default('sub'),
  OIDC_SCOPES: z.string().min(1).default('openid'),
  /** Requested assurance level(s), space-separated (acr_values). */
  OIDC_ACR_VALUES: z.string().min(1).optional(),
  /** Key of the HMAC under which the identifier is stored (the identifier itself never is). */
  OIDC_IDENTIFIER_SECRET: z.string().min(16).optional(),
  OIDC_LINK_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
  /** The city's citizen-records API (docs/openapi/citizen-records.yaml): verified citizens look up their fines, census… Unset: off. */
  RECORDS_URL: z.url().refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL').optional(),
  /** The bearer token the city issued to the bot for its records API. */
  RECORDS_TOKEN: z.string().min(1).optional(),
  RECORDS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8_000),
  /** Who keeps appointments (catalog `appointments`): the built-in store, or the city's own system over REST (docs/openapi/appointments.yaml). */
  APPOINTMENTS_CONNECTOR: z.enum(['builtin', 'rest']).default('builtin'),
  APPOINTMENTS_URL: z.url().refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL').optional(),
  /** The bearer token the city issued to the bot for its appointments API. */
  APPOINTMENTS_TOKEN: z.string().min(1).optional(),
  APPOINTMENTS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8_000),
  /** `sub` of the tokens: the Jitsi domain, or `*` for any. @defaultValue the host of VIDEO_JITSI_URL */
  VIDEO_JITSI_SUBJECT: z.string().min(1).optional(),
  /** How long a call's links (and tokens) work after the agent starts it. */
  VIDEO_CALL_TTL_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
});

export type Config = Readonly<Omit<z.infer<typeof ConfigSchema>, 'SQLITE_PATH' | 'METRICS_PORT'> & { SQLITE_PATH: string; METRICS_PORT: number }>;

/** Parses the environment once at boot. Throws ConfigError naming the bad variables, never their values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = ConfigSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  if (r.data.REDIS_SENTINELS && r.data.REDIS_URL) {
    throw new ConfigError('invalid environment:\n  REDIS_URL, REDIS_SENTINELS: set one (with sentinels the master is asked of them)');
  }
  if (!r.data.REDIS_SENTINELS && (r.data.REDIS_PASSWORD || r.data.REDIS_SENTINEL_PASSWORD)) {
    throw new ConfigError('invalid environment:\n  REDIS_PASSWORD, REDIS_SENTINEL_PASSWORD: only with REDIS_SENTINELS (with REDIS_URL, put the password in the URL)');
  }
  if (r.data.LLM_PROVIDER && !r.data.LLM_MODEL) {
    throw new ConfigError('invalid environment:\n  LLM_MODEL: required when LLM_PROVIDER is set');
  }
  if (r.data.TELEGRAM_WEBHOOK_URL && !(r.data.TELEGRAM_BOT_TOKEN && r.data.TELEGRAM_WEBHOOK_SECRET)) {
    throw new ConfigError('invalid environment:\n  TELEGRAM_WEBHOOK_URL: needs TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET');
  }
  if (Boolean(r.data.WHATSAPP_CLOUD_TOKEN) !== Boolean(r.data.WHATSAPP_CLOUD_PHONE_ID)) {
    throw new ConfigError('invalid environment:\n  WHATSAPP_CLOUD_TOKEN, WHATSAPP_CLOUD_PHONE_ID: set both or neither');
  }
  if (r.data.WHATSAPP_CLOUD_TOKEN && !(r.data.WHATSAPP_CLOUD_APP_SECRET && r.data.WHATSAPP_CLOUD_VERIFY_TOKEN)) {
    throw new ConfigError('invalid environment:\n  WHATSAPP_CLOUD_APP_SECRET, WHATSAPP_CLOUD_VERIFY_TOKEN: required when WHATSAPP_CLOUD_TOKEN is set');
  }
  if (r.data.OIDC_ISSUER && !(r.data.OIDC_CLIENT_ID && r.data.OIDC_IDENTIFIER_SECRET && r.data.PUBLIC_URL)) {
    throw new ConfigError('invalid environment:\n  OIDC_CLIENT_ID, OIDC_IDENTIFIER_SECRET, PUBLIC_URL: required when OIDC_ISSUER is set');
  }
  if (r.data.RECORDS_URL && !(r.data.OIDC_ISSUER && r.data.RECORDS_TOKEN)) {
    throw new ConfigError('invalid environment:\n  RECORDS_URL: needs RECORDS_TOKEN, and OIDC_ISSUER (records are shown only to citizens verified through the city\'s identity provider)');
  }
  if (r.data.APPOINTMENTS_CONNECTOR === 'rest' && !(r.data.APPOINTMENTS_URL && r.data.APPOINTMENTS_TOKEN)) {
    throw new ConfigError('invalid environment:\n  APPOINTMENTS_URL, APPOINTMENTS_TOKEN: required when APPOINTMENTS_CONNECTOR=rest');
  }
  if (r.data.APPOINTMENTS_CONNECTOR !== 'rest' && (r.data.APPOINTMENTS_URL || r.data.APPOINTMENTS_TOKEN)) {
    throw new ConfigError('invalid environment:\n  APPOINTMENTS_URL, APPOINTMENTS_TOKEN: only with APPOINTMENTS_CONNECTOR=rest (the built-in store books now)');
  }
  if (Boolean(r.data.WEBHOOK_URL) !== Boolean(r.data.WEBHOOK_SECRET)) {
    throw new ConfigError('invalid environment:\n  WEBHOOK_URL, WEBHOOK_SECRET: set both or neither');
  }
  if (Boolean(r.data.VIDEO_JITSI_APP_ID) !== Boolean(r.data.VIDEO_JITSI_APP_SECRET) || (r.data.VIDEO_JITSI_APP_ID && !r.data.VIDEO_JITSI_URL)) {
    throw new ConfigError('invalid environment:\n  VIDEO_JITSI_APP_ID, VIDEO_JITSI_APP_SECRET: set both or neither, and only with VIDEO_JITSI_URL');
  }
  return Object.freeze({
    ...r.data, SQLITE_PATH: r.data.SQLITE_PATH ?? path.join(r.data.DATA_DIR, 'bot.sqlite'),
    METRICS_PORT: r.data.METRICS_PORT ?? (r.data.NODE_ENV === 'test' ? 0 : 9464),
  });
}
