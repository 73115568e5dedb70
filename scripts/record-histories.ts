/**
 * Records the Temporal histories of real runs, for the replay test (test/integration/replay.test.ts):
 * approved and deployed (with refused decisions on the way), rejected, rolled back after a failed
 * verification, failed on bad input, and a drift check that started a retraining run. Each is written as
 * JSON (the `temporal workflow show --output json` shape) to test/fixtures/histories/<label>.json.
 *
 *   npx tsx scripts/record-histories.ts [--out <dir>] [--label-prefix <p>]
 *
 * Run it on the code whose histories you want to keep (e.g. a checkout of the last release, so the
 * current code is tested against runs that really started on the old one). It starts its own Temporal dev
 * server and uses an embedded database and a filesystem store in a temporary directory.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { createActivities } from '../activities';
import { openApp } from '../src/app';
import { loadConfig } from '../src/config';
import { prepareSpec } from '../src/pipeline/loadPipeline';
import type { PipelineSpecInput } from '../src/pipeline/spec';
import { submitRun } from '../src/pipeline/submit';
import { findProgram } from '../src/stack/binaries';
import { freePort } from '../src/stack/process';
import { startTemporalServer } from '../src/stack/temporalServer';
import { createPipelineWorker } from '../workers/createWorker';
import { statusQuery } from '../src/contract/messages';

const ROOT = path.resolve(import.meta.dirname, '..');
const DATA = path.join(ROOT, 'data');
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const OUT = path.resolve(opt('--out', path.join(ROOT, 'test/fixtures/histories')));
const PREFIX = opt('--label-prefix', '');

async function main(): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-record-'));
  const base = loadConfig({ ...process.env, BOSUN_HOME: home, DATABASE_URL: undefined, BOSUN_ARTIFACTS_URL: undefined });
  const temporalCli = findProgram('temporal', { explicit: base.temporal.cliPath, cacheDir: base.cacheDir });
  const server = await startTemporalServer({
    binary: temporalCli,
    port: await freePort(),
    uiPort: await freePort(),
    logFile: path.join(home, 'temporal.log'),
  });
  const config = loadConfig({ ...process.env, BOSUN_HOME: home, DATABASE_URL: undefined, BOSUN_ARTIFACTS_URL: undefined, TEMPORAL_ADDRESS: server.address, BOSUN_TASK_QUEUE: 'record' });
  const app = await openApp(config);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const { worker, connection: wc } = await createPipelineWorker({
    address: server.address,
    namespace: 'default',
    taskQueue: 'record',
    activities: createActivities({ config, db: app.db, store: app.store, temporal: client }),
  });
  const running = worker.run();
  mkdirSync(OUT, { recursive: true });

  const submit = async (spec: PipelineSpecInput, id: string) =>
    submitRun({ client, store: app.store, taskQueue: 'record', prepared: await prepareSpec(spec, { baseDir: DATA, store: app.store }), startedBy: 'recorder', workflowId: id });
  const waitFor = async (h: WorkflowHandle, stage: string) => {
    for (let i = 0; i < 600; i++) {
      const s = await h.query(statusQuery).catch(() => null);
      if (s?.stage === stage) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${h.workflowId} never reached ${stage}`);
  };
  const save = async (h: WorkflowHandle, label: string) => {
    await h.result().catch(() => undefined);
    // The CLI's JSON is the format Worker.runReplayHistory reads (historyFromJSON).
    const json = execFileSync(temporalCli, ['workflow', 'show', '--address', server.address, '--workflow-id', h.workflowId, '--output', 'json'], { maxBuffer: 64 << 20 }).toString();
    writeFileSync(path.join(OUT, `${PREFIX}${label}.json`), json);
    console.log(`recorded ${PREFIX}${label} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)`);
  };
  const wine = (extra: Partial<PipelineSpecInput>): PipelineSpecInput => ({ name: 'replay-wine', source: 'wine.csv', target: 'cultivar', seed: 1, model: { algorithm: 'logistic_regression' }, ...extra });

  try {
    // Approved and deployed, after a malformed, an unauthorized and a wrong-candidate decision.
    const approved = await submit(wine({ approval: { approvers: ['dr-ada'] } }), 'replay-approved');
    await waitFor(approved, 'awaiting_approval');
    await approved.signal('approve', 'yes' as never);
    await approved.signal('approve', { reviewer: 'mallory' } as never);
    await approved.signal('approve', { reviewer: 'dr-ada', modelVersion: '9' } as never);
    await approved.signal('approve', { reviewer: 'dr-ada', comment: 'reviewed' } as never);
    await save(approved, 'approved-deployed');

    const rejected = await submit(wine({ seed: 2 }), 'replay-rejected');
    await waitFor(rejected, 'awaiting_approval');
    await rejected.signal('reject', { reviewer: 'dr-ada', comment: 'calibration off' } as never);
    await save(rejected, 'rejected');

    // v1 is production; v2 deploys directly, sees no traffic in its window, and is rolled back to v1.
    const rolled = await submit(wine({ seed: 3, deploy: { strategy: 'direct', verifyWindow: '2s', minRequests: 1 } }), 'replay-rolled-back');
    await waitFor(rolled, 'awaiting_approval');
    await rolled.signal('approve', { reviewer: 'dr-ada' } as never);
    await save(rolled, 'rolled-back');

    const failed = await submit(wine({ target: 'no_such_column' }), 'replay-failed');
    await save(failed, 'failed-bad-input');

    // A deployed regression model, then a drift check on shifted data that starts a retraining run.
    const fair: PipelineSpecInput = {
      name: 'replay-fair',
      source: 'fair.csv',
      target: 'affairs',
      task: 'regression',
      model: { algorithm: 'linear_regression' },
      monitor: { cron: '0 3 * * *', window: '24h', drift: { minSamples: 200 } },
    };
    const deployed = await submit(fair, 'replay-fair-deployed');
    await waitFor(deployed, 'awaiting_approval');
    await deployed.signal('approve', { reviewer: 'dr-ada' } as never);
    await deployed.result();
    const [header, ...rows] = readFileSync(path.join(DATA, 'fair.csv'), 'utf8').trim().split('\n');
    const shifted = path.join(home, 'fair-shifted.csv');
    writeFileSync(shifted, [header, ...rows.map((l) => l.split(',').map((c, i) => (i === 2 ? String(Number(c) + 6) : i === 6 ? String((Number(c) % 6) + 1) : c)).join(','))].join('\n'));
    const drift = await client.workflow.start('driftCheck', { taskQueue: 'record', workflowId: 'replay-drift', args: [{ modelName: 'replay-fair', dataUri: shifted }] });
    const outcome = (await drift.result()) as { drifted: boolean; retrainRunId: string | null };
    if (!outcome.drifted || !outcome.retrainRunId) throw new Error(`the drift check did not start a retraining: ${JSON.stringify(outcome)}`);
    await save(drift, 'drift-retrain');
    await client.workflow.getHandle(outcome.retrainRunId).terminate('recorded');
  } finally {
    worker.shutdown();
    await running;
    await wc.close();
    await connection.close();
    await app.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
