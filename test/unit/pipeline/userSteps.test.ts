// The steps section of a spec: each form's mistakes named with the field and the fix; the code hash stored in
// place of the function; the registry refusing steps it lacks or holds in other code.
import { describe, expect, it } from 'vitest';
import { parsePipelineSpec, SpecError, type PipelineSpecInput } from '../../../src/pipeline/spec';
import { stepCodeHash, withStepCodeHashes } from '../../../src/pipeline/userSteps/codeHash';
import { StepCodeError, StepRegistry } from '../../../src/pipeline/userSteps/registry';
import { assertTable } from '../../../src/pipeline/userSteps/table';
import type { Table } from '../../../src/data/table';

const base = { name: 'p', source: 'x.csv', target: 'y', model: { algorithm: 'logistic_regression' } } as const;
const identity = (t: Table) => t;

function problems(steps: unknown): string[] {
  try {
    parsePipelineSpec({ ...base, steps } as unknown as PipelineSpecInput);
    return [];
  } catch (err) {
    if (err instanceof SpecError) return err.problems;
    throw err;
  }
}

describe('steps in a pipeline spec', () => {
  it('accepts a TypeScript transform and Python transform and train steps', () => {
    const spec = parsePipelineSpec({ ...base, steps: [{ name: 'add', kind: 'transform', run: identity }, { name: 'clean', kind: 'transform', python: 'pkg.steps:clean' }, { name: 'fit', kind: 'train', python: 'pkg.steps:fit', version: '2' }] });
    expect(spec.steps!.map((s) => s.name)).toEqual(['add', 'clean', 'fit']);
  });

  it.each([
    [[{ name: 'train', kind: 'transform', run: identity }], /steps\[0\]\.name: is the name of a built-in stage/],
    [[{ name: 'a', kind: 'train', run: identity }], /steps\[0\]\.kind: a TypeScript step is kind "transform"/],
    [[{ name: 'a', kind: 'transform' }], /steps\[0\]\.run: a TypeScript step needs run/],
    [[{ name: 'a', kind: 'transform', python: 'not a path' }], /steps\[0\]\.python: expected "package\.module:function"/],
    [[{ name: 'a', kind: 'transform', python: 'm:f', extra: 1 }], /steps\[0\]: unknown field "extra"|steps\[0\].*"extra"/],
    [[{ name: 'a', kind: 'transform', run: identity }, { name: 'a', kind: 'transform', python: 'm:f' }], /steps\[1\]\.name: "a" names two steps/],
    [[{ name: 'a', kind: 'train', python: 'm:f' }, { name: 'b', kind: 'train', python: 'm:g' }], /at most one train step, found 2 \(a, b\)/],
  ])('refuses %j', (steps, message) => {
    expect(problems(steps).join('\n')).toMatch(message);
  });

  it('stores the function as the hash of its source, and the stored form still parses', () => {
    const stored = JSON.parse(JSON.stringify(withStepCodeHashes({ ...base, steps: [{ name: 'add', kind: 'transform', run: identity }] })));
    expect(stored.steps[0]).toEqual({ name: 'add', kind: 'transform', codeHash: stepCodeHash(identity) });
    expect(parsePipelineSpec(stored).steps![0]).toMatchObject({ codeHash: stepCodeHash(identity) });
    expect(stepCodeHash((t: Table) => t)).toBe(stepCodeHash(identity));
    expect(stepCodeHash((t: Table) => ({ ...t }))).not.toBe(stepCodeHash(identity));
  });
});

describe('StepRegistry', () => {
  const registry = new StepRegistry([{ pipeline: 'p', step: 'add', run: identity, codeHash: stepCodeHash(identity), file: 'pipelines/p.ts' }]);
  const plan = { name: 'add', kind: 'transform' as const, runtime: 'typescript' as const, entry: 'add' };

  it('gives the registered code for the hash that was submitted', () => {
    expect(registry.resolve('p', { ...plan, codeHash: stepCodeHash(identity) }).run).toBe(identity);
  });

  it('refuses a step it does not have, and one whose code differs, saying what to do', () => {
    expect(() => registry.resolve('q', plan)).toThrow(StepCodeError);
    expect(() => registry.resolve('q', plan)).toThrow(/step "add" of pipeline "q": this pipeline worker has no code for it \(it serves steps of: p\); add the pipeline file to BOSUN_PIPELINES/);
    expect(() => registry.resolve('p', { ...plan, codeHash: 'f'.repeat(64) })).toThrow(/the worker runs other code than the pipeline that was submitted \(worker: pipelines\/p\.ts/);
  });

  it('refuses two different definitions of one step', () => {
    const other = (t: Table) => ({ ...t });
    expect(() => registry.add({ pipeline: 'p', step: 'add', run: other, codeHash: stepCodeHash(other), file: 'b.ts' })).toThrow(/defined twice with different code \(pipelines\/p\.ts and b\.ts\)/);
  });
});

describe('a step’s returned table', () => {
  it('names the step and what is wrong', () => {
    expect(() => assertTable('s', undefined)).toThrow(/step "s" returned nothing \(did it forget to return the table\?\)/);
    expect(() => assertTable('s', { nrows: 2, columns: [{ name: 'a', type: 'numeric', values: new Float64Array(3) }] })).toThrow(/column "a" with 3 values for 2 rows/);
    expect(() => assertTable('s', { nrows: 1, columns: [{ name: 'a', type: 'categorical', codes: new Int32Array(1), levels: ['x'] }] })).not.toThrow();
  });
});
