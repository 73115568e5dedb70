import { describe, expect, it } from 'vitest';
import { parsePipelineSpec, SpecError } from '../../../src/pipeline/spec';
import { hashOf, canonicalJson } from '../../../src/pipeline/canonical';

const base = { name: 'credit', source: 'data.csv', target: 'default', model: { algorithm: 'gbdt' } };

function problems(raw: unknown): string[] {
  try {
    parsePipelineSpec(raw);
    return [];
  } catch (e) {
    if (e instanceof SpecError) return e.problems;
    throw e;
  }
}

describe('pipeline spec', () => {
  it('fills defaults', () => {
    const s = parsePipelineSpec(base);
    expect(s.seed).toBe(42);
    expect(s.split).toEqual({ strategy: 'stratified', testSize: 0.25 });
    expect(s.approval.required).toBe(1);
    expect(s.deploy).toMatchObject({ strategy: 'direct', verifyWindow: '0s' });
    expect(parsePipelineSpec({ ...base, deploy: { strategy: 'canary' } }).deploy).toMatchObject({ canaryPercent: 10, verifyWindow: '5m' });
  });

  it('names the field and what to do', () => {
    expect(problems({ ...base, name: 'Credit Risk' })).toEqual([expect.stringMatching(/^name: expected lowercase letters, digits and dashes/)]);
    expect(problems({ ...base, model: { algorithm: 'xgb' } }).join('\n')).toMatch(/xgb.*logistic_regression, linear_regression, gbdt/);
    expect(problems({ ...base, split: { strategy: 'time' } }).join('\n')).toMatch(/split.timeColumn: a time split needs timeColumn/);
    expect(problems({ ...base, colour: 'red' })).toEqual(['unknown field "colour"']);
    expect(problems({ ...base, monitor: { cron: 'hourly' } }).join('\n')).toMatch(/monitor.cron: expected a 5-field cron expression/);
    expect(problems({ ...base, deploy: { strategy: 'blue-green' } }).join('\n')).toMatch(/deploy.strategy/);
  });

  it('hashes equal specs equally whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(hashOf({ x: 1, y: 2 })).toBe(hashOf({ y: 2, x: 1 }));
    expect(hashOf({ x: 1 })).not.toBe(hashOf({ x: 2 }));
  });
});
