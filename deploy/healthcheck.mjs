// The image's HEALTHCHECK (no curl in node:*-slim): exit 0 when this container's bot answers.
// A web or all-in-one process answers GET /healthz on PORT; a worker has no web port, and answers on its
// metrics port (METRICS_PORT). Plain JavaScript beside dist/, so it needs no build.
const role = process.env.ROLE ?? 'all';
const url = role === 'worker'
  ? `http://127.0.0.1:${process.env.METRICS_PORT ?? '9464'}/metrics`
  : `http://127.0.0.1:${process.env.PORT ?? '3978'}/healthz`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
