// `npm run build`: compiles the server into dist/ for `node dist/bot/main.js`, and prebuilds the browser
// scripts it serves (dist/public/webchat.js, console.js), so a production process loads neither a TypeScript
// compiler nor a bundler. `tsx build.ts [outDir]` builds elsewhere (tests); the default is ./dist.
//
// One esbuild bundle per command (the bot, `npm run migrate`, `npm run audit:verify`, `npm run create-agent`), npm packages left as
// imports of node_modules. Code splitting keeps what app.ts imports only when configured (Baileys, LangChain)
// in chunks of its own, loaded on demand as under tsx. Every server file lands one folder below the output
// root (dist/bot/…, dist/console/…): bot/browser-bundle.ts finds the prebuilt scripts at ../public/, and
// bot/lua.ts the Redis Lua scripts at ../<folder>/lua/, copied to the same paths as in the sources.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleBrowserScript } from './bot/browser-bundle';
import { WIDGET_SCRIPT } from './channels/webchat/widget-assets';
import { CHARTS_SCRIPT, CONSOLE_SCRIPT } from './console/console-assets';

const ROOT = import.meta.dirname;
const OUT = resolve(process.argv[2] ?? join(ROOT, 'dist'));
const ENTRIES = ['bot/main.ts', 'bot/migrate-cli.ts', 'bot/audit-verify-cli.ts', 'console/create-agent-cli.ts'];
/** The server's source folders (as in tsconfig.json, without tests and bench). */
const SOURCES = ['bot', 'catalog', 'channels', 'dialogs', 'turns', 'handoff', 'console', 'connectors', 'queues'];

const started = performance.now();
// A clean folder: chunks are named by their hash, so an old build's would stay beside the new ones.
rmSync(OUT, { recursive: true, force: true });
await Promise.all([buildServer(), buildBrowserScripts(), copyLuaScripts()]);
const seconds = ((performance.now() - started) / 1_000).toFixed(1);
console.log(`built ${OUT} in ${seconds} s (${(sizeOf(OUT) / 1_048_576).toFixed(1)} MB)`);

async function buildServer(): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: OUT,
    outbase: ROOT,
    entryNames: '[dir]/[name]',
    chunkNames: 'bot/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    // Error classes name themselves after their class (AppError: `new.target.name`): keep names as written.
    keepNames: true,
    // For `node --enable-source-maps` (stack traces in the TypeScript); Node reads them only then.
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

async function buildBrowserScripts(): Promise<void> {
  const dir = join(OUT, 'public');
  await mkdir(dir, { recursive: true });
  await Promise.all([WIDGET_SCRIPT, CONSOLE_SCRIPT, CHARTS_SCRIPT].map(async (script) => writeFile(join(dir, `${script.name}.js`), await bundleBrowserScript(script))));
}

async function copyLuaScripts(): Promise<void> {
  const files = SOURCES.flatMap((folder) => filesUnder(join(ROOT, folder))).filter((file) => file.endsWith('.lua'));
  await Promise.all(files.map(async (file) => {
    const target = join(OUT, relative(ROOT, file));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file, target);
  }));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : stat.size;
}
