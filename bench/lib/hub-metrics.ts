import { httpsJson } from '../../scripts/lib/kube.js';

/** Counter samples of interest from the hub's Prometheus `/metrics`, keyed `name{labels}`. */
export type MetricSamples = Record<string, number>;

const WANTED = ['msa_queue_jobs_enqueued_total', 'msa_api_reports_total', 'msa_hub_status_writes_total'];

/** Reads the hub's `/metrics` (text format) and keeps the counters the benchmark reports. */
export async function readHubMetrics(hubUrl: string, caPem: string): Promise<MetricSamples> {
  const res = await httpsJson(hubUrl, caPem, undefined, 'GET', '/metrics', undefined, {
    accept: 'text/plain',
  });
  if (res.status !== 200) throw new Error(`hub /metrics: HTTP ${res.status}`);
  const out: MetricSamples = {};
  for (const line of res.text.split('\n')) {
    if (line.startsWith('#') || !WANTED.some((w) => line.startsWith(w))) continue;
    const space = line.lastIndexOf(' ');
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value)) out[line.slice(0, space)] = value;
  }
  return out;
}

/** after − before for every sample of `after` that changed. */
export function metricDelta(before: MetricSamples, after: MetricSamples): MetricSamples {
  const out: MetricSamples = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}
