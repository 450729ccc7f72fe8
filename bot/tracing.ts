import type { Config } from './config';
import { tracingStarted } from './trace-context';
import type { Logger } from './logger';

/** A started OpenTelemetry SDK: flushes and stops at shutdown. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans go by OTLP/HTTP (JSON) to
 * `<endpoint>/v1/traces`, with W3C trace context. The SDK is imported only then: a process that does
 * not trace loads nothing of it (the spans in the code call @opentelemetry/api, which does nothing
 * until an SDK registers). The SDK reads the other standard variables itself (OTEL_SERVICE_NAME,
 * OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_SCHEDULE_DELAY, OTEL_TRACES_SAMPLER…). Call it before anything else
 * starts, so the first message is traced too. See bot/trace-context.ts for what is traced.
 */
export async function startTracing(config: Config, log: Logger): Promise<Tracing | undefined> {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const [{ NodeSDK }, { OTLPTraceExporter }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  const sdk = new NodeSDK({
    serviceName: `citizen-bot-${config.ROLE}`,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
    // Spans are made by hand where a message goes (bot/trace-context.ts); no auto-instrumentation to load.
    instrumentations: [],
    // Traces only: no metrics (Prometheus has them, bot/metrics.ts) and no logs (pino has them).
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  tracingStarted();
  log.info({ endpoint }, 'OpenTelemetry tracing on');
  return {
    shutdown: () => sdk.shutdown().catch((err: unknown) => log.warn({ err }, 'OpenTelemetry shutdown failed')),
  };
}
