import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Source of queue depths, read on each scrape. */
export type QueueDepthSource = () => Promise<{ queue: string; state: string; count: number }[]>;

/**
 * The hub's Prometheus metrics, in a registry of their own (so several hubs can run in one
 * process in tests). Names follow `msa_<area>_<thing>_<unit>`. Labels never carry tokens.
 */
export class HubMetrics {
  readonly registry = new Registry();
  readonly jobsEnqueued: Counter<'kind'>;
  readonly reports: Counter<'route' | 'result'>;
  readonly informerRestarts: Counter<'informer'>;
  readonly deadLetters: Counter<'cluster'>;
  readonly statusWrites: Counter<'reason'>;
  readonly queueDepth: Gauge<'queue' | 'state'>;

  constructor(options: { queueDepths?: QueueDepthSource; defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics === true)
      collectDefaultMetrics({ register: this.registry, prefix: 'msa_hub_process_' });
    this.jobsEnqueued = new Counter({
      name: 'msa_queue_jobs_enqueued_total',
      help: 'Jobs added to cluster queues, by kind (reconcile, verify, rotation, delete, sweep, replay).',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    this.reports = new Counter({
      name: 'msa_api_reports_total',
      help: 'Worker requests to the hub API, by route and result (ok, or the error code).',
      labelNames: ['route', 'result'],
      registers: [this.registry],
    });
    this.informerRestarts = new Counter({
      name: 'msa_informer_restarts_total',
      help: 'Informer list/watch loop restarts after errors.',
      labelNames: ['informer'],
      registers: [this.registry],
    });
    this.deadLetters = new Counter({
      name: 'msa_queue_dead_letters_total',
      help: 'Jobs moved to the dead-letter queue after terminal failure.',
      labelNames: ['cluster'],
      registers: [this.registry],
    });
    this.statusWrites = new Counter({
      name: 'msa_hub_status_writes_total',
      help: 'MSA status writes made by the hub, by cause.',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    const source = options.queueDepths;
    this.queueDepth = new Gauge({
      name: 'msa_queue_depth_jobs',
      help: 'Jobs per queue and state (read from Redis at scrape time).',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        if (source === undefined) return;
        this.reset();
        try {
          for (const row of await source()) this.set({ queue: row.queue, state: row.state }, row.count);
        } catch {
          // Redis down: report no depths rather than fail the whole scrape.
        }
      },
    });
  }
}
