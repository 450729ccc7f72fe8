import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { PROCEDURE_TYPES } from '../../../catalog/schema';
import { loadCatalog } from '../../../catalog/load-catalog';
import { startOpenAiStub, type StubHandler } from '../../support/openai-stub-server';

const CLI = ['tsx', 'dialogs/classify/cli.ts'];
const codes = loadCatalog('config/catalog.yaml').services.map((s) => s.code);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run classify` does, feeding `input` on stdin; env is added to a clean base. */
function runCli(input: string, env: Record<string, string> = {}, args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', [...CLI, ...args], {
      cwd: process.cwd(),
      // Only what the CLI needs: no LLM_* variables leak in from the developer's shell.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const INPUT = 'la farola de mi calle no funciona\n\nhay un bache enorme en la calzada\n   \nthe bins have not been emptied for a week\n';

function expectThreeClassifications(run: Run): void {
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(3); // blank input lines are skipped
  for (const line of lines) {
    const r = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(r).sort()).toEqual(['confidence', 'locale', 'service', 'type']);
    expect(codes).toContain(r.service);
    expect(PROCEDURE_TYPES).toContain(r.type);
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(Math.round((r.confidence as number) * 1000) / 1000).toBe(r.confidence); // 3 decimals at most
    expect(['es', 'ca', 'en']).toContain(r.locale);
  }
}

/** A stub server closed when the test ends; per test, so the tests can run concurrently. */
async function stubFor(ctx: TestContext, handler: StubHandler) {
  const stub = await startOpenAiStub(handler);
  // The context's hook, not the global one: these tests run concurrently.
  ctx.onTestFinished(() => stub.close());
  return stub;
}

// Each test spawns a process that trains the offline model (seconds): run them side by side.
describe.concurrent('npm run classify', { timeout: 60_000 }, () => {
  it('prints one JSON classification per non-empty stdin line and exits 0', async () => {
    const run = await runCli(INPUT);
    expectThreeClassifications(run);
    expect(JSON.parse(run.stdout.split('\n')[0] ?? '')).toMatchObject({ service: 'alumbrado', locale: 'es' });
  });

  it('still prints valid lines with an OpenAI-compatible LLM configured', async (ctx) => {
    const stub = await stubFor(ctx, () => ({
      json: { service: codes[0], type: 'consulta', confidence: 0.87654, alternatives: [] },
    }));
    const run = await runCli(INPUT, { LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseURL, LLM_MODEL: 'test', LLM_MODE: 'llm' });
    expectThreeClassifications(run);
    expect(stub.requests).toHaveLength(3);
    expect(JSON.parse(run.stdout.split('\n')[0] ?? '')).toEqual({ service: codes[0], type: 'consulta', confidence: 0.877, locale: 'es' });
  });

  it('keeps stdout clean and still answers when the LLM fails', async (ctx) => {
    const stub = await stubFor(ctx, () => ({ status: 503 }));
    const run = await runCli(INPUT, { LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseURL, LLM_MODEL: 'test', LLM_MODE: 'llm' });
    expectThreeClassifications(run);
    expect(run.stderr).toContain('LLM classification failed'); // the warnings went to stderr
  });

  it('exits 1 with a readable message on a configuration error', async () => {
    const run = await runCli('hola\n', { LLM_PROVIDER: 'openai' }); // LLM_MODEL missing
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/configuration error[\s\S]*LLM_MODEL/);
  });
});

describe('classify CLI --history', () => {
  const word = 'zorblatex';
  const history = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-history-'));
    const file = join(dir, 'tickets.csv');
    const lines = Array.from({ length: 30 }, (_, i) => `"el ${word} ${i} roto otra vez",mascotas,reclamo`);
    writeFileSync(file, ['text,service,type', ...lines, '"algo",bomberos,', ',agua,'].join('\r\n'));
    return file;
  };

  it('trains on the history file too, printing only JSON lines on stdout and the skipped rows on stderr', async () => {
    const run = await runCli(`hay un ${word} roto\nla farola de mi calle no funciona\n`, {}, ['--history', history()]);
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { service: string });
    expect(out.map((o) => o.service)).toEqual(['mascotas', 'alumbrado']);
    expect(run.stderr).toMatch(/"skippedUnknownService":1/);
    expect(run.stderr).toMatch(/"skippedEmptyText":1/);
  });

  it('stops with the file and line when the history is not valid CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-history-'));
    const file = join(dir, 'broken.csv');
    writeFileSync(file, 'text,service\nbien,calles\n"sin cerrar,calles\n');
    const run = await runCli('hola\n', {}, ['--history', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/broken\.csv, line \d+: Quote Not Closed/);
  });
});
