import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of one process. Each app gets its own registry (no global
 * state), so several apps in one test process do not collide.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  httpErrors: Counter<'code'>;
  queueJobs: Gauge<'queue' | 'state'>;
}

/** Reads job counts per queue and state; called on each scrape. */
export type QueueDepthSource = () => Promise<Record<string, Record<string, number>>>;

export function createMetrics(queueDepths?: QueueDepthSource): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'metacrm_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'metacrm_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'metacrm_http_request_duration_seconds',
      help: 'HTTP request latency by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    httpErrors: new Counter({
      name: 'metacrm_http_errors_total',
      help: 'Error answers by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: 'metacrm_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed, completed)',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        if (!queueDepths) return;
        // While Redis is down the scrape still answers, without queue figures.
        const depths = await queueDepths().catch(() => undefined);
        this.reset();
        for (const [queue, states] of Object.entries(depths ?? {})) {
          for (const [state, count] of Object.entries(states)) this.set({ queue, state }, count);
        }
      },
    }),
  };
}
