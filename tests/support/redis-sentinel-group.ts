import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A TCP port nobody listens on right now, on 127.0.0.1, below Linux's ephemeral range (32768+): a port
 * from that range can meanwhile become the local end of an outgoing connection (a replica's link to its
 * master, a sentinel's to a server), and a server started on it then fails to bind.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((done) => {
      const s = createServer().once('error', () => done(false)).listen(port, '127.0.0.1', () => s.close(() => done(true)));
    });
    if (free) return port;
  }
}

/** One master, two replicas and three sentinels (quorum 2), all on 127.0.0.1, in a temporary folder. */
export interface SentinelGroup {
  name: string;
  /** The servers' ports; the first is the master at start. */
  serverPorts: number[];
  sentinelPorts: number[];
  /** REDIS_SENTINELS for the bot. */
  sentinelList: string;
  /** The master's port as the sentinels name it now. */
  masterPort(): Promise<number>;
  /** Kills the server on `port` with SIGKILL (a crash: nothing is flushed, nobody is told). */
  crash(port: number): void;
  /** Stops (SIGSTOP) or resumes (SIGCONT) the server on `port`: a frozen server keeps its sockets open and answers nothing. */
  freeze(port: number, frozen: boolean): void;
  /** Kills every process (SIGKILL) and removes the folder. Safe to call twice. */
  stop(): void;
}

/**
 * Starts the group and resolves once the replicas are in sync and every sentinel knows the master, both
 * replicas and the two other sentinels. Failover settings are short (the master is "down" after 1 s of
 * silence) so a test sees a failover in a few seconds. No persistence: the replicas are the only copies.
 */
export async function startSentinelGroup(name = 'mymaster'): Promise<SentinelGroup> {
  // A port taken between freePort and the server's bind makes that server exit: start again on others.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(name);
    } catch (err) {
      if (!(err instanceof ExitedError) || attempt === 3) throw err;
    }
  }
}

class ExitedError extends Error {}

async function startOnce(name: string): Promise<SentinelGroup> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-group-'));
  const servers = new Map<number, ChildProcess>();
  const sentinels: ChildProcess[] = [];
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    for (const p of [...servers.values(), ...sentinels]) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const serverPorts = [await freePort(), await freePort(), await freePort()];
    const sentinelPorts = [await freePort(), await freePort(), await freePort()];
    const master = serverPorts[0]!;
    for (const port of serverPorts) {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
        '--dbfilename', `dump-${port}.rdb`, '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'];
      if (port !== master) args.push('--replicaof', '127.0.0.1', String(master));
      servers.set(port, spawn('redis-server', args, { stdio: 'ignore' }));
    }
    for (const port of sentinelPorts) {
      const conf = join(dir, `sentinel-${port}.conf`);
      writeFileSync(conf, [
        `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${master} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'));
      // `redis-sentinel` is `redis-server --sentinel`; some packages ship only the latter.
      const hasSentinelBinary = spawnSync('redis-sentinel', ['--version'], { stdio: 'ignore' }).status === 0;
      sentinels.push(hasSentinelBinary ? spawn('redis-sentinel', [conf], { stdio: 'ignore' }) : spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    }
    const group: SentinelGroup = {
      name, serverPorts, sentinelPorts,
      sentinelList: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
      masterPort: async () => Number((await askSentinel(sentinelPorts, ['get-master-addr-by-name', name]) as string[])[1]),
      crash: (port) => void servers.get(port)?.kill('SIGKILL'),
      freeze: (port, frozen) => void servers.get(port)?.kill(frozen ? 'SIGSTOP' : 'SIGCONT'),
      stop,
    };
    let seen = '';
    await until(async () => {
      const exited = [...servers.values(), ...sentinels].find((p) => p.exitCode !== null);
      if (exited) throw new ExitedError(`${exited.spawnargs.join(' ')} exited with code ${exited.exitCode}`);
      const states: string[] = [];
      for (const port of sentinelPorts) {
        const info = fields(await askOne(port, ['master', name]).catch(() => []) as string[]);
        states.push(`sentinel ${port}: ${info['num-slaves'] ?? '?'} replicas, ${info['num-other-sentinels'] ?? '?'} other sentinels`);
      }
      for (const port of serverPorts.slice(1)) states.push(`replica ${port}: ${/master_link_status:(\w+)/.exec(await infoOf(port))?.[1] ?? 'no answer'}`);
      seen = states.join('; ');
      return states.every((s) => / 2 replicas, 2 other sentinels$|: up$/.test(s));
    }, 45_000, () => `the sentinel group to form (last seen: ${seen})`);
    return group;
  } catch (err) {
    stop();
    throw err;
  }
}

/** `SENTINEL <args>` to the first sentinel that answers. */
async function askSentinel(ports: number[], args: string[]): Promise<unknown> {
  let last: unknown;
  for (const port of ports) {
    try {
      return await askOne(port, args);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

async function askOne(port: number, args: string[]): Promise<unknown> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await r.call('SENTINEL', ...args);
  } finally {
    r.disconnect();
  }
}

async function infoOf(port: number): Promise<string> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await r.info('replication');
  } catch {
    return '';
  } finally {
    r.disconnect();
  }
}

/** A flat `[k1, v1, k2, v2, …]` reply as an object. */
function fields(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch((err: unknown) => { if (err instanceof ExitedError) throw err; return false; })) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
