import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/data/table';
import { encodeTarget, resolveTask } from '../../../src/pipeline/target';

const coded = (levels: string[], codes: number[]): Table => ({ nrows: codes.length, columns: [{ name: 'y', type: 'categorical', levels, codes: Int32Array.from(codes) }] });
const numeric = (values: number[]): Table => ({ nrows: values.length, columns: [{ name: 'y', type: 'numeric', values: Float64Array.from(values) }] });

describe('target', () => {
  it('makes a binary task with the positive class second', () => {
    const t = coded(['yes', 'no'], [0, 1, 1, -1]);
    const task = resolveTask({ target: 'y', positiveClass: 'yes' }, t);
    expect(task).toEqual({ kind: 'binary', classes: ['no', 'yes'] });
    const enc = encodeTarget(t, 'y', task);
    expect(Array.from(enc.y)).toEqual([1, 0, 0, NaN]);
    expect(enc.missing).toBe(1);
  });

  it('treats a numeric target as regression unless told otherwise', () => {
    expect(resolveTask({ target: 'y' }, numeric([1.5, 2]))).toEqual({ kind: 'regression' });
    expect(resolveTask({ target: 'y', task: 'binary' }, numeric([0, 1, 1]))).toEqual({ kind: 'binary', classes: ['0', '1'] });
  });

  it('refuses what cannot be learned, saying why', () => {
    expect(() => resolveTask({ target: 'y' }, coded(['a'], [0, 0]))).toThrow('target "y" has a single class ("a"): a classifier needs at least two');
    expect(() => resolveTask({ target: 'z' }, coded(['a', 'b'], [0, 1]))).toThrow('target column "z" is not in the data; columns are: y');
    expect(() => resolveTask({ target: 'y', positiveClass: 'maybe' }, coded(['a', 'b'], [0, 1]))).toThrow(/positiveClass "maybe" is not a value/);
    expect(() => resolveTask({ target: 'y', task: 'binary' }, coded(['a', 'b', 'c'], [0, 1, 2]))).toThrow(/use task "multiclass"/);
  });
});
