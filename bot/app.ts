import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Activity, TurnContext } from 'botbuilder';
import type { Redis } from 'ioredis';
import { createWebchatChannel } from '../channels/webchat';
import { createWhatsappCloudChannel, whatsappCloudEnabled } from '../channels/whatsapp-cloud';
import { createWidgetAssets } from '../channels/webchat/widget-assets';
import { BuiltinConnector } from '../connectors/builtin/builtin-connector';
import { countedConnector } from '../connectors/counted-connector';
import { loadCatalog } from '../catalog/load-catalog';
import { t, useSpanishVariant } from '../dialogs/i18n';
import type { RunningKnowledge } from '../dialogs/knowledge/create-knowledge';
import { localeOfTag } from '../dialogs/apology';
import { createIngest, createInboundQueue } from '../queues/inbound';
import { OutboundQueues, startOutboundWorkers } from '../queues/outbound';
import { ChannelRegistry } from './channel-registry';
import type { Clock } from './clock';
import type { Config } from './config';
import { TicketRejectedError } from './errors';
import { createHttpApp, finishHttpApp } from './http-app';
import { createLogger, type Logger } from './logger';
import { RetentionJob } from '../privacy/retention-job';
import { DataCopies } from '../privacy/data-copy';
import { Erasures } from '../privacy/erasure';
import { erasureOutcomeTeller } from '../privacy/erasure-outcome';
import { createErasureRoutes } from '../console/erasure-routes';
import { createRepresentationRoutes } from '../console/representation-routes';
import { createAppointmentRoutes } from '../console/appointment-routes';
import { representationTeller } from './representation-teller';
import { RepresentationStore } from './sql/representation-store';
import { verifiedCitizen } from './verified-citizen';
import { channelIdentityOf, oidcSignInFromConfig } from './identity/oidc-from-config';
import { recordsFromConfig, verifiedIdentitiesFromConfig } from './records-from-config';
import { appointmentsFromConfig } from './appointments-from-config';
import type { AppointmentsPort } from '../dialogs/appointments-port';
import { MediaStore } from './media-store';
import { LinkAttemptLimits } from './link-attempt-limits';
import { createPhoneLinks } from './phone-links';
import { Metrics } from './metrics';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { startTracing } from './tracing';
import { connectRedis, ensureRedis, redisTargetOf } from './redis';
import { openDatabase } from './sql/database';
import { HistoryStore } from './sql/history-store';
import { CorrectionsStore } from './sql/corrections-store';
import { CorrectionFeed } from '../console/correction-feed';
import { TranscriptOutbox } from '../queues/transcript-outbox';
import type { MakeBaileysSocket } from '../channels/whatsapp-baileys/baileys-socket';
import { AgentStore } from '../console/agent-store';
import { createConsoleAuth } from '../console/auth';
import { createConsoleApi } from '../console/console-api';
import { createFileRoutes } from '../console/file-routes';
import { createAuditRoutes } from '../console/audit-routes';
import { createDataCopyRoutes } from '../console/data-copy-routes';
import { AuditLog } from './sql/audit-log';
import { createVideoRoutes } from '../console/video-routes';
import { videoCallsFor } from '../handoff/video-calls-for';
import { createConsoleAssets } from '../console/console-assets';
import { createSearchRoutes } from '../console/search-routes';
import { SearchStore } from './sql/search-store';
import { createHistoryRoutes } from '../console/history-routes';
import { createStatsRoutes } from '../console/stats-routes';
import { StatsStore } from './sql/stats-store';
import { ClosedHistory } from './sql/closed-history';
import { firstResponseTargetOf } from '../handoff/response-target';
import { createCannedRoutes } from '../console/canned-routes';
import { createDeskRoutes } from '../console/desk-routes';
import { CannedStore } from './sql/canned-store';
import { CONSOLE_WS_PATH, ConsoleSocket } from '../console/console-socket';
import { DIRECTLINE_UPGRADE_PREFIX } from '../channels/webchat/directline-socket';
import { refuseUnservedUpgrades } from './upgrades';
import { ConsoleBus } from '../handoff/console-bus';
import { HandoffService } from '../handoff/handoff-service';
import { HandoffStore } from '../handoff/handoff-store';
import { HandoffTimers } from '../handoff/handoff-timers';
import { Presence } from '../handoff/presence';
import { OfficeHours } from '../handoff/office-hours';
import { TeamQueues } from '../handoff/team-queues';
import { backOfficesFor } from '../connectors/back-offices';
import { Open311Questions } from '../connectors/open311/service-questions';
import { DeliveryStore } from '../connectors/delivery-store';
import { createWebhookStatusRouter } from '../connectors/webhook/status-receiver';
import { CitizenNotices } from '../queues/citizen-notices';
import { deliveringConnector, TicketDelivery } from '../queues/ticket-delivery';
import { MediaUrlSigner } from './media-url-signer';
import type { Worker } from 'bullmq';

/** A proof opened from the console is a link for that moment: a minute is enough to load it. */
const PROOF_LINK_TTL_S = 60;

export interface App {
  /** Base URL of the HTTP server (web role only). */
  url?: string;
  /** Base URL of this process's metrics server (`GET /metrics`, every role: METRICS_PORT). */
  metricsUrl: string;
  server?: Server;
  redis: Redis;
  log: Logger;
  /** Graceful shutdown: stop channels, finish in-flight jobs, close Redis and the database. Safe to call twice. */
  stop(): Promise<void>;
}

/** Seams for tests: replacements for what would reach a real platform. */
export interface AppHooks {
  /** Opens the WhatsApp (Baileys) socket instead of Baileys' `makeWASocket`. */
  makeWhatsAppSocket?: MakeBaileysSocket;
  /** "Now" for what decides by the date (office hours, the age of WhatsApp messages): tests pin it. */
  clock?: Clock;
}

/**
 * The composition root: wires config, Redis, SQL, queues, the dialog engine and the channels for the
 * roles this process plays (`web`: HTTP + channels; `worker`: turns + deliveries; `all`: both).
 */
export async function startApp(config: Config, log: Logger = createLogger(config.LOG_LEVEL), hooks: AppHooks = {}): Promise<App> {
  // First, so that everything after is traced (nothing is loaded unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  const tracing = await startTracing(config, log);
  const catalog = loadCatalog(config.CATALOG);
  // The city's Spanish (tú or vos) for every sentence this process says, in every role.
  useSpanishVariant(catalog.city.spanishVariant ?? 'es-ES');
  const { child: redisChild } = await ensureRedis(config, log);
  const redisTarget = redisTargetOf(config);
  // `redis` carries our own commands (auto-pipelined); BullMQ gets connections of its own.
  const redis = connectRedis(redisTarget, `citybot-${config.ROLE}`, log, true);
  const bullConnection = connectRedis(redisTarget, `citybot-${config.ROLE}-bull`, log);
  const workerConnection = connectRedis(redisTarget, `citybot-${config.ROLE}-worker`, log);
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, sqlitePath: config.SQLITE_PATH, schema: config.DATABASE_SCHEMA });
  const history = new HistoryStore(db);
  // Who opened which citizen's data (issue 15 part 4): every console route that shows it records here first.
  const audit = new AuditLog(db, hooks.clock ? { clock: hooks.clock } : {});
  const metrics = new Metrics();
  const prefix = config.REDIS_PREFIX;
  const inbound = createInboundQueue(redis, prefix, bullConnection, log);
  const outbound = new OutboundQueues(redis, prefix, { bullConnection, log: log.child({ module: 'queues/outbound' }) });
  const ingest = createIngest(inbound);
  const channels = new ChannelRegistry();
  let server: Server | undefined;
  let url: string | undefined;

  // The web role listens first, so that with PORT=0 (tests) the public URL names the real port.
  if (config.ROLE !== 'worker') {
    // Until the app is wired (classifier training, widget build), requests get a quick 503, never a hang.
    server = createServer((_req, res) => void res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json', 'x-content-type-options': 'nosniff' }).end('{"status":"starting"}'));
    server.listen(config.PORT, config.HOST);
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const publicUrl = config.PUBLIC_URL ?? url ?? `http://localhost:${config.PORT}`;
  const mediaSecret = await MediaUrlSigner.sharedSecret(redis, prefix, config.MEDIA_URL_SECRET);
  const media = new MediaStore(path.resolve(config.MEDIA_DIR ?? path.join(config.DATA_DIR, 'uploads')), publicUrl, { secret: mediaSecret });
  const signer = media.signer;
  const webchat = createWebchatChannel({ redis, config, log: log.child({ module: 'channels/webchat' }), publicUrl, media, metrics });
  channels.add(webchat.adapter);
  // Created in every role: a worker's outbound deliveries need its send, which needs only config, Redis and SQL.
  const whatsappCloud = whatsappCloudEnabled(config)
    ? createWhatsappCloudChannel({
        config, redis, db, media, log: log.child({ module: 'channels/whatsapp-cloud' }), receives: config.ROLE !== 'worker',
        listButton: (locale) => t(localeOfTag(locale) ?? catalog.city.defaultLocale, 'choice.listButton'),
        ...(hooks.clock ? { clock: hooks.clock } : {}),
      })
    : undefined;
  if (whatsappCloud) channels.add(whatsappCloud.adapter);
  // Baileys holds the one socket of the council's number, so it never runs in a worker-only process, and
  // `send` works only where it runs (README: WhatsApp through Baileys). Loaded only when on: it is large.
  if (config.WHATSAPP_BAILEYS && config.ROLE !== 'worker') {
    const { createWhatsAppBaileysChannel } = await import('../channels/whatsapp-baileys');
    channels.add(createWhatsAppBaileysChannel({
      redis, prefix, media, log: log.child({ module: 'channels/whatsapp-baileys' }),
      pairingNumber: config.WHATSAPP_BAILEYS_PAIRING_NUMBER,
      baileysLogLevel: config.WHATSAPP_BAILEYS_LOG_LEVEL,
      ...(hooks.makeWhatsAppSocket ? { makeSocket: hooks.makeWhatsAppSocket } : {}),
    }));
  }

  // Telegram: created in every role (a worker's deliveries need its send: token + Redis); receives
  // (long polling, or the webhook mounted below) only where the web role runs. Telegraf loads only when on.
  const telegram = config.TELEGRAM_BOT_TOKEN
    ? (await import('../channels/telegram')).createTelegramChannel({
        token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, receive: config.ROLE !== 'worker', perSecond: config.TELEGRAM_RATE_LIMIT,
        ...(config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET ? { webhook: { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET } } : {}),
        redis, prefix, media, log: log.child({ module: 'channels/telegram' }),
        })
    : undefined;
  if (telegram) channels.add(telegram.adapter);

  // Handoff to people: every role changes handoffs (workers when the bot hands off or a clock fires,
  // web processes when an agent acts), so every role has the service.
  const agents = new AgentStore(db);
  const handoffStore = new HandoffStore(db);
  const teamQueues = new TeamQueues(bullConnection, prefix, log.child({ module: 'handoff' }));
  const timers = new HandoffTimers(bullConnection, prefix, log.child({ module: 'handoff' }));
  const presence = new Presence(redis, prefix);
  const bus = new ConsoleBus(redis, prefix);
  const handoff = new HandoffService({
    store: handoffStore, queues: teamQueues, timers, presence, bus, redis, prefix, catalog, outbound, history, ingest, channels, agents,
    log: log.child({ module: 'handoff' }), metrics,
    // Photos in the console: signed for a working day (an open console fetches its views again as it goes).
    mediaUrl: (url) => media.signedUrl(url, 12 * 3_600),
    ...(hooks.clock ? { clock: hooks.clock } : {}),
    onEnded: (h) => videoCalls.endedWith(h),
  });
  // Video calls with agents (issue 15 part 2): started in the console, ended with their conversation in any role.
  const videoCalls = videoCallsFor(config, { store: handoffStore, notices: handoff.notices, bus, redis, prefix, log: log.child({ module: 'handoff/video' }) });
  // Tickets: filed in SQL at once (the citizen's reference), then delivered by queued jobs to the
  // city's back office (Open311, webhook) where the catalog or TICKET_CONNECTOR says so.
  const backOffices = backOfficesFor(config, catalog);
  const builtin = new BuiltinConnector(db, catalog, undefined, backOffices.routeOf);
  const deliveries = new DeliveryStore(db);
  const notices = new CitizenNotices({ outbound, history, log: log.child({ module: 'queues/citizen-notices' }) });
  // Citizens' erasure requests (issue 15 part 4): asked for in the bot, decided by admins in the console.
  const erasures = new Erasures({
    db, redis, prefix, mediaDir: media.dir, audit, flushTranscripts: () => transcriptOutbox.flush(), tell: erasureOutcomeTeller(outbound),
    log: log.child({ module: 'privacy' }), ...(hooks.clock ? { clock: hooks.clock } : {}),
  });
  // Turns append their transcript lines to Redis in their commit; this moves them to SQL in batches.
  // Once in SQL, the consoles that list the bot's live conversations re-read them (no polling).
  const transcriptOutbox = new TranscriptOutbox(redis, prefix, history, log.child({ module: 'queues/transcript-outbox' }), {
    onRecorded: () => bus.publish({ team: handoff.botConversationsTeam }, { type: 'live' }),
  });
  // Signing in with the city's OpenID Connect provider (issue 16 part 2): links made in turns, pages served by
  // web processes; a verified citizen is told so on the chat they signed in from.
  const verifiedIdentities = verifiedIdentitiesFromConfig(config, db);
  const oidcSignIn = oidcSignInFromConfig(config, {
    publicUrl, redis, prefix, history, outbound, beforeMerge: () => transcriptOutbox.flush(), defaultLocale: catalog.city.defaultLocale, verifications: verifiedIdentities,
    log: log.child({ module: 'identity' }), ...(hooks.clock ? { clock: hooks.clock } : {}),
  });
  const delivery = new TicketDelivery(bullConnection, prefix, {
    store: deliveries, builtin, backOffices: backOffices.offices, notices, catalog,
    mediaUrl: (url) => signer.sign(url, config.MEDIA_URL_TTL_SECONDS),
    onRejected: async (ticket) => void (await notices.sendAboutTicket(ticket, t(ticket.locale, 'ticket.reviewing', { reference: ticket.reference }))),
    retry: { baseMs: config.TICKET_RETRY_BASE_MS, maxMs: config.TICKET_RETRY_MAX_MS },
    attemptSpanMs: 2 * config.BACK_OFFICE_TIMEOUT_MS,
    log: log.child({ module: 'queues/ticket-delivery' }), metrics,
  });
  const connector = countedConnector(deliveringConnector(builtin, delivery), metrics);
  // Who may act for whom (issue 16 part 4): asked for and used in turns, reviewed in the console.
  const representations = new RepresentationStore(db, hooks.clock ? { clock: hooks.clock } : {});
  // Agents' corrections of service and type (console, web role) reach every classifier (worker role).
  const corrections = new CorrectionsStore(db);
  const correctionFeed = new CorrectionFeed({ redis, prefix, store: corrections, catalog, log: log.child({ module: 'console' }) });
  const ticketsConnection = config.ROLE !== 'web' ? connectRedis(redisTarget, `citybot-${config.ROLE}-tickets`, log) : undefined;
  let timersWorker: Worker | undefined;
  let open311Questions: Open311Questions | undefined;
  let knowledge: RunningKnowledge | undefined;
  /** Undoes installLlmSafety at stop (its limiter uses this app's Redis connection). */
  let uninstallLlmSafety: (() => void) | undefined;
  const timersConnection = config.ROLE !== 'web' ? connectRedis(redisTarget, `citybot-${config.ROLE}-timers`, log) : undefined;
  const retentionConnection = config.ROLE !== 'web' ? connectRedis(redisTarget, `citybot-${config.ROLE}-retention`, log) : undefined;
  let retention: RetentionJob | undefined;
  // Appointments at the city's offices (issue 16 part 1): the built-in store or the city's own system (APPOINTMENTS_CONNECTOR).
  const appointmentSystem = await appointmentsFromConfig(config, catalog.appointments, db, hooks.clock ?? Date.now);
  // The appointment reminders' BullMQ worker blocks on a connection of its own (worker roles, built-in store).
  const remindersConnection = config.ROLE !== 'web' && appointmentSystem?.builtin ? connectRedis(redisTarget, `citybot-${config.ROLE}-reminders`, log) : undefined;
  let reminders: { close(): Promise<void> } | undefined;

  if (config.ROLE !== 'web') {
    // Loaded only where turns run (bot/turn-role.ts says why).
    const {
      createLearningClassifier, createCitizenBot, createKnowledge, createUnderstanding, apologyFor, CITIZEN_ID, citizenIdOf, HOLD,
      installLlmSafety, RedisCallLimiter, withCitizen, startTurnWorker, QueueAdapter, RedisStorage, CitizenDirectory, appointmentCalendarFile, AppointmentReminders, speechToTextFromConfig,
    } = await import('./turn-role');
    const { classifier, live } = await createLearningClassifier(config, catalog, log.child({ module: 'dialogs/classify' }), metrics);
    // Agents' corrections are in the model before the first turn, and retrained in the background
    // whenever an agent corrects (turns go on meanwhile with the previous model).
    await correctionFeed.follow(live);
    const storage = new RedisStorage(redis, { prefix: `${prefix}:state:` });
    const citizens = new CitizenDirectory(redis, prefix, history);
    const phones = createPhoneLinks({ channels, outbound, history, transcriptOutbox, citizens, limits: new LinkAttemptLimits(redis, prefix, hooks.clock) });
    const preferences = { setStatusUpdates: (citizenId: string, on: boolean) => deliveries.setWantsUpdates(citizenId, on) };
    // Open311 services may have questions of their own (attributes), asked during intake.
    const open311Codes = catalog.services.filter((x) => backOffices.routeOf(x.code) === 'open311').map((x) => x.connector.code);
    open311Questions = backOffices.open311 ? new Open311Questions(backOffices.open311, open311Codes, log.child({ module: 'connectors/open311' })) : undefined;
    await open311Questions?.start();
    const serviceQuestions = async (service: string) => {
      const entry = catalog.services.find((x) => x.code === service);
      return entry && open311Questions && backOffices.routeOf(service) === 'open311' ? open311Questions.for(entry.connector.code) : [];
    };
    knowledge = await createKnowledge(config, catalog, log.child({ module: 'dialogs/knowledge' }));
    // Places, street directory, geocoder and model extraction for intake (issue 13 part 4).
    const understanding = await createUnderstanding(config, catalog, log.child({ module: 'dialogs/understand' }));
    // Model calls count per citizen in Redis (LLM_CALLS_PER_HOUR), across every worker.
    uninstallLlmSafety = installLlmSafety({ limiter: new RedisCallLimiter(redis, prefix, { limit: config.LLM_CALLS_PER_HOUR, ...(hooks.clock ? { now: hooks.clock } : {}) }), log: log.child({ module: 'dialogs/llm-safety' }) });
    // Citizens' copies of their own data (GDPR art. 15), sent as files on their channel.
    const citizenData = new DataCopies({ db, media, flushTranscripts: () => transcriptOutbox.flush(), ...(hooks.clock ? { clock: hooks.clock } : {}) });
    // Appointments, with their calendar files.
    const clock = hooks.clock ?? Date.now;
    const calendarFile = catalog.appointments ? appointmentCalendarFile(catalog.appointments, media, new URL(publicUrl).host, clock) : undefined;
    const appointments: AppointmentsPort | undefined = appointmentSystem && calendarFile ? { connector: appointmentSystem.connector, clock, calendarFile } : undefined;
    // Voice notes transcribed by an OpenAI-compatible speech-to-text server (STT_BASE_URL), when one is configured.
    const speech = speechToTextFromConfig(config, media);
    // The citizen's own records in the city's systems (issue 16 part 3), for verified citizens (RECORDS_URL).
    const records = recordsFromConfig(config, { verified: verifiedIdentities, audit, signIn: oidcSignIn, defaultLocale: catalog.city.defaultLocale });
    const engine = createCitizenBot({
      ...(speech ? { speech } : {}),
      catalog, classifier, connector, storage, handoff, preferences, serviceQuestions, understanding, citizenData, erasure: erasures, log: log.child({ module: 'dialogs' }),
      ...(phones ? { phones } : {}), ...(knowledge ? { knowledge: knowledge.port } : {}), ...(appointments ? { appointments } : {}), ...(records ? { records } : {}),
      ...(oidcSignIn ? { identity: {
        linkMinutes: Math.round(config.OIDC_LINK_TTL_SECONDS / 60),
        signInLink: (ctx: TurnContext) => oidcSignIn.startSignIn(channelIdentityOf(ctx, catalog.city.defaultLocale)), verified: verifiedCitizen(history),
      } } : {}),
      representations,
    });
    // Every model call of a turn (classifier, extraction, knowledge answer) is on that citizen's allowance.
    // Only with a model: the citizen scope is an AsyncLocalStorage, which in Node 20 hooks every promise
    // of the process (~3 % of a worker's CPU) — paid for nothing when no model call can be made.
    const bot = config.LLM_PROVIDER ? { run: (ctx: Parameters<typeof engine.run>[0]) => withCitizen(citizenIdOf(ctx), () => engine.run(ctx)) } : engine;
    // The engine is the turn's one error boundary (dialogs/citizen-bot `run`); what it lets through is
    // retryable and goes back to the queue.
    const adapter = new QueueAdapter();
    const concurrency = config.WORKER_CONCURRENCY;
    startTurnWorker({
      inbound, outbound, connection: workerConnection, adapter, channels, bot, storage, citizens, transcript: transcriptOutbox,
      citizenKey: CITIZEN_ID, holdKey: HOLD, apology: (a: Partial<Activity>) => apologyFor(a, catalog), metrics, log, concurrency,
    });
    transcriptOutbox.start();
    // Holds and team queues live in Redis; after a Redis restart without persistence they come back from SQL.
    await handoff.rebuild();
    const requeued = await delivery.requeuePending();
    if (requeued > 0) log.info({ tickets: requeued }, 'ticket deliveries queued again after a start');
    await delivery.work(ticketsConnection!, { concurrency: 32, pollSeconds: config.TICKET_POLL_SECONDS });
    timersWorker = await timers.work(timersConnection!, { expire: (id, at) => handoff.expire(id, at), sweep: () => handoff.sweep() }, log.child({ module: 'handoff' }));
    // The city's retention periods, applied every night (catalog privacy.retention).
    retention = new RetentionJob(bullConnection, prefix, log.child({ module: 'privacy' }));
    await retention.start(retentionConnection!, { db, mediaDir: media.dir, policy: catalog.privacy.retention, timezone: catalog.city.timezone, ...(hooks.clock ? { clock: hooks.clock } : {}) });
    // Appointment reminders the day before, with the calendar file (issue 16 part 1); a city's own system sends its own.
    if (appointmentSystem?.builtin && catalog.appointments && remindersConnection) {
      const job = new AppointmentReminders(bullConnection, prefix, { store: appointmentSystem.builtin, plan: catalog.appointments, outbound, ...(calendarFile ? { calendarFile } : {}), clock, log: log.child({ module: 'queues/appointment-reminders' }) });
      await job.start(remindersConnection);
      reminders = job;
    }
  }
  // Worker processes deliver for every channel they can send through; the process that receives for a
  // channel whose sends need its own connection (Baileys) delivers for that channel, whatever its role.
  const serve = channels.all().filter((c) => (c.sendsFromReceiverOnly ? config.ROLE !== 'worker' : config.ROLE !== 'web'));
  startOutboundWorkers({
    outbound, channels, serve, connection: () => workerConnection, redis, prefix, metrics, log, concurrency: config.WORKER_CONCURRENCY,
  });

  // Channels start before the HTTP app replaces the "starting" answer: a ready /readyz means messages are taken.
  for (const channel of channels.all()) await channel.start(ingest);

  let consoleSocket: ConsoleSocket | undefined;
  if (server) {
    const teams = catalog.teams.map((x) => ({ code: x.code, name: x.names.es, firstResponseTargetSeconds: firstResponseTargetOf(x) }));
    const canned = new CannedStore(db, catalog.handoff.canned);
    const auth = createConsoleAuth({
      db, redis, prefix, log: log.child({ module: 'console' }), publicUrl, teams,
      extras: async () => ({
        canned: catalog.handoff.canned.map((c) => ({ code: c.code, title: c.title, texts: c.texts })),
        services: catalog.services.map((x) => ({ code: x.code, name: x.names.es })),
        appointments: appointmentSystem?.builtin !== undefined,
      }),
    });
    consoleSocket = new ConsoleSocket({
      redis, bus, accounts: auth.accounts, service: handoff, presence, sessionForUpgrade: auth.sessionForUpgrade, agentOfSession: auth.agentOfSession,
      log: log.child({ module: 'console' }), metrics,
    });
    const app = createHttpApp({
      redis, metrics, log, channels, trustProxy: config.TRUST_PROXY,
      pingDatabase: () => history.ping(),
    });
    app.use(webchat.router);
    if (whatsappCloud) app.use(whatsappCloud.router);
    if (telegram) app.use(telegram.router);
    app.use(await createWidgetAssets({ title: catalog.city.name, publicUrl }));
    app.use(auth.router);
    if (oidcSignIn) app.use(oidcSignIn.router());
    app.use(createVideoRoutes({
      calls: videoCalls,
      handoffOf: (id) => handoff.require(id), ttlMinutes: config.VIDEO_CALL_TTL_MINUTES, requireAgent: auth.requireAgent, log: log.child({ module: 'console' }),
    }));
    // Before the console API: its router would check the session of a search request once more on the way.
    app.use(createSearchRoutes({ search: new SearchStore(db), handoffs: handoff, catalog, audit, requireAgent: auth.requireAgent, log: log.child({ module: 'console' }) }));
    app.use(createHistoryRoutes({ history: new ClosedHistory(db), catalog, requireAgent: auth.requireAgent, log: log.child({ module: 'console' }) }));
    app.use(createFileRoutes({ service: handoff, media, requireAgent: auth.requireAgent, log: log.child({ module: 'console' }) }));
    app.use(createCannedRoutes({ canned, catalog, requireAgent: auth.requireAgent, requireRole: auth.requireRole, log: log.child({ module: 'console' }) }));
    app.use(createDeskRoutes({
      store: handoffStore, service: handoff, history, catalog, requireAgent: auth.requireAgent, requireRole: auth.requireRole, log: log.child({ module: 'console' }),
      ...(hooks.clock ? { clock: hooks.clock } : {}),
    }));
    app.use(createAuditRoutes({ audit, requireAgent: auth.requireAgent, requireRole: auth.requireRole, log: log.child({ module: 'console' }) }));
    app.use(createStatsRoutes({
      stats: new StatsStore(db), timezone: catalog.city.timezone, requireAgent: auth.requireAgent, requireRole: auth.requireRole, log: log.child({ module: 'console' }),
      ...(hooks.clock ? { clock: hooks.clock } : {}),
    }));
    app.use(createErasureRoutes({ erasures, requireAgent: auth.requireAgent, requireRole: auth.requireRole, log: log.child({ module: 'console' }) }));
    // The office desks' day of appointments (issue 16 part 1), kept by the built-in store (a city's own system has its own desk).
    if (appointmentSystem?.builtin && catalog.appointments) {
      app.use(createAppointmentRoutes({
        store: appointmentSystem.builtin, plan: catalog.appointments,
        requireAgent: auth.requireAgent, clock: hooks.clock ?? Date.now, log: log.child({ module: 'console' }),
      }));
    }
    // Requests to act for someone else (issue 16 part 4), reviewed by supervisors; proofs open through signed links.
    app.use(createRepresentationRoutes({
      store: representations, audit, signedUrl: (url) => signer.sign(url, PROOF_LINK_TTL_S),
      tell: representationTeller(outbound), requireAgent: auth.requireAgent, requireRole: auth.requireRole, log: log.child({ module: 'console' }),
    }));
    app.use(createDataCopyRoutes({
      db, audit, flushTranscripts: () => transcriptOutbox.flush(), requireAgent: auth.requireAgent, requireRole: auth.requireRole, log: log.child({ module: 'console' }),
      ...(hooks.clock ? { clock: hooks.clock } : {}),
    }));
    app.use(createConsoleApi({
      service: handoff, store: handoffStore, queues: teamQueues, presence, agents, history, transcriptOutbox, connector, deliveries, delivery, catalog,
      corrections: { store: corrections, announce: () => correctionFeed.announce() },
      audit,
      requireAgent: auth.requireAgent, requireRole: auth.requireRole, log: log.child({ module: 'console' }),
    }));
    app.use(await createConsoleAssets({ title: catalog.city.name, publicUrl }));
    if (config.WEBHOOK_SECRET) {
      app.use(createWebhookStatusRouter({
        secret: config.WEBHOOK_SECRET, redis, prefix: `${prefix}:webhook-seen`, log: log.child({ module: 'connectors/webhook' }),
        onStatus: async (update) => {
          const ticket = update.id ? await deliveries.byExternalId('webhook', update.id) : await deliveries.byReference(update.reference!.toUpperCase());
          if (!ticket) throw new TicketRejectedError(`no ticket ${update.id ?? update.reference}`);
          await delivery.statusChanged(ticket, update.status, update.note);
        },
      }));
    }
    finishHttpApp(app, log);
    server.removeAllListeners('request');
    server.on('request', app);
    webchat.attach(server);
    await consoleSocket.attach(server);
    refuseUnservedUpgrades(server, (p) => p.startsWith(DIRECTLINE_UPGRADE_PREFIX) || p === CONSOLE_WS_PATH);
    log.info({ url, role: config.ROLE }, 'listening');
  }

  const officeHours = new Map(catalog.teams.map((x) => [x.code, new OfficeHours(x, catalog.city.timezone)]));
  // Every role, on its own port. Gauges of shared state (queues, teams, agents, the review list) read the
  // same in every process: dashboards take their max, not their sum.
  const metricsServer: MetricsServer = await startMetricsServer({
    metrics, port: config.METRICS_PORT, host: config.HOST, log: log.child({ module: 'bot/metrics' }),
    beforeScrape: [
      () => { for (const c of channels.all()) metrics.channelUp.set({ channel: c.id }, c.health?.().ok === false ? 0 : 1); },
      async () => {
        for (const q of [inbound.queue, ...outbound.all().map((o) => o.queue)]) {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
          for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ queue: q.name, state }, n);
        }
      },
      async () => { for (const team of catalog.teams) metrics.handoffsWaiting.set({ team: team.code }, await teamQueues.depth(team.code)); },
      async () => {
        const online = new Map(catalog.teams.map((x) => [x.code, 0]));
        for (const id of await presence.online()) {
          const agent = await agents.byId(id);
          for (const team of agent && !agent.disabled ? agent.teams : []) if (online.has(team)) online.set(team, online.get(team)! + 1);
        }
        for (const [team, n] of online) metrics.agentsOnline.set({ team }, n);
      },
      () => {
        const now = new Date((hooks.clock ?? Date.now)());
        for (const [team, hours] of officeHours) metrics.teamOpen.set({ team }, hours.isOpen(now) ? 1 : 0);
      },
      async () => void metrics.reviewTickets.set(await deliveries.countRejected()),
    ],
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await metricsServer.close();
      // No new connections; requests in flight get until the sockets close below to finish.
      server?.close();
      server?.closeIdleConnections();
      for (const channel of channels.all()) await channel.stop();
      await consoleSocket?.close();
      await webchat.close();
      server?.closeAllConnections();
      await timersWorker?.close();
      await retention?.close();
      await retentionConnection?.quit();
      await reminders?.close();
      await remindersConnection?.quit();
      open311Questions?.stop();
      knowledge?.close();
      correctionFeed.close();
      await delivery.close();
      await ticketsConnection?.quit();
      await timers.close();
      await teamQueues.close();
      await timersConnection?.quit();
      await inbound.close();
      await transcriptOutbox.close();
      await outbound.close();
      await workerConnection.quit();
      await bullConnection.quit();
      uninstallLlmSafety?.();
      await redis.quit();
      await db.close();
      redisChild?.kill();
      await tracing?.shutdown();
    })());
  return { url, metricsUrl: metricsServer.url, server, redis, log, stop };
}

