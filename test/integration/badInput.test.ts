import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetVersions, modelVersions, runs } from '../../src/db/schema';
import { SpecError, type PipelineSpecInput } from '../../src/pipeline/spec';
import { badInputFailure, startHarness, type Harness } from './support/pipelineHarness';
import { uniqueName } from './support/stack';

// Bad input on the embedded database and the real MinIO store: every case fails with a message that says
// what and where, is not retried, and leaves no model version behind.
describe('bad input', () => {
  let h: Harness;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-bad-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const good = 'a,b,label\n' + Array.from({ length: 60 }, (_, i) => `${i},${(i * 7) % 13},${i % 2 ? 'yes' : 'no'}`).join('\n') + '\n';
  const spec = (source: string, extra: Partial<PipelineSpecInput> = {}): PipelineSpecInput => ({
    name: uniqueName('bad'),
    source,
    target: 'label',
    model: { algorithm: 'logistic_regression' },
    approval: { autoApprove: true },
    ...extra,
  });

  beforeAll(async () => {
    h = await startHarness({ minio: true });
  });
  afterAll(async () => h?.close());

  const failure = (s: PipelineSpecInput) => badInputFailure(h, s);

  it.each([
    ['an empty file', () => file('empty.csv', ''), /is empty/],
    ['a header without rows', () => file('header.csv', 'a,b,label\n'), /no data rows|header only|no rows/i],
    ['ragged rows', () => file('ragged.csv', 'a,b,label\n1,2,yes\n3,no\n'), /line 3.*2 fields?.*3|3.*expected/],
    ['malformed quoting', () => file('quote.csv', 'a,b,label\n1,"2,yes\n3,4,no\n'), /quot/i],
    ['a missing target column', () => file('notarget.csv', 'a,b,c\n1,2,3\n4,5,6\n'), /target.*"label"|"label".*target/],
    ['a single-class target', () => file('oneclass.csv', 'a,b,label\n' + Array.from({ length: 40 }, (_, i) => `${i},${i},yes`).join('\n')), /single class|one class|at least two/i],
    ['an all-null column', () => file('allnull.csv', 'a,b,label\n' + Array.from({ length: 40 }, (_, i) => `${i},,${i % 2 ? 'yes' : 'no'}`).join('\n')), /column "b".*(null|missing)/],
    ['Infinity in a numeric column', () => file('inf.csv', 'a,b,label\n' + Array.from({ length: 40 }, (_, i) => `${i},${i === 5 ? 'Infinity' : i},${i % 2 ? 'yes' : 'no'}`).join('\n')), /column "b".*infinit/i],
  ])('%s stops the run with a specific error', async (_what, make, expected) => {
    const { message, runId } = await failure(spec(make()));
    expect(message).toMatch(expected);
    const [run] = await h.app.db.select().from(runs).where(eq(runs.id, runId));
    expect(run.status).toBe('failed');
    expect(await h.app.db.select().from(modelVersions).where(eq(modelVersions.runId, runId))).toEqual([]);
  });

  it('text in a column declared numeric names the column, row and value', async () => {
    const p = file('text.csv', 'a,b,label\n1,2,yes\n3,abc,no\n');
    const { message } = await failure(spec(p, { schema: { columns: [{ name: 'b', type: 'numeric' }] } }));
    expect(message).toMatch(/column "b".*row 3.*"abc"|"abc".*column "b"/);
  });

  it('a transform naming a missing column suggests the nearest one', async () => {
    const p = file('good.csv', good);
    const { message } = await failure(spec(p, { features: [{ standardize: ['aa'] }] as never }));
    expect(message).toMatch(/column "aa" does not exist; did you mean "a"\?/);
  });

  it('a failed ingest writes no dataset version; a good file after it works', async () => {
    const bad = await failure(spec(file('ragged2.csv', 'a,b,label\n1,2\n')));
    expect(bad.message).toMatch(/line 2/);
    const before = (await h.app.db.select().from(datasetVersions)).length;
    const handle = await h.submit(spec(file('good2.csv', good)));
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
    expect((await h.app.db.select().from(datasetVersions)).length).toBe(before + 1);
  });

  it('an unknown algorithm is refused at submit time, naming the valid ones', async () => {
    const err = await h.submit(spec(file('good3.csv', good), { model: { algorithm: 'xgboost' as never } })).catch((e) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).message).toMatch(/xgboost.*logistic_regression, linear_regression, gbdt/);
  });
});
