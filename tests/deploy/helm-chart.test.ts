import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { helmBinary } from './support/helm';
import { known, requiredByDeployment, requiredBySchema } from './required-variables';

/*
 * The Helm chart (deploy/helm/citizen-bot) rendered by Helm itself (`helm lint --strict`, `helm
 * template`), then read by kubectl without a cluster. kubectl's schema validation needs the API server's
 * OpenAPI document (`kubectl apply --dry-run=client` asks the server for it): with no cluster here it checks
 * that every object decodes, and this test checks what the chart must say.
 */
const run = promisify(execFile);
const CHART = 'deploy/helm/citizen-bot';
const CREDENTIALS = ['--set', 'secretEnv.REDIS_URL=redis://redis:6379', '--set', 'secretEnv.DATABASE_URL=postgres://bot:pw@pg:5432/bot', '--set', 'secretEnv.MEDIA_URL_SECRET=0123456789abcdef0123'];

interface K8sObject { apiVersion: string; kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> }

let helm: string;
beforeAll(async () => {
  helm = await helmBinary();
}, 180_000);

async function render(...set: string[]): Promise<K8sObject[]> {
  const { stdout } = await run(helm, ['template', 'city', CHART, ...set], { maxBuffer: 16 << 20 });
  const docs = parseAllDocuments(stdout, { uniqueKeys: true });
  for (const d of docs) expect(d.errors.map(String)).toEqual([]);
  return docs.map((d) => d.toJS() as K8sObject).filter(Boolean);
}

const deployment = (objects: K8sObject[], role: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `city-citizen-bot-${role}`)!;

describe('the Helm chart', () => {
  it('passes helm lint --strict', async () => {
    const { stdout } = await run(helm, ['lint', '--strict', CHART, ...CREDENTIALS]);
    expect(stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders web and worker Deployments, their Services, the settings, the credentials and the media claim', async () => {
    const objects = await render(...CREDENTIALS);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/city-citizen-bot-env', 'Deployment/city-citizen-bot-web', 'Deployment/city-citizen-bot-worker',
      'PersistentVolumeClaim/city-citizen-bot-data', 'Secret/city-citizen-bot-credentials',
      'Service/city-citizen-bot-web', 'Service/city-citizen-bot-worker',
    ]);
  });

  it('every object decodes for kubectl (client side, no cluster)', async () => {
    const { stdout: rendered } = await run(helm, ['template', 'city', CHART, ...CREDENTIALS, '--set', 'serviceMonitor.enabled=true', '--set', 'ingress.enabled=true'], { maxBuffer: 16 << 20 });
    const kubectl = execFile('kubectl', ['label', '--local', '--dry-run=client', '-f', '-', 'checked=yes', '-o', 'name']);
    kubectl.stdin!.end(rendered);
    let out = '';
    kubectl.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise((r) => kubectl.on('close', r));
    expect(code).toBe(0);
    expect(out.trim().split('\n').sort()).toEqual([
      'configmap/city-citizen-bot-env', 'deployment.apps/city-citizen-bot-web', 'deployment.apps/city-citizen-bot-worker',
      'ingress.networking.k8s.io/city-citizen-bot', 'persistentvolumeclaim/city-citizen-bot-data', 'secret/city-citizen-bot-credentials',
      'service/city-citizen-bot-web', 'service/city-citizen-bot-worker', 'servicemonitor.monitoring.coreos.com/city-citizen-bot',
    ]);
  });

  it('names every variable the config requires, and only variables the bot reads', async () => {
    const objects = await render(...CREDENTIALS);
    const settings = Object.keys(objects.find((o) => o.kind === 'ConfigMap')!.data!);
    const credentials = Object.keys(objects.find((o) => o.kind === 'Secret')!.stringData!);
    for (const role of ['web', 'worker']) {
      const container = deployment(objects, role).spec.template.spec.containers[0];
      const own = (container.env as Array<{ name: string }>).map((e) => e.name);
      const named = [...settings, ...credentials, ...own];
      expect(named.filter((v) => !known.has(v)), role).toEqual([]);
      for (const v of [...requiredBySchema, ...Object.keys(requiredByDeployment)]) expect(named, `${role}: ${v}`).toContain(v);
      expect(container.env).toContainEqual({ name: 'ROLE', value: role });
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'city-citizen-bot-env' } }, { secretRef: { name: 'city-citizen-bot-credentials' } }]);
    }
    // Credentials only in the Secret.
    expect(settings.filter((v) => /URL$|SECRET|TOKEN|PASSWORD|KEY/.test(v) && v !== 'PUBLIC_URL')).toEqual([]);
  });

  it('probes the web role on /healthz and /readyz, and the worker on its metrics port', async () => {
    const objects = await render(...CREDENTIALS);
    const web = deployment(objects, 'web').spec.template.spec.containers[0];
    expect(web.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(web.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(web.startupProbe.httpGet.path).toBe('/readyz');
    const worker = deployment(objects, 'worker').spec.template.spec.containers[0];
    expect(worker.livenessProbe.httpGet).toEqual({ path: '/metrics', port: 'metrics' });
    expect(worker.readinessProbe).toBeUndefined();
  });

  it('runs both roles unprivileged and stops them inside the grace period', async () => {
    const objects = await render(...CREDENTIALS);
    const shutdownMs = Number(objects.find((o) => o.kind === 'ConfigMap')!.data!.SHUTDOWN_TIMEOUT_MS);
    for (const role of ['web', 'worker']) {
      const pod = deployment(objects, role).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      const preStop = Number(pod.containers[0].lifecycle.preStop.exec.command[1]);
      expect(pod.terminationGracePeriodSeconds * 1_000, role).toBeGreaterThan(shutdownMs + preStop * 1_000);
    }
  });

  it('renders the ServiceMonitor only when asked (its CRD may not be installed), scraping every pod\'s metrics port', async () => {
    expect((await render(...CREDENTIALS)).some((o) => o.kind === 'ServiceMonitor')).toBe(false);
    const objects = await render(...CREDENTIALS, '--set', 'serviceMonitor.enabled=true');
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor')!;
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    // Both Services carry the labels it selects and a port named metrics.
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      expect(service.metadata).toMatchObject({ labels: monitor.spec.selector.matchLabels });
      expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain('metrics');
    }
  });

  it('refuses to render without its credentials, or with Baileys on more than one web pod', async () => {
    await expect(render()).rejects.toThrow(/secretEnv.REDIS_URL/);
    await expect(render('--set', 'secretEnv.REDIS_URL=redis://r:6379', '--set', 'secretEnv.MEDIA_URL_SECRET=0123456789abcdef')).rejects.toThrow(/secretEnv.DATABASE_URL is required/);
    await expect(render(...CREDENTIALS, '--set', 'web.env.WHATSAPP_BAILEYS=1')).rejects.toThrow(/web.replicas: 1/);
    expect(deployment(await render(...CREDENTIALS, '--set', 'web.env.WHATSAPP_BAILEYS=1', '--set', 'web.replicas=1'), 'web').spec.replicas).toBe(1);
  });

  it('uses an existing Secret instead of its own when named', async () => {
    const objects = await render('--set', 'existingSecret=city-bot-credentials');
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    expect(deployment(objects, 'web').spec.template.spec.containers[0].envFrom[1]).toEqual({ secretRef: { name: 'city-bot-credentials' } });
  });
});
