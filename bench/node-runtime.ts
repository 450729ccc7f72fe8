import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Node.js runtime unpacked from the npm registry. */
export interface NodeRuntime {
  /** What was asked for, e.g. `22`. */
  spec: string;
  /** The `node` executable. */
  node: string;
  /** The folder holding `include/node` (the headers node-gyp compiles native addons against). */
  nodedir: string;
}

/** Thrown when the runtime could not be fetched: the registry, not the project, failed. */
export class RuntimeDownloadError extends Error {
  override name = 'RuntimeDownloadError';
}

/**
 * The Node binary for `spec` (a major such as `22`, or an exact version), from the npm registry's
 * `node-<platform>-<arch>` package: nodejs.org is not reachable from every build machine, the npm
 * registry is. Kept in `<cacheDir>/node-<spec>` and reused while it is there.
 */
export async function obtainNode(spec: string, cacheDir: string): Promise<NodeRuntime> {
  const dir = resolve(cacheDir, `node-${spec}`);
  const runtime = { spec, node: join(dir, 'package', 'bin', 'node'), nodedir: join(dir, 'package') };
  if (existsSync(runtime.node) && existsSync(join(runtime.nodedir, 'include', 'node'))) return runtime;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pkg = `node-${process.platform}-${process.arch}@${spec}`;
  try {
    await run('npm', ['pack', pkg, '--pack-destination', dir, '--loglevel=error'], { maxBuffer: 16 << 20 });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack wrote no tarball');
    // The binary and the headers; the changelog, docs and man page are not needed.
    await run('tar', ['-xzf', join(dir, tarball), '-C', dir, 'package/bin/node', 'package/include', 'package/package.json']);
    rmSync(join(dir, tarball));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new RuntimeDownloadError(`could not fetch ${pkg} from the npm registry: ${detail}`, { cause: err });
  }
  return runtime;
}

/** The npm CLI to run under another Node: the one running this script (npm_execpath), else the machine's global npm. */
export async function npmCli(): Promise<string> {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv?.endsWith('npm-cli.js') && existsSync(fromEnv)) return fromEnv;
  const { stdout } = await run('npm', ['root', '-g']);
  const cli = join(stdout.trim(), 'npm', 'bin', 'npm-cli.js');
  if (!existsSync(cli)) throw new Error(`npm-cli.js not found at ${cli}`);
  return cli;
}

/** PATH with `node`'s folder first, so lifecycle scripts (node-gyp, esbuild's install) run under that Node too. */
export function pathWith(node: string): string {
  return [dirname(node), process.env.PATH ?? ''].join(':');
}
