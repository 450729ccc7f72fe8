import { context, INVALID_SPAN_CONTEXT, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/**
 * What is traced, and how one trace goes from a channel to the reply across processes (issue 14 part 7):
 * `<channel> receive` when a channel hands a message over (queues/inbound.ts), `turn` when a worker runs
 * it (turns/turn-worker.ts), `<channel> send` for its replies (queues/outbound.ts), and `backoffice
 * submit` for the ticket it filed (queues/ticket-delivery.ts). Each hop through Redis carries the W3C
 * trace context (`traceparent`) in the job's data, written by {@link traceCarrier} and read by
 * {@link inSpan}'s `parent`.
 *
 * Without an SDK (OTEL_EXPORTER_OTLP_ENDPOINT unset, bot/tracing.ts) every call here returns at once:
 * no carrier is written and no span or context is made. (@opentelemetry/api's no-op tracer still makes
 * a span and a context per call: about 4 % of a worker's CPU on the turn path.)
 */

let tracing = false;

/** Called by bot/tracing.ts once an SDK is registered: from then on spans are made. */
export function tracingStarted(): void {
  tracing = true;
}

/** What `fn` gets while nothing is traced: a span that records nothing. */
const UNTRACED: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** The W3C trace context, as stored with a queued job: `{ traceparent, tracestate? }`. */
export type TraceCarrier = Record<string, string>;

/** The active trace context to store with a job; undefined when nothing is traced. */
export function traceCarrier(): TraceCarrier | undefined {
  if (!tracing) return undefined;
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The trace this span continues, from a job's data; otherwise the active one. */
  parent?: TraceCarrier | undefined;
}

/**
 * Runs `fn` inside a new active span (so spans and carriers made within are its children), ending it
 * when `fn` settles and marking it failed when `fn` throws. Attributes stay bounded like metric labels:
 * channel and service codes, never a citizen's words or ids.
 */
export function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!tracing) return fn(UNTRACED);
  const parent = options.parent ? propagation.extract(context.active(), options.parent) : context.active();
  return trace.getTracer('citizen-bot').startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {} }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? { name: err.name, message: (err as { code?: string }).code ?? err.name } : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as { code?: string }).code ?? (err as Error).name });
      throw err;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };
