// `npm run bench`: provisions N ManagedServiceAccounts over M clusters through the real pipeline
// (kube-sim or given clusters, Redis, msa-hub and one msa-worker per spoke, each a process),
// times apply → TokenReported=True per MSA with a watch, counts the hub API server's writes per
// token, and runs a no-op BullMQ job load of the same size on the same Redis as the ceiling.
// A script that prints figures, never a test. Progress goes to stderr, results to stdout.
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  API_GROUP,
  DEFAULT_AGENT_NAMESPACE,
  LABEL_MANAGED_SA,
  LABEL_MANAGED_SA_VALUE,
  MSA_KIND,
  MSA_PLURAL,
  MSA_STORAGE_VERSION,
  SECRET_CA_KEY,
  SECRET_TOKEN_KEY,
} from '@msa/common';
import { kubeRequest, type ClusterAccess } from '../scripts/lib/kube.js';
import type { ProcessGroup } from '../scripts/lib/processes.js';
import { startStack, type Stack } from '../scripts/lib/stack.js';
import { BENCH_USAGE, parseBenchArgs, spokeNames, type BenchArgs } from './lib/bench-args.js';
import { runBullmqBaseline, type BaselineResult } from './lib/bullmq-baseline.js';
import {
  classifyHubWrites,
  classifySpokeCalls,
  readCounters,
  resetCounters,
  type HubWriteBreakdown,
  type SpokeCalls,
} from './lib/hub-writes.js';
import { metricDelta, readHubMetrics, type MetricSamples } from './lib/hub-metrics.js';
import { watchTokenReported } from './lib/msa-watch.js';
import { cpuDelta, loadAverage1, machineCpuMs, snapshotCpu, type CpuSnapshot } from './lib/process-cpu.js';
import { mapLimit, summarize, type LatencySummary } from './lib/stats.js';
import { reconcileJobTimes } from './lib/worker-log.js';

/** Label on every MSA of one run (selector of the watch, the check and the clean-up). */
const RUN_LABEL = 'msa-bench.io/run';
const MSA_COLLECTION = `/apis/${API_GROUP}/${MSA_STORAGE_VERSION}/${MSA_PLURAL}`;
const msaPath = (ns: string): string =>
  `/apis/${API_GROUP}/${MSA_STORAGE_VERSION}/namespaces/${ns}/${MSA_PLURAL}`;
/** How long the hub's write count must stay still before the write window closes. */
const QUIET_MS = 3000;
const QUIET_MAX_MS = 20_000;

const progress = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

interface PlannedMsa {
  namespace: string;
  name: string;
  key: string;
}

interface Report {
  settings: {
    msas: number;
    clusters: string[];
    workerConcurrency: number;
    createParallelism: number;
    hub: 'kube-sim' | 'kubeconfig';
    spokes: Record<string, 'kube-sim' | 'kubeconfig'>;
    redis: 'private redis-server' | 'given';
  };
  machine: { nproc: number; node: string; platform: string };
  stackStartMs: number;
  createPhaseMs: number;
  /** First create sent → last TokenReported=True seen. */
  pipelineMs: number;
  tokensPerSecond: number;
  latency: LatencySummary;
  /**
   * The latency split with the workers' job log: create sent → job started (hub watch, plan,
   * enqueue, queue wait), job started → finished (SA, TokenRequest, report, hub writes), job
   * finished → TokenReported seen here (status watch delivery). Null when the logs had no entries.
   */
  phases: {
    toJobStart: LatencySummary;
    jobRun: LatencySummary;
    toWatchEvent: LatencySummary;
    matched: number;
    /** Reconcile job starts in the worker logs (one per MSA expected). */
    reconcileJobStarts: number;
  } | null;
  watch: { restarts: number; seenByRelist: number };
  hubWrites: (HubWriteBreakdown & { perToken: Record<string, number> }) | null;
  /** Events about this run's MSAs on the hub, by reason (what the event writes were). */
  eventsByReason: Record<string, number>;
  /** One message per event reason, as an example. */
  eventExamples: Record<string, string>;
  /** Hub `/metrics` counters that moved during the run (enqueues by kind, reports, status writes). */
  hubMetrics: MetricSamples | null;
  spokeCalls: (SpokeCalls & { tokenRequestsPerMsa: number }) | null;
  baseline: BaselineResult & { pipelineToCeiling: number };
  /** CPU ms per process from the first create to the last report, and as % of one core. */
  cpu: { wallMs: number; ms: CpuSnapshot; percentOfOneCore: Record<string, number> };
  /** The whole machine in the same window: other work running on it skews every figure. */
  machineLoad: {
    busyPercentOfAllCores: number;
    othersCpuMs: number;
    loadAverage1Start: number;
    loadAverage1End: number;
  };
  verification: { secretsChecked: number; missing: string[]; incomplete: string[] };
}

let stack: Stack | undefined;
/** The stack's processes while it is still starting (stack undefined). */
let startingGroup: ProcessGroup | undefined;
const created: PlannedMsa[] = [];
let external = false;
let cleaning: Promise<void> | undefined;
let stopWatch: (() => void) | undefined;

/** Deletes the run's MSAs on given clusters (a kube-sim dies with its data), then stops everything. */
async function cleanUp(): Promise<void> {
  stopWatch?.();
  const s = stack;
  if (s === undefined) return;
  if (external && created.length > 0) {
    progress(`deleting ${created.length} MSAs of this run from the given hub`);
    await mapLimit(created, 16, (m) =>
      kubeRequest(s.hub, 'DELETE', `${msaPath(m.namespace)}/${m.name}`).catch(() => undefined),
    );
    await waitForSpokeCleanup(s, 30_000);
  }
  progress('stopping every process (Redis included when started here)');
  await s.stop();
}

/** On given spokes, waits (bounded) until the workers have deleted the run's ServiceAccounts. */
async function waitForSpokeCleanup(s: Stack, timeoutMs: number): Promise<void> {
  const names = new Set(created.map((m) => m.name));
  const deadline = Date.now() + timeoutMs;
  for (const [name, spoke] of Object.entries(s.spokes)) {
    if (s.simulated.has(name)) continue;
    for (;;) {
      const res = await kubeRequest(
        spoke,
        'GET',
        `/api/v1/namespaces/${DEFAULT_AGENT_NAMESPACE}/serviceaccounts?labelSelector=${encodeURIComponent(`${LABEL_MANAGED_SA}=${LABEL_MANAGED_SA_VALUE}`)}`,
      ).catch(() => undefined);
      const items = (res?.body as { items?: { metadata?: { name?: string } }[] } | undefined)?.items ?? [];
      const left = items.filter((i) => names.has(i.metadata?.name ?? '')).length;
      if (left === 0) break;
      if (Date.now() > deadline) {
        progress(`warning: ${left} ServiceAccounts of this run still on ${name}; delete them by hand`);
        break;
      }
      // A short poll: the deletion is asynchronous and has no object left to watch on the hub.
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  progress(`${signal}: cleaning up`);
  interrupted = true;
  const force = setTimeout(() => process.exit(130), 45_000);
  force.unref();
  // Still starting: stop what exists; startStack then fails and main() returns.
  if (stack === undefined) {
    progress('stopping every process started so far');
    void (startingGroup?.stopAll(3000) ?? Promise.resolve()).finally(() => process.exit(130));
    return;
  }
  cleaning ??= cleanUp();
  void cleaning.finally(() => process.exit(130));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

async function createAll(
  hub: ClusterAccess,
  plan: readonly PlannedMsa[],
  runId: string,
  args: BenchArgs,
  sentAt: Map<string, number>,
): Promise<void> {
  await mapLimit(plan, args.createParallelism, async (m) => {
    const body = {
      apiVersion: `${API_GROUP}/${MSA_STORAGE_VERSION}`,
      kind: MSA_KIND,
      metadata: { name: m.name, namespace: m.namespace, labels: { [RUN_LABEL]: runId } },
      spec: { rotation: {} },
    };
    sentAt.set(m.key, performance.now());
    const res = await kubeRequest(hub, 'POST', msaPath(m.namespace), body);
    if (res.status !== 201) throw new Error(`create ${m.key}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    created.push(m);
  });
}

/** True when the cluster is a kube-sim that answers `/__sim/counters` to this kubeconfig's user. */
async function hasCounters(cluster: ClusterAccess): Promise<boolean> {
  const res = await kubeRequest(cluster, 'GET', '/__sim/counters?method=NONE').catch(() => undefined);
  return res?.status === 200 && typeof (res.body as { count?: unknown } | undefined)?.count === 'number';
}

/** Waits until the hub's writes (leases and TokenReviews aside) stop changing: the pipeline is idle. */
async function waitForQuietHub(hub: ClusterAccess): Promise<void> {
  const start = Date.now();
  let last = -1;
  let stillSince = Date.now();
  for (;;) {
    const writes = classifyHubWrites(await readCounters(hub), 0);
    const n = writes.total - writes.leases - writes.tokenReviews;
    if (n !== last) {
      last = n;
      stillSince = Date.now();
    } else if (Date.now() - stillSince >= QUIET_MS) return;
    if (Date.now() - start > QUIET_MAX_MS) {
      progress(`warning: the hub kept writing ${QUIET_MAX_MS} ms after the last report`);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Hub Events whose object is one of this run's MSAs, counted by reason. */
async function countEvents(
  hub: ClusterAccess,
  plan: readonly PlannedMsa[],
): Promise<{ byReason: Record<string, number>; examples: Record<string, string> }> {
  const ours = new Set(plan.map((m) => m.key));
  const out: Record<string, number> = {};
  const examples: Record<string, string> = {};
  for (const ns of new Set(plan.map((m) => m.namespace))) {
    const res = await kubeRequest(hub, 'GET', `/api/v1/namespaces/${ns}/events`);
    if (res.status !== 200) throw new Error(`list events in ${ns}: HTTP ${res.status}`);
    const items =
      (res.body as { items?: { reason?: string; message?: string; involvedObject?: { name?: string } }[] })
        .items ?? [];
    for (const e of items) {
      if (!ours.has(`${ns}/${e.involvedObject?.name ?? ''}`)) continue;
      const reason = e.reason ?? '(none)';
      out[reason] = (out[reason] ?? 0) + 1;
      examples[reason] ??= e.message ?? '';
    }
  }
  return { byReason: out, examples };
}

async function verifySecrets(
  hub: ClusterAccess,
  plan: readonly PlannedMsa[],
): Promise<Report['verification']> {
  const byNs = new Map<string, Map<string, Record<string, string>>>();
  for (const ns of new Set(plan.map((m) => m.namespace))) {
    const sel = encodeURIComponent(`${LABEL_MANAGED_SA}=${LABEL_MANAGED_SA_VALUE}`);
    const res = await kubeRequest(hub, 'GET', `/api/v1/namespaces/${ns}/secrets?labelSelector=${sel}`);
    if (res.status !== 200) throw new Error(`list secrets in ${ns}: HTTP ${res.status}`);
    const items =
      (res.body as { items?: { metadata?: { name?: string }; data?: Record<string, string> }[] }).items ?? [];
    byNs.set(ns, new Map(items.map((s) => [s.metadata?.name ?? '', s.data ?? {}])));
  }
  const missing: string[] = [];
  const incomplete: string[] = [];
  for (const m of plan) {
    const data = byNs.get(m.namespace)?.get(m.name);
    if (data === undefined) missing.push(m.key);
    // Presence only: the token itself is never read into a figure or a log.
    else if (!data[SECRET_TOKEN_KEY] || !data[SECRET_CA_KEY]) incomplete.push(m.key);
  }
  return { secretsChecked: plan.length, missing, incomplete };
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    const parsed = parseBenchArgs(process.argv.slice(2), process.env);
    if (parsed === 'help') {
      process.stdout.write(`${BENCH_USAGE}\n`);
      return 0;
    }
    args = parsed;
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const spokes = spokeNames(args);
  const runId = `r${Date.now().toString(36)}`;
  const dir = args.dir ?? mkdtempSync(join(tmpdir(), 'msa-bench-'));
  progress(
    `${args.msas} MSAs over ${spokes.length} clusters, worker concurrency ${args.concurrency}; logs in ${dir}/logs`,
  );

  const stackStart = performance.now();
  stack = await startStack({
    dir,
    spokes,
    redisUrl: args.redisUrl,
    workerConcurrency: args.concurrency,
    kubeconfigs: { hub: args.hubKubeconfig, spokes: args.spokeKubeconfigs },
    log: progress,
    onProcessGroup: (g) => {
      startingGroup = g;
    },
  });
  const stackStartMs = performance.now() - stackStart;
  if (interrupted) {
    cleaning ??= cleanUp();
    await cleaning;
    return 130;
  }
  const s = stack;
  external = !s.simulated.has('hub');
  // Counters come from kube-sim's admin route, also when a kube-sim is given by kubeconfig.
  const hubSimulated = await hasCounters(s.hub);
  const spokeCounters = await Promise.all(
    Object.values(s.spokes).map(async (c) => ((await hasCounters(c)) ? [c] : [])),
  );
  const simSpokes = spokeCounters.flat();

  const plan: PlannedMsa[] = Array.from({ length: args.msas }, (_, i) => {
    const namespace = spokes[i % spokes.length] ?? '';
    const name = `bench-${runId}-${i + 1}`;
    return { namespace, name, key: `${namespace}/${name}` };
  });

  // Measurement window starts here: counters at zero, CPU times noted, watch open.
  if (hubSimulated) await resetCounters(s.hub);
  await Promise.all(simSpokes.map((c) => resetCounters(c)));
  const pids = Object.fromEntries(s.group.processes.map((p) => [p.name, p.child.pid]));
  const sentAt = new Map<string, number>();
  const reportedAt = new Map<string, number>();
  let allReported: () => void = () => undefined;
  const everyReported = new Promise<void>((res) => {
    allReported = res;
  });
  const watch = watchTokenReported({
    hub: s.hub,
    collectionPath: MSA_COLLECTION,
    labelSelector: `${RUN_LABEL}=${runId}`,
    onReported: (key, at) => {
      reportedAt.set(key, at);
      if (reportedAt.size === plan.length) allReported();
    },
    onNotice: progress,
  });
  stopWatch = () => watch.stop();
  await watch.ready;

  const metricsBefore = await readHubMetrics(s.hubUrl, s.hubCaPem).catch(() => undefined);
  const cpuBefore = snapshotCpu(pids);
  const machineBefore = machineCpuMs();
  const loadStart = loadAverage1();
  const t0 = performance.now();
  progress(`creating ${plan.length} MSAs (${args.createParallelism} in flight)`);
  await createAll(s.hub, plan, runId, args, sentAt);
  const createPhaseMs = performance.now() - t0;
  progress(`created in ${(createPhaseMs / 1000).toFixed(2)} s; waiting for TokenReported=True`);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    everyReported,
    new Promise<void>((res) => {
      timer = setTimeout(res, args.timeoutSeconds * 1000);
    }),
  ]);
  clearTimeout(timer);
  const cpuAfter = snapshotCpu(pids);
  const machineAfter = machineCpuMs();
  const loadEnd = loadAverage1();
  const tEnd = Math.max(t0, ...reportedAt.values());
  watch.stop();
  if (reportedAt.size < plan.length) {
    progress(`only ${reportedAt.size}/${plan.length} MSAs reported within ${args.timeoutSeconds} s`);
  }
  const latencies = plan.flatMap((m) => {
    const a = sentAt.get(m.key);
    const b = reportedAt.get(m.key);
    return a !== undefined && b !== undefined ? [b - a] : [];
  });
  const pipelineMs = tEnd - t0;
  const phases = latencyPhases(
    plan,
    sentAt,
    reportedAt,
    s.group.processes.filter((p) => p.name.startsWith('msa-worker-')).flatMap((p) => p.lines),
  );

  let hubWrites: Report['hubWrites'] = null;
  if (hubSimulated) {
    progress(`waiting until the hub has made no write for ${QUIET_MS / 1000} s`);
    await waitForQuietHub(s.hub);
    const w = classifyHubWrites(await readCounters(s.hub), plan.length);
    const per = (n: number): number => (reportedAt.size === 0 ? Number.NaN : n / reportedAt.size);
    hubWrites = {
      ...w,
      perToken: {
        secretsAndStatus: per(w.secrets + w.msaStatus),
        tokenPath: per(w.tokenPath),
        events: per(w.events),
        totalExcludingEvents: per(w.total - w.events),
        total: per(w.total),
      },
    };
  }
  const events = await countEvents(s.hub, plan);
  const metricsAfter = await readHubMetrics(s.hubUrl, s.hubCaPem).catch(() => undefined);
  const hubMetrics = metricsBefore && metricsAfter ? metricDelta(metricsBefore, metricsAfter) : null;
  let spokeCalls: Report['spokeCalls'] = null;
  if (simSpokes.length === spokes.length) {
    const all = (await Promise.all(simSpokes.map((c) => readCounters(c)))).flat();
    const c = classifySpokeCalls(all);
    spokeCalls = { ...c, tokenRequestsPerMsa: c.tokenRequests / plan.length };
  }

  progress(
    `BullMQ baseline: ${plan.length} no-op jobs over ${spokes.length} queues, concurrency ${args.concurrency}`,
  );
  const base = await runBullmqBaseline({
    redisUrl: s.redisUrl,
    prefix: `msa-bench-${runId}`,
    queues: spokes.length,
    jobs: plan.length,
    concurrency: args.concurrency,
    timeoutMs: args.timeoutSeconds * 1000,
  });
  const tokensPerSecond = (reportedAt.size * 1000) / pipelineMs;

  progress('checking every Secret');
  const verification = await verifySecrets(s.hub, plan);

  const cpuMs = cpuDelta(cpuBefore, cpuAfter);
  const ourCpu = Object.values(cpuMs).reduce((a, b) => a + b, 0);
  const machineBusy = machineBefore && machineAfter ? machineAfter.busy - machineBefore.busy : Number.NaN;
  const machineTotal = machineBefore && machineAfter ? machineAfter.total - machineBefore.total : Number.NaN;
  const report: Report = {
    settings: {
      msas: plan.length,
      clusters: spokes,
      workerConcurrency: args.concurrency,
      createParallelism: args.createParallelism,
      hub: s.simulated.has('hub') ? 'kube-sim' : 'kubeconfig',
      spokes: Object.fromEntries(spokes.map((n) => [n, s.simulated.has(n) ? 'kube-sim' : 'kubeconfig'])),
      redis: args.redisUrl === undefined ? 'private redis-server' : 'given',
    },
    machine: {
      nproc: availableParallelism(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    stackStartMs,
    createPhaseMs,
    pipelineMs,
    tokensPerSecond,
    latency: summarize(latencies),
    phases,
    watch: { restarts: watch.restarts, seenByRelist: watch.seenByRelist },
    hubWrites,
    eventsByReason: events.byReason,
    eventExamples: events.examples,
    hubMetrics,
    spokeCalls,
    baseline: { ...base, pipelineToCeiling: tokensPerSecond / base.jobsPerSecond },
    cpu: {
      wallMs: pipelineMs,
      ms: cpuMs,
      percentOfOneCore: Object.fromEntries(
        Object.entries(cpuMs).map(([k, v]) => [k, (100 * v) / pipelineMs]),
      ),
    },
    machineLoad: {
      busyPercentOfAllCores: (100 * machineBusy) / machineTotal,
      othersCpuMs: machineBusy - ourCpu,
      loadAverage1Start: loadStart,
      loadAverage1End: loadEnd,
    },
    verification,
  };
  printReport(report, reportedAt.size);
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  const ok =
    reportedAt.size === plan.length &&
    verification.missing.length === 0 &&
    verification.incomplete.length === 0;
  return ok ? 0 : 1;
}

const ms = (v: number): string => `${v.toFixed(0)} ms`;
const fixed = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

function printReport(r: Report, reported: number): void {
  const out: string[] = [];
  const line = (label: string, value: string): void => {
    out.push(`  ${label.padEnd(38)} ${value}`);
  };
  out.push('');
  out.push(
    `managed-serviceaccount pipeline benchmark: ${r.settings.msas} MSAs over ${r.settings.clusters.length} clusters (${r.settings.clusters.join(', ')}), worker concurrency ${r.settings.workerConcurrency}`,
  );
  out.push(
    `  machine: ${r.machine.nproc} CPUs, node ${r.machine.node}, ${r.machine.platform}; hub ${r.settings.hub}, spokes ${[...new Set(Object.values(r.settings.spokes))].join('+')}, redis ${r.settings.redis}`,
  );
  out.push('');
  out.push('Pipeline (apply → TokenReported=True, seen through a watch)');
  line('stack start-up', `${fixed(r.stackStartMs / 1000)} s`);
  line('MSAs reported', `${reported} / ${r.settings.msas}`);
  line(`creates (${r.settings.createParallelism} in flight)`, `${fixed(r.createPhaseMs / 1000)} s`);
  line('first create → last TokenReported', `${fixed(r.pipelineMs / 1000)} s`);
  line('throughput', `${fixed(r.tokensPerSecond, 1)} tokens/s`);
  line('latency p50 / p95 / p99', `${ms(r.latency.p50Ms)} / ${ms(r.latency.p95Ms)} / ${ms(r.latency.p99Ms)}`);
  line(
    'latency min / mean / max',
    `${ms(r.latency.minMs)} / ${ms(r.latency.meanMs)} / ${ms(r.latency.maxMs)}`,
  );
  if (r.phases !== null) {
    const ph = r.phases;
    const trio = (x: LatencySummary): string => `${ms(x.p50Ms)} / ${ms(x.p95Ms)} / ${ms(x.p99Ms)}`;
    line(`  create → worker starts job (p50/95/99)`, trio(ph.toJobStart));
    line(`  worker job incl. hub report (p50/95/99)`, trio(ph.jobRun));
    line(`  job done → watch sees status (p50/95/99)`, trio(ph.toWatchEvent));
    line('reconcile jobs started (worker logs)', `${ph.reconcileJobStarts} for ${r.settings.msas} MSAs`);
  }
  if (r.watch.restarts > 0 || r.watch.seenByRelist > 0) {
    line('watch restarts / seen by relist', `${r.watch.restarts} / ${r.watch.seenByRelist}`);
  }
  out.push('');
  out.push('Hub API-server writes (POST/PUT/PATCH/DELETE; the benchmark’s own MSA creates excluded)');
  const w = r.hubWrites;
  if (w === null)
    out.push('  n/a: the hub does not answer /__sim/counters (not a kube-sim): no request counts');
  else {
    const p = w.perToken;
    line(
      'Secret + MSA status writes per token',
      `${fixed(p['secretsAndStatus'] ?? Number.NaN)} writes/token (floor 2)`,
    );
    line('  Secret writes', `${w.secrets}`);
    line('  MSA status writes', `${w.msaStatus}`);
    line('  MSA object writes', `${w.msaObject}`);
    line('event writes per token', `${fixed(p['events'] ?? Number.NaN)} writes/token (${w.events} events)`);
    const reasons = Object.entries(r.eventsByReason)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    if (reasons !== '') line('  events by reason', reasons);
    for (const [reason, message] of Object.entries(r.eventExamples))
      out.push(`    e.g. ${reason}: ${message}`);
    line('all hub writes per token', `${fixed(p['total'] ?? Number.NaN)} writes/token (${w.total} writes)`);
    line('  of which Lease renewals (heartbeats)', `${w.leases}`);
    line('  of which TokenReview creates', `${w.tokenReviews}`);
    line('  of which other', `${w.other}`);
    line('  answered >= 400 (conflicts etc.)', `${w.failed}`);
    line('MSAs by status writes received', histogramText(w.statusWritesPerMsa));
    if (Object.keys(w.secretUpdatesPerMsa).length > 0) {
      line('MSAs by Secret updates (PUT) received', histogramText(w.secretUpdatesPerMsa));
    }
    line(
      'hub reads in the same window',
      `${w.reads} (${fixed(w.reads / reported)} per token; bench's own watch, list and counter reads included)`,
    );
    for (const [k, n] of Object.entries(w.readsByKey).sort((a, b) => b[1] - a[1]))
      out.push(`    ${String(n).padStart(6)}  ${k}`);
    out.push('  writes by request:');
    for (const [k, n] of Object.entries(w.byKey).sort((a, b) => b[1] - a[1]))
      out.push(`    ${String(n).padStart(6)}  ${k}`);
  }
  if (r.hubMetrics !== null) {
    out.push('');
    out.push('Hub /metrics counters that moved (measured window and quiet period)');
    for (const [k, n] of Object.entries(r.hubMetrics).sort()) out.push(`    ${String(n).padStart(6)}  ${k}`);
  }
  const sc = r.spokeCalls;
  if (sc !== null) {
    out.push('');
    out.push('Spoke API servers (all spokes together)');
    line('TokenRequests (201)', `${sc.tokenRequests} (${fixed(sc.tokenRequestsPerMsa)} per MSA)`);
    line('ServiceAccount creates (201)', `${sc.serviceAccountCreates}`);
    line('TokenReviews', `${sc.tokenReviews}`);
    line('writes / all requests', `${sc.writes} / ${sc.requests}`);
  }
  out.push('');
  out.push('Ceiling: bare BullMQ, same Redis, same jobs, queues and concurrency, no-op processor');
  line('no-op jobs', `${r.baseline.jobs} in ${fixed(r.baseline.elapsedMs / 1000)} s`);
  line('throughput', `${fixed(r.baseline.jobsPerSecond, 1)} jobs/s`);
  line('pipeline / ceiling', `${fixed(100 * r.baseline.pipelineToCeiling, 1)} %`);
  out.push('');
  out.push(`CPU time from the first create to the last report (${fixed(r.cpu.wallMs / 1000)} s wall)`);
  for (const [name, cpu] of Object.entries(r.cpu.ms).sort((a, b) => b[1] - a[1])) {
    line(
      name,
      `${fixed(cpu / 1000)} s  (${fixed(r.cpu.percentOfOneCore[name] ?? 0, 0)} % of one core, ${fixed(cpu / reported, 1)} ms/token)`,
    );
  }
  const ours = Object.values(r.cpu.ms).reduce((a, b) => a + b, 0);
  line('all of the above', `${fixed(ours / 1000)} s  (${fixed(ours / reported, 1)} ms CPU per token)`);
  const m = r.machineLoad;
  line(
    'whole machine busy (all cores)',
    `${fixed(m.busyPercentOfAllCores, 0)} %; other processes used ${fixed(m.othersCpuMs / 1000)} s CPU; load average ${fixed(m.loadAverage1Start, 1)} → ${fixed(m.loadAverage1End, 1)}`,
  );
  out.push('');
  const v = r.verification;
  out.push(
    `Secrets: ${v.secretsChecked - v.missing.length - v.incomplete.length} / ${v.secretsChecked} present with token and ca.crt` +
      (v.missing.length > 0 ? `; missing: ${v.missing.slice(0, 10).join(', ')}` : '') +
      (v.incomplete.length > 0 ? `; incomplete: ${v.incomplete.slice(0, 10).join(', ')}` : ''),
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

function latencyPhases(
  plan: readonly PlannedMsa[],
  sentAt: ReadonlyMap<string, number>,
  reportedAt: ReadonlyMap<string, number>,
  workerLines: readonly string[],
): Report['phases'] {
  const { jobs, starts } = reconcileJobTimes(workerLines);
  // Worker logs carry epoch ms; the benchmark's marks are performance.now().
  const epoch = (t: number): number => performance.timeOrigin + t;
  const toStart: number[] = [];
  const run: number[] = [];
  const toEvent: number[] = [];
  for (const m of plan) {
    const job = jobs.get(m.key);
    const sent = sentAt.get(m.key);
    const seen = reportedAt.get(m.key);
    if (job?.finishedAt === undefined || sent === undefined || seen === undefined) continue;
    toStart.push(job.startedAt - epoch(sent));
    run.push(job.finishedAt - job.startedAt);
    toEvent.push(epoch(seen) - job.finishedAt);
  }
  if (run.length === 0) return null;
  return {
    toJobStart: summarize(toStart),
    jobRun: summarize(run),
    toWatchEvent: summarize(toEvent),
    matched: run.length,
    reconcileJobStarts: starts,
  };
}

function histogramText(h: Record<string, number>): string {
  return Object.entries(h)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([writes, msas]) => `${msas} MSAs × ${writes}`)
    .join(', ');
}

let code = 1;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`bench: failed: ${err instanceof Error ? err.message : String(err)}\n`);
  code = 1;
}
cleaning ??= cleanUp();
await cleaning.catch((err: unknown) => {
  process.stderr.write(`bench: clean-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
});
process.exit(code);
