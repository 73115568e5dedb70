/**
 * The feature store end to end, on PGlite and on PostgreSQL, with a real Temporal dev server: a view over
 * seeded customer histories, materialized incrementally and idempotently (by a Temporal Schedule), a pipeline
 * trained from an entity dataframe joined as of each label's time, approved with the real `temporal` CLI, and
 * online features that score exactly like the offline table for the same entities and times.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read';
import type { Db } from '../../src/db/client';
import { featureMaterializations, featureOnline, lineageEdges, modelVersions, predictionLog } from '../../src/db/schema';
import { pointInTimeJoin } from '../../src/featurestore/asof';
import { entityKey } from '../../src/featurestore/keys';
import { materializeView } from '../../src/featurestore/materialize';
import { lookupOnline, OnlineLookupBatcher, onlineView } from '../../src/featurestore/online';
import { registerFromCode } from '../../src/featurestore/registry';
import { ensureMaterializeSchedule, materializeScheduleId } from '../../src/featurestore/schedule';
import { durationMs, type FeatureViewInput } from '../../src/featurestore/spec';
import { customerData, type CustomerData } from '../../src/featurestore/synthetic';
import { buildServingApp } from '../../src/serving/app';
import { scoreTable } from '../../src/serving/batchScore';
import { findProgram } from '../../src/stack/binaries';
import { startHarness, type Harness } from './support/pipelineHarness';
import { stack, uniqueName } from './support/stack';

const exec = promisify(execFile);
const DAY = 86_400_000;

/** Latest event per customer at or before `at` (the reference the online store must hold). */
function latestBy(data: CustomerData, at = Infinity): Map<number, CustomerData['activity'][number]> {
  const out = new Map<number, CustomerData['activity'][number]>();
  for (const a of data.activity) if (a.time <= at && (out.get(a.customerId)?.time ?? -Infinity) <= a.time) out.set(a.customerId, a);
  return out;
}

/** Counts the queries a lookup makes: a proxy over the drizzle database's `select`. */
function countingDb(db: Db): { db: Db; selects: () => number } {
  let n = 0;
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'select' && typeof v === 'function') return (...args: unknown[]) => (n++, v.apply(target, args));
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { db: proxy, selects: () => n };
}

describe.each([['PGlite', false] as const, ['PostgreSQL', true] as const])('the feature store on %s', (_label, postgres) => {
  let h: Harness;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-features-'));
  const activityFile = path.join(dir, 'activity.csv');
  const labelsFile = path.join(dir, 'labels.csv');
  // A history that ends just before now, so the online values are within their TTL when served.
  const start = Date.now() - 121 * DAY;
  const full = customerData({ customers: 600, seed: 5, start, days: 120 });
  const cutoff = start + 100 * DAY;
  const early = customerData({ customers: 600, seed: 5, start, days: 120, until: cutoff });
  const viewName = uniqueName('customer-activity');
  const view: FeatureViewInput = {
    name: viewName,
    entity: 'customer_id',
    source: activityFile,
    timestamp: 'event_time',
    features: ['balance', 'txn_count_30d', 'segment'],
    ttl: '60d',
  };

  beforeAll(async () => {
    h = await startHarness({ postgres });
    writeFileSync(labelsFile, full.labelsCsv);
  });
  afterAll(async () => h?.close());

  it('materializes incrementally by event time, idempotently, replacing only with newer events', async () => {
    writeFileSync(activityFile, early.activityCsv);
    const v = await registerFromCode(h.app.db, view);
    const first = await materializeView(h.app, viewName, { runId: 'test-1', batchSize: 97 });
    const earlyLatest = latestBy(early);
    expect(first).toMatchObject({ entities: earlyLatest.size, changed: earlyLatest.size, onlineRows: earlyLatest.size, previousWatermark: null });

    // The same content again: nothing newer than the watermark, nothing written.
    const again = await materializeView(h.app, viewName, { runId: 'test-2' });
    expect(again).toMatchObject({ entities: 0, changed: 0, onlineRows: earlyLatest.size, watermark: first.watermark });

    // The history grows: only customers with events after the watermark are written.
    writeFileSync(activityFile, full.activityCsv);
    const grown = await materializeView(h.app, viewName, { runId: 'test-3', batchSize: 50 });
    const fullLatest = latestBy(full);
    const newer = [...fullLatest.values()].filter((a) => a.time > Date.parse(first.watermark!)).length;
    expect(newer).toBeGreaterThan(100);
    expect(grown).toMatchObject({ entities: newer, changed: newer, onlineRows: fullLatest.size });
    const rows = await h.app.db.select().from(featureOnline).where(eq(featureOnline.viewVersion, v.version));
    expect(rows).toHaveLength(fullLatest.size);
    for (const r of rows) {
      const want = fullLatest.get(Number(JSON.parse(r.entityKey)[0]))!;
      expect([r.eventTime.getTime(), r.values]).toEqual([want.time, { balance: want.balance, txn_count_30d: want.txnCount, segment: want.segment }]);
    }

    // An older load replayed over newer rows (watermark forgotten, old file back) changes nothing.
    await h.app.db.delete(featureMaterializations).where(eq(featureMaterializations.viewVersion, v.version));
    writeFileSync(activityFile, early.activityCsv);
    const replay = await materializeView(h.app, viewName, { runId: 'test-4' });
    expect(replay.entities).toBe(earlyLatest.size);
    expect(replay.changed).toBe(0);
    const after = await h.app.db.select().from(featureOnline).where(eq(featureOnline.viewVersion, v.version));
    expect(after.map((r) => [r.entityKey, r.eventTime.getTime()]).sort()).toEqual(rows.map((r) => [r.entityKey, r.eventTime.getTime()]).sort());
    writeFileSync(activityFile, full.activityCsv);
  });

  it('looks up many entities in one query, request values overriding stored ones, and names unknown keys', async () => {
    const v = await registerFromCode(h.app.db, view);
    const fullLatest = latestBy(full);
    const counted = countingDb(h.app.db);
    const r = await lookupOnline(counted.db, [onlineView(v)], [{ customer_id: 3 }, { customer_id: '4', balance: 1 }, { customer_id: 999_999 }, { channel: 'web' }]);
    expect(counted.selects()).toBe(1);
    expect(r.instances[0]).toEqual({ customer_id: 3, balance: fullLatest.get(3)!.balance, txn_count_30d: fullLatest.get(3)!.txnCount, segment: fullLatest.get(3)!.segment });
    expect(r.instances[1]).toMatchObject({ customer_id: '4', balance: 1, txn_count_30d: fullLatest.get(4)!.txnCount });
    expect(r.missing.map((m) => [m.instance, m.reason, m.key])).toEqual([
      [3, 'no key in the request', 'customer_id=null'],
      [2, 'unknown entity', 'customer_id=999999'],
    ]);

    // Lookups of concurrent requests share one query, each getting its own instances and missing keys back.
    const shared = countingDb(h.app.db);
    const batcher = new OnlineLookupBatcher(shared.db);
    const [a, b] = await Promise.all([batcher.lookup([onlineView(v)], [{ customer_id: 5 }]), batcher.lookup([onlineView(v)], [{ customer_id: 6 }, { customer_id: 888_888 }])]);
    expect(shared.selects()).toBe(1);
    expect([a.instances[0].balance, b.instances[0].balance]).toEqual([fullLatest.get(5)!.balance, fullLatest.get(6)!.balance]);
    expect([a.missing, b.missing.map((m) => [m.instance, m.reason])]).toEqual([[], [[1, 'unknown entity']]]);
  });

  it('materializes on a Temporal Schedule, trains from an entity dataframe as of each label, and online features score like the offline table', async () => {
    const v = await registerFromCode(h.app.db, view);
    // A fresh version's store is empty: the schedule fills it.
    const fresh = { ...view, ttl: '61d' };
    const fv = await registerFromCode(h.app.db, fresh);
    const scheduleId = await ensureMaterializeSchedule(h.client, { taskQueue: h.config.temporal.taskQueue, view: viewName, version: fv.version, cron: '0 3 * * *' });
    expect(scheduleId).toBe(materializeScheduleId(viewName));
    const schedule = h.client.schedule.getHandle(scheduleId);
    await schedule.trigger();
    let runId: string | undefined;
    for (let i = 0; i < 100 && !runId; i++) {
      runId = (await schedule.describe()).info.recentActions[0]?.action.workflow?.workflowId;
      if (!runId) await new Promise((r) => setTimeout(r, 200));
    }
    expect(runId).toMatch(new RegExp(`^materialize-${viewName}`));
    const result = await h.client.workflow.getHandle(runId!).result();
    expect(result).toMatchObject({ version: fv.version, onlineRows: latestBy(full).size });
    await schedule.delete();

    const name = uniqueName('churn');
    const handle = await h.submit({
      name,
      source: labelsFile,
      featureViews: { timestamp: 'label_time', views: [fresh] },
      target: 'status',
      positiveClass: 'churned',
      seed: 3,
      model: { algorithm: 'logistic_regression' },
      evaluation: { primaryMetric: 'roc_auc' },
      approval: { approvers: ['risk-lead'] },
    });
    await h.waitForStage(handle, 'awaiting_approval', 240_000);
    const temporal = findProgram('temporal', { explicit: h.config.temporal.cliPath, cacheDir: h.config.cacheDir });
    await exec(temporal, ['workflow', 'signal', '--address', stack().temporalAddress, '--namespace', 'default', '--workflow-id', handle.workflowId, '--name', 'approve', '--input', '{"reviewer": "risk-lead", "comment": "features reviewed"}']);
    expect(await handle.result()).toMatchObject({ status: 'succeeded', deployed: true });

    // Lineage: the dataset version the run trained on names the view version it was joined from.
    const edges = await h.app.db.select().from(lineageEdges).where(and(eq(lineageEdges.fromKind, 'feature_view'), eq(lineageEdges.fromId, fv.version)));
    expect(edges.map((e) => [e.toKind, e.relation])).toEqual([['dataset_version', 'joined_into']]);
    const [mv] = await h.app.db.select().from(modelVersions).where(eq(modelVersions.modelName, name));
    expect(mv.status).toBe('production');

    // The same entities at the same time, twice: offline (as-of join of the source) and online (the store).
    const now = Date.now();
    const ids = Array.from({ length: 40 }, (_, i) => 1 + i * 13);
    const channels = ['web', 'app', 'branch'];
    const entityCsv = 'customer_id,at,channel\n' + ids.map((id, i) => `${id},${new Date(now).toISOString()},${channels[i % 3]}`).join('\n') + '\n';
    const entities = await readTable(Buffer.from(entityCsv), 'csv');
    const activity = await readTable(Buffer.from(full.activityCsv), 'csv');
    const offline = pointInTimeJoin({ table: entities, keys: ['customer_id'], time: 'at', label: 'entities' }, [
      { label: 'view', table: activity, keys: ['customer_id'], time: 'event_time', features: fv.view.features, ttlMs: durationMs(fv.view.ttl) },
    ]).table;
    const offlineScores = await scoreTable(h.app.db, h.app.store, name, offline);
    const online = await lookupOnline(h.app.db, [onlineView(fv)], ids.map((id, i) => ({ customer_id: id, channel: channels[i % 3] })));
    expect(online.missing).toEqual([]);
    const onlineTable = await readTable(Buffer.from(online.instances.map((x) => JSON.stringify(x)).join('\n')), 'jsonl');
    const onlineScores = await scoreTable(h.app.db, h.app.store, name, onlineTable);
    expect(Array.from(onlineScores)).toEqual(Array.from(offlineScores));

    // Served by entity key: the app looks the features up and answers what the offline table scores.
    const app = buildServingApp({ db: h.app.db, store: h.app.store, config: h.config, pollMs: 200, logFlushMs: 100, logger: false });
    try {
      await app.ready();
      const predict = (instances: unknown[], rid: string) => app.inject({ method: 'POST', url: `/v1/models/${name}:predict`, headers: { 'x-request-id': rid }, payload: { instances } });
      let res = await predict([{ customer_id: ids[0], channel: 'web' }], 'warm');
      for (let i = 0; i < 50 && res.statusCode === 404; i++) {
        await new Promise((r) => setTimeout(r, 200));
        res = await predict([{ customer_id: ids[0], channel: 'web' }], 'warm');
      }
      res = await predict(ids.map((id, i) => ({ customer_id: id, channel: channels[i % 3] })), 'by-key');
      expect(res.statusCode, res.body).toBe(200);
      const served = (res.json() as { predictions: { probabilities: Record<string, number> }[] }).predictions;
      expect(served.map((p) => p.probabilities.churned)).toEqual(ids.map((_, i) => offlineScores[i * 2 + 1]));

      // A request-time value overrides the stored one.
      const override = await predict([{ customer_id: ids[1], channel: 'app', balance: 0, txn_count_30d: 0 }], 'override');
      const overrideRow = { ...online.instances[1], balance: 0, txn_count_30d: 0, channel: 'app' };
      const overrideScores = await scoreTable(h.app.db, h.app.store, name, await readTable(Buffer.from(JSON.stringify(overrideRow)), 'jsonl'));
      expect((override.json() as { predictions: { probabilities: Record<string, number> }[] }).predictions[0].probabilities.churned).toBe(overrideScores[1]);

      // An unknown entity is the caller's error, named.
      const unknown = await predict([{ customer_id: 987_654, channel: 'web' }], 'unknown');
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().error).toMatch(new RegExp(`instances\\[0\\]: customer_id=987654 is not in the online store of feature view "${viewName}"`));

      // The prediction log holds the features the model used (looked up, keys left out).
      let logged: { features: unknown }[] = [];
      for (let i = 0; i < 50 && logged.length === 0; i++) {
        logged = await h.app.db.select({ features: predictionLog.features }).from(predictionLog).where(eq(predictionLog.requestId, 'by-key/0'));
        if (logged.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      const first = latestBy(full).get(ids[0])!;
      expect(logged[0].features).toEqual({ balance: first.balance, txn_count_30d: first.txnCount, segment: first.segment, channel: 'web' });
    } finally {
      await app.close();
    }
    // The unchanged view version's store (materialized directly above) is untouched by the schedule's version.
    const keys = await h.app.db.select({ k: featureOnline.entityKey }).from(featureOnline).where(and(eq(featureOnline.viewVersion, v.version), eq(featureOnline.entityKey, entityKey([1]))));
    expect(keys).toHaveLength(1);
  }, 400_000);
});
