// Prometheus metrics of the service (`GET /metrics`, prom-client). Event figures are the core's
// counters, read at each scrape (the shell counts no event itself); HTTP figures are observed here.

import client from 'prom-client';

/**
 * @param {() => any} current the MessageCenter (a new one after a reset)
 * @returns {{ registry: import('prom-client').Registry, request: (route: string, status: number, seconds: number) => void, step: (seconds: number) => void }}
 */
export function createMetrics(current) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'mc_' });
  const instances = () => current().executionInstances().filter((a) => !a.remote).map((a) => a.name);

  new client.Gauge({
    name: 'mc_events',
    help: 'Events on an instance (an execution instance, or the control’s history) by status, from the engine’s counters',
    labelNames: ['instance', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const instance of [...instances(), 'control']) {
        const c = current().countEvents({ instance });
        for (const [status, n] of Object.entries(c.byStatus)) this.set({ instance, status }, n);
      }
    },
  });
  new client.Gauge({
    name: 'mc_events_received',
    help: 'Events received by an execution instance (every status), from the engine’s counters',
    labelNames: ['instance'],
    registers: [registry],
    collect() {
      this.reset();
      for (const instance of instances()) this.set({ instance }, current().countEvents({ instance }).total);
    },
  });
  new client.Gauge({
    name: 'mc_queue_depth',
    help: 'Pending real-time events of an execution instance (what mcPing reports)',
    labelNames: ['instance'],
    registers: [registry],
    collect() {
      this.reset();
      for (const instance of instances()) this.set({ instance }, current().mcPing(instance).pending);
    },
  });
  new client.Gauge({
    name: 'mc_queue_alert_threshold',
    help: 'The queue depth above which mcPing says Error (MC_RtEventQueueAlert)',
    registers: [registry],
    collect() {
      this.set(current().mcPing().threshold);
    },
  });
  new client.Gauge({
    name: 'mc_workflow_runs',
    help: 'Runs of each technical workflow',
    labelNames: ['instance', 'workflow'],
    registers: [registry],
    collect() {
      this.reset();
      for (const w of current().workflows()) this.set({ instance: w.instance, workflow: w.name }, w.runs);
    },
  });
  new client.Gauge({
    name: 'mc_workflow_last_run_seconds',
    help: 'Virtual time the last finished run of each workflow took, from its journal',
    labelNames: ['instance', 'workflow'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const w of current().workflows()) {
        if (w.runs === 0) continue;
        const { runs } = await current().journal(w.instance, w.name, { limit: 2 });
        const last = runs.find((r) => r.durationMs !== null);
        if (last) this.set({ instance: w.instance, workflow: w.name }, last.durationMs / 1000);
      }
    },
  });
  const steps = new client.Histogram({
    name: 'mc_clock_catch_up_seconds',
    help: 'Wall time of each move of the real clock, with the workflow steps that fell due',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'mc_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  return {
    registry,
    request: (route, status, seconds) => latency.observe({ route, status: String(status) }, seconds),
    step: (seconds) => steps.observe(seconds),
  };
}

/**
 * The route of `GET /metrics` (and `GET /healthz`, the process's liveness, beside it).
 * @param {{ registry: import('prom-client').Registry }} metrics
 * @param {(res: import('node:http').ServerResponse, status: number, type: string, body: string) => void} send
 * @returns {import('./router.js').Route[]}
 */
export function metricsRoutes(metrics, send) {
  return [
    { methods: ['GET'], path: '/metrics', label: '/metrics', center: 'none', handler: async ({ res }) => send(res, 200, metrics.registry.contentType, await metrics.registry.metrics()) },
    { methods: ['GET'], path: '/healthz', label: '/healthz', center: 'none', handler: ({ res }) => send(res, 200, 'application/json; charset=utf-8', `${JSON.stringify({ status: 'ok' })}\n`) },
  ];
}
