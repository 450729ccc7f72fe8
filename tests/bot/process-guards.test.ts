import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/redis';

interface LogLine { level: number; msg: string; event?: string; port?: number; err?: { message?: string } }

/** The guarded server of tests/support/process-guards-child.ts, with its JSON log lines as they arrive. */
class Child {
  readonly lines: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;

  constructor(env: Record<string, string> = {}) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', 'tests/support/process-guards-child.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    this.proc.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const line of complete) if (line.trim()) this.lines.push(JSON.parse(line) as LogLine);
    });
    this.proc.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async url(): Promise<string> {
    await eventually(() => this.lines.some((l) => l.port !== undefined), 20_000, 'the child to listen');
    return `http://127.0.0.1:${this.lines.find((l) => l.port !== undefined)!.port}`;
  }

  kill(): void {
    if (this.running) this.proc.kill('SIGKILL');
  }
}

const children: Child[] = [];
const start = (env?: Record<string, string>) => {
  const c = new Child(env);
  children.push(c);
  return c;
};
afterEach(() => children.splice(0).forEach((c) => c.kill()));

describe('process guards', () => {
  it('log an unhandled rejection at error level with what failed, and the process keeps answering', async () => {
    const child = start();
    const url = await child.url();
    expect(await (await fetch(`${url}/reject`)).text()).toBe('alive');
    await eventually(() => child.lines.some((l) => l.event === 'unhandledRejection'), 10_000, 'the rejection to be logged');
    const line = child.lines.find((l) => l.event === 'unhandledRejection')!;
    expect(line.level).toBe(50);
    expect(line.err?.message).toBe('rejected on purpose');
    expect(await (await fetch(url)).text()).toBe('alive');
    expect(child.running).toBe(true);
  });

  it('log an uncaught exception at fatal level, shut down cleanly, and exit with code 1 for the supervisor', async () => {
    const child = start();
    const url = await child.url();
    await fetch(`${url}/throw`);
    expect(await child.exited).toBe(1);
    const fatal = child.lines.find((l) => l.event === 'uncaughtException');
    expect(fatal?.level).toBe(60);
    expect(fatal?.err?.message).toBe('thrown on purpose');
    // The clean shutdown ran before the exit.
    expect(child.lines.map((l) => l.msg)).toContain('stopped accepting');
    expect(child.lines.findIndex((l) => l.msg === 'stopped accepting')).toBeGreaterThan(child.lines.indexOf(fatal!));
  });

  it('without them, Node ends the process at the first unhandled rejection (what the policy changes)', async () => {
    const child = start({ GUARDS: 'off' });
    const url = await child.url();
    await fetch(`${url}/reject`).catch(() => undefined);
    expect(await child.exited).toBe(1);
    expect(child.stderr).toContain('rejected on purpose');
  });
});
