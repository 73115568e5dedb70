/**
 * Freshness of the online store, on the worker's /metrics: how far each view's watermark is behind now, and
 * how many entities it holds. Registered on the worker's registry the first time a view is materialized.
 */
import client from 'prom-client';

export interface FeatureStoreMetrics {
  lag: client.Gauge<'view'>;
  rows: client.Gauge<'view'>;
  lastRun: client.Gauge<'view'>;
  changed: client.Counter<'view'>;
}

const byRegistry = new WeakMap<client.Registry, FeatureStoreMetrics>();
/** Watermarks by view, read at scrape time so the lag keeps growing between runs. */
const watermarks = new WeakMap<client.Registry, Map<string, number>>();

export function featureStoreMetrics(registry: client.Registry): FeatureStoreMetrics {
  let m = byRegistry.get(registry);
  if (m) return m;
  const marks = new Map<string, number>();
  watermarks.set(registry, marks);
  m = {
    lag: new client.Gauge({
      name: 'bosun_feature_materialization_lag_seconds',
      help: 'Seconds between now and the newest event time materialized into the online store, per feature view',
      labelNames: ['view'],
      registers: [registry],
      collect() {
        for (const [view, ms] of marks) this.set({ view }, (Date.now() - ms) / 1000);
      },
    }),
    rows: new client.Gauge({ name: 'bosun_feature_online_rows', help: 'Entities in the online store, per feature view', labelNames: ['view'], registers: [registry] }),
    lastRun: new client.Gauge({ name: 'bosun_feature_materialization_last_run_timestamp_seconds', help: 'When the last materialization of a feature view finished (unix time)', labelNames: ['view'], registers: [registry] }),
    changed: new client.Counter({ name: 'bosun_feature_rows_written_total', help: 'Online rows inserted or replaced by materialization, per feature view', labelNames: ['view'], registers: [registry] }),
  };
  byRegistry.set(registry, m);
  return m;
}

export function recordMaterialization(registry: client.Registry, r: { view: string; watermark: string | null; onlineRows: number; changed: number }): void {
  const m = featureStoreMetrics(registry);
  if (r.watermark) watermarks.get(registry)!.set(r.view, Date.parse(r.watermark));
  m.rows.set({ view: r.view }, r.onlineRows);
  m.lastRun.set({ view: r.view }, Date.now() / 1000);
  m.changed.inc({ view: r.view }, r.changed);
}
