import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/data/table';
import { instancesToTable, type FittedFeatures } from '../../../src/features';
import { MicroBatcher, type BatchScorer } from '../../../src/serving/microBatch';

const fitted: FittedFeatures = {
  format: 'bosun.features',
  version: 1,
  inputSchema: [
    { name: 'x', type: 'numeric' },
    { name: 'color', type: 'categorical' },
  ],
  target: null,
  passthrough: 'drop',
  steps: [],
  outputNames: [],
  notes: [],
};

/** Scores a row as x * 10 + the length of its color's name (read through the table's levels): row-wise, so batch-safe. */
function scorer(calls: number[]): BatchScorer {
  return {
    width: 1,
    check: (instances) => void instancesToTable(fitted, instances),
    read: (instances) => instancesToTable(fitted, instances),
    scoreTable(table: Table) {
      calls.push(table.nrows);
      const x = table.columns[0] as { values: Float64Array };
      const c = table.columns[1] as { codes: Int32Array; levels: string[] };
      return Float64Array.from(x.values, (v, i) => {
        if (c.codes[i] >= 0 && c.levels[c.codes[i]] === 'boom') throw new Error(`instances[${i}].color: unknown category "boom"`);
        return v * 10 + (c.codes[i] < 0 ? 0 : c.levels[c.codes[i]].length);
      });
    },
  };
}

const submit = (b: MicroBatcher, instances: unknown[]) =>
  new Promise<{ err: Error | null; scores: number[] | null }>((resolve) => b.submit(instances, (err, s) => resolve({ err, scores: s && Array.from(s) })));

describe('MicroBatcher', () => {
  it('scores requests submitted in the same turn in one call, each getting its own rows', async () => {
    const calls: number[] = [];
    const b = new MicroBatcher(scorer(calls));
    const results = await Promise.all([
      submit(b, [{ x: 1, color: 'red' }]),
      submit(b, [{ x: 2, color: 'blue' }, { x: 3, color: null }]),
      submit(b, [{ x: 4, color: 'red' }]),
    ]);
    expect(calls).toEqual([4]);
    expect(results.map((r) => r.scores)).toEqual([[13], [24, 30], [43]]);
  });

  it('gives a malformed request its own error without holding up the others', async () => {
    const calls: number[] = [];
    const b = new MicroBatcher(scorer(calls));
    const [ok, bad] = await Promise.all([submit(b, [{ x: 1, color: 'red' }]), submit(b, [{ x: 'one', color: 'red' }])]);
    expect(ok.scores).toEqual([13]);
    expect(bad.err?.message).toMatch(/instances\[0\]\.x: expected a number/);
    expect(calls).toEqual([1]);
  });

  it('scores each request alone when the batch fails, so only the culprit fails', async () => {
    const calls: number[] = [];
    const b = new MicroBatcher(scorer(calls));
    const [a, boom, c] = await Promise.all([
      submit(b, [{ x: 1, color: 'red' }]),
      submit(b, [{ x: 2, color: 'boom' }]),
      submit(b, [{ x: 3, color: 'green' }]),
    ]);
    expect(a.scores).toEqual([13]);
    expect(boom.err?.message).toMatch(/unknown category "boom"/);
    expect(c.scores).toEqual([35]);
    expect(calls).toEqual([3, 1, 1, 1]);
  });

  it('scores large requests at once, without waiting for a batch', () => {
    const calls: number[] = [];
    const b = new MicroBatcher(scorer(calls));
    let got: number[] | null = null;
    b.submit(Array.from({ length: 64 }, (_, i) => ({ x: i, color: null })), (_e, s) => (got = s && Array.from(s)));
    expect(got).toHaveLength(64);
    expect(calls).toEqual([64]);
  });
});
