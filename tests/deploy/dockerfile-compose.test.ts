import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { argvOf, copyOf, envOf, parseDockerfile } from '../../bench/dockerfile';
import { known, requiredByDeployment, requiredBySchema } from './required-variables';

/*
 * No container runtime on our machines (issue 14 part 6): the image is built and started outside one by
 * bench/image-smoke.ts in CI; here, what the files say. The compose file as Compose reads it (YAML with
 * merge keys), the Dockerfile with bench/dockerfile.ts.
 */

const dockerfile = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
const build = dockerfile.stages.find((s) => s.name === 'build')!;
const runtime = dockerfile.stages.at(-1)!;
const runs = (stage: typeof build) => stage.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage from the same Node image', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(build.from).toBe(runtime.from);
    expect(runtime.from).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim$/);
    expect(Number(dockerfile.args.NODE_VERSION)).toBeGreaterThanOrEqual(22);
  });

  it('builds native modules, dist/ and production dependencies in the build stage', () => {
    expect(runs(build).join('\n')).toMatch(/python3 make g\+\+/);
    expect(runs(build).filter((r) => r.startsWith('npm '))).toEqual(['npm ci --no-audit --no-fund', 'npm run build', 'npm prune --omit=dev --no-audit --no-fund']);
  });

  it('runs as the unprivileged node user, with only what the build stage made and a HEALTHCHECK in node', () => {
    const ops = runtime.instructions.map((i) => i.op);
    expect(runtime.instructions.filter((i) => i.op === 'USER').map((i) => i.args)).toEqual(['node']);
    // Nothing runs as root after USER, and no compiler or package install in the runtime stage.
    expect(ops.indexOf('USER')).toBeGreaterThan(ops.lastIndexOf('RUN'));
    expect(runs(runtime).join('\n')).not.toMatch(/apt-get|npm (ci|install)|g\+\+/);
    const copies = runtime.instructions.filter((i) => i.op === 'COPY').map((i) => copyOf(i.args));
    expect(copies.every((c) => c.from === 'build')).toBe(true);
    expect(copies.map((c) => c.dest)).toEqual(expect.arrayContaining(['./node_modules', './dist', './config', './package.json']));
    const health = runtime.instructions.find((i) => i.op === 'HEALTHCHECK')!.args;
    expect(argvOf(health.slice(health.indexOf('CMD ') + 4))).toEqual(['node', 'deploy/healthcheck.mjs']);
    expect(argvOf(runtime.instructions.find((i) => i.op === 'CMD')!.args)).toEqual(['node', 'dist/bot/main.js']);
    expect(runtime.instructions.find((i) => i.op === 'STOPSIGNAL')?.args).toBe('SIGTERM');
  });

  it('sets only variables the bot reads', () => {
    const env = Object.assign({}, ...runtime.instructions.filter((i) => i.op === 'ENV').map((i) => envOf(i.args))) as Record<string, string>;
    expect(Object.keys(env).filter((v) => !known.has(v))).toEqual([]);
    expect(env.NODE_ENV).toBe('production');
  });

  it('leaves data, installs and secrets out of the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['.git', 'node_modules', 'dist', 'data', '.env']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml', () => {
  const [doc] = parseAllDocuments(readFileSync('compose.yaml', 'utf8'), { merge: true, uniqueKeys: true });
  expect(doc!.errors).toEqual([]);
  const compose = doc!.toJS({ maxAliasCount: 100 }) as { services: Record<string, { image?: string; build?: string; environment?: Record<string, string>; command?: string[]; volumes?: string[]; stop_grace_period?: string }> };
  const { services } = compose;

  it('runs the web and worker roles from the one image, with Redis and PostgreSQL', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'redis', 'web', 'worker']);
    expect(services.web!.environment!.ROLE).toBe('web');
    expect(services.worker!.environment!.ROLE).toBe('worker');
    expect(services.web!.image).toBe(services.worker!.image);
    expect(services.web!.build).toBe('.');
  });

  it('names every variable the config requires for separate processes, and only variables the bot reads', () => {
    for (const role of ['web', 'worker']) {
      const env = services[role]!.environment!;
      expect(Object.keys(env).filter((v) => !known.has(v)), role).toEqual([]);
      for (const v of [...requiredBySchema, ...Object.keys(requiredByDeployment)]) expect(env, `${role}: ${v}`).toHaveProperty(v);
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
    }
  });

  it('keeps Redis\'s data (append-only file and snapshots) and never lets it evict a key', () => {
    const redis = services.redis!;
    expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(redis.volumes).toEqual(['redis:/data']);
    expect(services.postgres!.volumes).toEqual(['postgres:/var/lib/postgresql/data']);
  });

  it('gives the bot longer to stop than its own deadline', () => {
    for (const role of ['web', 'worker']) {
      const grace = Number(/^(\d+)s$/.exec(services[role]!.stop_grace_period ?? '')?.[1]) * 1_000;
      expect(grace, role).toBeGreaterThan(Number(services[role]!.environment!.SHUTDOWN_TIMEOUT_MS));
    }
  });
});
