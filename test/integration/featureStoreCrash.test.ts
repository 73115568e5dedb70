/**
 * A worker killed with SIGKILL in the middle of a materialization: the activity is retried on a new worker,
 * resumes after the batches its last heartbeat recorded, and the online store ends with one row per entity,
 * each the entity's latest event. PostgreSQL only: two worker processes cannot share one embedded PGlite.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureOnline } from '../../src/db/schema';
import { MATERIALIZE_FEATURES, type MaterializeFeaturesWorkflow, type MaterializeResult } from '../../src/featurestore/contract';
import type { MaterializeProgress } from '../../src/featurestore/materialize';
import { registerFromCode } from '../../src/featurestore/registry';
import { customerData } from '../../src/featurestore/synthetic';
import { freePort } from '../../src/stack/process';
import { startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';
import { startWorkerProcess } from './support/workerProcess';

describe('a worker killed with SIGKILL in the middle of a materialization', () => {
  let h: Harness;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    h = await startHarness({ postgres: true, worker: false });
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await h?.close();
  });

  it('resumes on a new worker after the batches already written, leaving one row per entity, each its latest', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-features-crash-'));
    const file = path.join(dir, 'activity.csv');
    const data = customerData({ customers: 40_000, seed: 9, days: 15 });
    writeFileSync(file, data.activityCsv);
    const latest = new Map<number, (typeof data.activity)[number]>();
    for (const a of data.activity) if ((latest.get(a.customerId)?.time ?? -Infinity) <= a.time) latest.set(a.customerId, a);
    const name = uniqueName('crash-view');
    const v = await registerFromCode(h.app.db, { name, entity: 'customer_id', source: file, timestamp: 'event_time', features: ['balance', 'txn_count_30d', 'segment'], ttl: '365d' });

    const first = startWorkerProcess(h, await freePort());
    workers.push(first.child);
    const handle = await h.client.workflow.start<MaterializeFeaturesWorkflow>(MATERIALIZE_FEATURES, {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: uniqueName('materialize-crash'),
      args: [{ view: `${name}@${v.version}`, batchSize: 40 }],
    });
    // Until the activity's heartbeat says some batches are in (and not all of them).
    let progress: MaterializeProgress | undefined;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const desc = await handle.describe();
      const act = desc.raw.pendingActivities?.find((a) => a.activityType?.name === 'materializeFeatures');
      const payload = act?.heartbeatDetails?.payloads?.[0]?.data;
      if (payload) {
        progress = JSON.parse(Buffer.from(payload).toString('utf8')) as MaterializeProgress;
        if (progress && progress.batchesDone > 0) break;
      }
      if (desc.status.name !== 'RUNNING') throw new Error(`materialization ended (${desc.status.name}) before the kill; worker log:\n${first.log()}`);
      if (Date.now() > deadline) throw new Error(`no progress heartbeat; worker log:\n${first.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(progress!.batchesDone).toBeLessThan(progress!.batches);

    const second = startWorkerProcess(h, await freePort());
    workers.push(second.child);
    const result: MaterializeResult = await handle.result();
    expect(result.resumedBatches).toBeGreaterThan(0);
    expect(result.entities).toBe(latest.size);
    expect(result.onlineRows).toBe(latest.size);
    // Batches written after the last recorded heartbeat were written again: as no-ops (same event time).
    expect(result.changed).toBeLessThanOrEqual(latest.size);

    const [{ rows, keys }] = await h.app.db
      .select({ rows: sql<number>`count(*)::int`, keys: sql<number>`count(distinct ${featureOnline.entityKey})::int` })
      .from(featureOnline)
      .where(eq(featureOnline.viewVersion, v.version));
    expect([rows, keys]).toEqual([latest.size, latest.size]);
    const stored = await h.app.db.select().from(featureOnline).where(eq(featureOnline.viewVersion, v.version));
    for (const r of stored) {
      const want = latest.get(Number(JSON.parse(r.entityKey)[0]))!;
      expect(r.eventTime.getTime()).toBe(want.time);
      expect((r.values as { balance: number }).balance).toBe(want.balance);
    }
    const history = await handle.fetchHistory();
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => Number(e.activityTaskStartedEventAttributes!.attempt));
    expect(Math.max(...attempts), 'the activity was retried after the kill').toBeGreaterThan(1);
    second.child.kill('SIGTERM');
  }, 300_000);
});
