import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets, modelVersions, runs } from '../../src/db/schema';
import { SpecError, type PipelineSpecInput } from '../../src/pipeline/spec';
import { badInputFailure, startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

// The bad inputs of issue #13 that used to be retried, accepted, or blessed: each is refused at submit or
// fails its stage once (never retried) with a message naming what is wrong, and leaves no orphan rows.
describe('bad input refused, not retried', () => {
  let h: Harness;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-bad2-'));
  const file = (name: string, text: string | Buffer) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const rows = (n: number, label: (i: number) => string) => 'a,b,label\n' + Array.from({ length: n }, (_, i) => `${i},${(i * 7) % 13},${label(i)}`).join('\n') + '\n';
  const good = rows(60, (i) => (i % 2 ? 'cat' : 'dog'));
  const spec = (source: string, extra: Partial<PipelineSpecInput> = {}): PipelineSpecInput => ({
    name: uniqueName('bad'),
    source,
    target: 'label',
    model: { algorithm: 'logistic_regression' },
    approval: { autoApprove: true },
    ...extra,
  });

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  const failure = (s: PipelineSpecInput) => badInputFailure(h, s);

  it('a CSV with a NUL byte names file, line and byte offset, and leaves no dataset row without a version', async () => {
    const p = file('nul.csv', Buffer.from('a,b,label\n1,2,cat\n3,x\u0000y,dog\n' + good.split('\n').slice(1).join('\n')));
    const { message, runId } = await failure(spec(p));
    expect(message).toMatch(/nul\.csv: line 3 holds a NUL byte \(byte offset 21\)/);
    const [run] = await h.app.db.select().from(runs).where(eq(runs.id, runId));
    expect(run.status).toBe('failed');
    const orphans = await h.app.db.select().from(datasets).where(sql`not exists (select 1 from dataset_versions v where v.dataset_id = ${datasets.id})`);
    expect(orphans).toEqual([]);
  });

  it('an unreachable HTTP source names the host and the network error after a short bounded retry', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const { message } = await failure(spec(`http://127.0.0.1:${port}/train.csv`));
    expect(message).toMatch(new RegExp(`cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED.*after 3 attempts`));
  });

  it('primaryMetric "r2" on an inferred binary task fails at validate, naming the field, task and valid metrics', async () => {
    const { message, runId } = await failure(spec(file('r2.csv', good), { evaluation: { primaryMetric: 'r2' } }));
    expect(message).toMatch(/evaluation\.primaryMetric: "r2" is a regression metric and cannot be computed for a binary task .*metrics valid for binary: accuracy,.*roc_auc/);
    expect(await h.app.db.select().from(modelVersions).where(eq(modelVersions.runId, runId))).toEqual([]);
  });

  it('a categorical target with task "regression" is bad input with the cause', async () => {
    const { message } = await failure(spec(file('cat.csv', good), { task: 'regression' }));
    expect(message).toMatch(/target "label" is categorical; a regression target must be numeric/);
  });

  it('an invalid cron and a metric that does not fit an explicit task are refused at submit', async () => {
    const cron = await h.submit(spec(file('cron.csv', good), { monitor: { cron: '99 99 99 99 99' } })).catch((e) => e);
    expect(cron).toBeInstanceOf(SpecError);
    expect((cron as SpecError).problems).toEqual([expect.stringMatching(/^monitor\.cron: expected a 5-field cron expression such as "0 \* \* \* \*".*invalid value for minute: 99/)]);
    const metric = await h.submit(spec(file('metric.csv', good), { task: 'binary', evaluation: { primaryMetric: 'r2' } })).catch((e) => e);
    expect(metric).toBeInstanceOf(SpecError);
    expect((metric as SpecError).problems.join()).toMatch(/evaluation\.primaryMetric: "r2" is a regression metric/);
  });

  it('a test split with one class leaves ROC-AUC undefined, and the candidate is not blessed', async () => {
    // One "cat" in 40 rows: the stratified split keeps it in train, so the test split is all "dog".
    const handle = await h.submit(spec(file('oneclass-test.csv', rows(40, (i) => (i === 3 ? 'cat' : 'dog')))));
    const result = (await handle.result()) as { status: string; reasons?: string[] };
    expect(result.status).toBe('not_blessed');
    expect(result.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^roc_auc undefined \(the test split has only one class.*\): not blessed ✗$/)]));
  });
});
