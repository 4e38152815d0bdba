// docker-compose.yml and the Dockerfile, checked without a Docker engine: the compose file is
// parsed as YAML and its services, images, commands and environment are held against the names
// the config code reads (and its validation); the Dockerfile against what compose and the charts
// run. (`docker-compose config -q` is a manual check where the binary exists: docs/deploy.md.)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HubConfigSchema, WorkerConfigSchema } from '@msa/common';
import { HUB_SETTINGS, loadHubConfig } from '@msa/hub-dispatcher';
import { WORKER_SETTINGS, loadWorkerConfig } from '@msa/spoke-worker';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixtureContent, sampleTlsFiles } from './support/tls-fixture.js';

const tls = await sampleTlsFiles();

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

function service(name: string): ComposeService {
  const s = compose.services[name];
  if (s === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

/** Compose's `${NAME:-default}` interpolation with an empty shell environment (defaults only). */
function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+(?::-([^}]*))?\}/g, (_m, def: string | undefined) => def ?? '');
}

/**
 * The process environment a service's container gets: interpolated values, with every file
 * under the mounted /config moved into a scratch directory holding a dummy file.
 */
function containerEnv(s: ComposeService): Record<string, string> {
  const scratch = mkdtempSync(join(tmpdir(), 'compose-env-'));
  const env: Record<string, string> = {};
  for (const [name, raw] of Object.entries(s.environment ?? {})) {
    let value = interpolate(raw);
    if (value.startsWith('/config/')) {
      const local = join(scratch, value);
      mkdirSync(dirname(local), { recursive: true });
      writeFileSync(local, fixtureContent(local, tls));
      value = local;
    }
    env[name] = value;
  }
  return env;
}

function requiredWithoutDefault(schema: {
  required?: string[];
  properties: Record<string, { default?: unknown }>;
}): string[] {
  return (schema.required ?? []).filter((k) => schema.properties[k]?.default === undefined);
}

describe('docker-compose.yml', () => {
  it('runs Redis with noeviction, the hub and one worker from one image', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['hub', 'redis', 'worker']);
    const redis = service('redis').command ?? [];
    expect(redis[redis.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    const hub = service('hub');
    const worker = service('worker');
    expect(hub.build?.context).toBe('.');
    expect(hub.image).toBeDefined();
    expect(worker.image).toBe(hub.image);
    expect(hub.command?.[0]).toBe('msa-hub');
    expect(worker.command?.[0]).toBe('msa-worker');
    expect(worker.depends_on?.hub?.condition).toBe('service_healthy');
    expect(hub.depends_on?.redis?.condition).toBe('service_healthy');
  });

  it('gives the hub only settings it reads, all it requires, and a config it accepts', () => {
    const env = containerEnv(service('hub'));
    const known = new Set(HUB_SETTINGS.flatMap((s) => s.env));
    expect(Object.keys(env).filter((n) => !known.has(n))).toEqual([]);
    const schema = HubConfigSchema as unknown as Parameters<typeof requiredWithoutDefault>[0];
    for (const key of requiredWithoutDefault(schema)) {
      const setting = HUB_SETTINGS.find((s) => s.key === key);
      expect(
        setting?.env.some((n) => n in env),
        `setting ${key}`,
      ).toBe(true);
    }
    const loaded = loadHubConfig({ argv: [], env });
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    // Empty ops login by default: the dashboard is off rather than half configured.
    expect(loaded.ok && loaded.config.opsUsername).toBeUndefined();
    expect(loaded.ok && new URL(loaded.config.redisUrl).hostname).toBe('redis');
  });

  it('gives the worker only settings it reads, all it requires, and points it at the hub service', () => {
    const env = containerEnv(service('worker'));
    const known = new Set(WORKER_SETTINGS.flatMap((s) => [...s.env]));
    expect(Object.keys(env).filter((n) => !known.has(n))).toEqual([]);
    const schema = WorkerConfigSchema as unknown as Parameters<typeof requiredWithoutDefault>[0];
    for (const key of requiredWithoutDefault(schema)) {
      const setting = WORKER_SETTINGS.find((s) => s.key === key);
      expect(
        setting?.env.some((n) => n in env),
        `setting ${key}`,
      ).toBe(true);
    }
    const loaded = loadWorkerConfig([], env);
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    if (!loaded.ok) return;
    expect(loaded.config.clusterName).toBe('cluster1');
    const hubUrl = new URL(loaded.config.hubUrl);
    expect(hubUrl.hostname).toBe('hub');
    expect(hubUrl.port).toBe(service('hub').environment?.MSA_HUB_LISTEN_PORT);
    expect(new URL(loaded.config.redisUrl).hostname).toBe('redis');
  });

  it('runs the product containers unprivileged with read-only mounts', () => {
    for (const name of ['hub', 'worker']) {
      const s = service(name);
      expect(s.read_only, name).toBe(true);
      expect(s.cap_drop, name).toEqual(['ALL']);
      expect(Number(s.user?.split(':')[0]), name).toBeGreaterThan(0);
      expect(
        s.volumes?.every((v) => v.endsWith(':ro')),
        name,
      ).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  it('builds on node:20-slim in stages: npm ci, build, prune dev dependencies', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
    expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\} AS \w+$/gm)).toHaveLength(2);
    const ci = dockerfile.indexOf('npm ci');
    const build = dockerfile.indexOf('npm run build');
    const prune = dockerfile.indexOf('npm prune --omit=dev');
    expect(ci).toBeGreaterThan(0);
    expect(build).toBeGreaterThan(ci);
    expect(prune).toBeGreaterThan(build);
  });

  it('installs every command compose and the charts run, and ends as a numeric non-root user', () => {
    for (const bin of ['msa-hub', 'msa-worker']) {
      expect(dockerfile).toContain(`/usr/local/bin/${bin}`);
    }
    const users = [...dockerfile.matchAll(/^USER (\d+)(?::(\d+))?$/gm)];
    expect(users.length).toBeGreaterThan(0);
    expect(Number(users.at(-1)?.[1])).toBeGreaterThan(0);
    // The charts' pod securityContext runs as this same uid.
    for (const chart of ['managed-serviceaccount-hub', 'managed-serviceaccount-worker']) {
      const deployment = readFileSync(join(ROOT, 'helm', chart, 'templates/deployment.yaml'), 'utf8');
      expect(deployment, chart).toContain(`runAsUser: ${users.at(-1)?.[1]}`);
    }
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) =>
      (m[1] ?? '').trim().split(/\s+/).slice(0, -1),
    );
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'packages/']));
    for (const src of sources) {
      expect(existsSync(join(ROOT, src)), src).toBe(true);
      const top = src.replace(/\/$/, '').split('/')[0] ?? '';
      expect(ignored.includes(top) || ignored.includes(src.replace(/\/$/, '')), src).toBe(false);
    }
    // Build outputs and installed modules from the developer's tree never enter the image.
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']));
  });

  it('entrypoints run the compiled CLIs that exist in the packages', () => {
    for (const [pkg, bin] of [
      ['hub-dispatcher', 'msa-hub'],
      ['spoke-worker', 'msa-worker'],
    ] as const) {
      const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
        bin?: Record<string, string>;
      };
      const target = manifest.bin?.[bin]?.replace(/^\.\//, '');
      expect(target, bin).toBeDefined();
      expect(dockerfile).toContain(`exec node /app/packages/${pkg}/${target ?? ''}`);
    }
  });
});
