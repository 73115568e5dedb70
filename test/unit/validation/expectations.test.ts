import { describe, expect, it } from 'vitest';
import { expectationsSchema, parseExpectations, ratioRule } from '../../../src/validation/expectations';

describe('expectationsSchema', () => {
  it('fills defaults for an empty section', () => {
    expect(parseExpectations(undefined)).toEqual({
      columns: {},
      infinity: 'error',
      allNullColumns: 'error',
      constantColumns: 'warning',
      schemaChange: { added: 'warning', removed: 'error', typeChanged: 'error' },
    });
  });

  it('accepts shorthands and full forms, with per-column defaults', () => {
    const spec = parseExpectations({
      maxNullRatio: 0.1,
      maxDuplicateRatio: { max: 0.01, severity: 'warning' },
      columns: { age: { type: 'numeric', range: { min: 0, max: 120 } }, colour: { allowed: ['red'], required: false } },
      schemaChange: { added: 'off' },
    });
    expect(spec.columns.age).toEqual({ type: 'numeric', range: { min: 0, max: 120 }, required: true, severity: 'error' });
    expect(spec.columns.colour.required).toBe(false);
    expect(spec.schemaChange).toEqual({ added: 'off', removed: 'error', typeChanged: 'error' });
    expect(ratioRule(spec.maxNullRatio!, 'error')).toEqual({ max: 0.1, severity: 'error' });
    expect(ratioRule(spec.maxDuplicateRatio!, 'error')).toEqual({ max: 0.01, severity: 'warning' });
  });

  it('rejects mistakes with the path of each problem', () => {
    const bad = () => parseExpectations({ maxNullRatio: 1.5, columns: { age: { rnage: {} } } });
    expect(bad).toThrow(/^invalid validation spec: /);
    expect(bad).toThrow('validation.columns.age: Unrecognized key: "rnage"');
    expect(bad).toThrow('validation.maxNullRatio: Too big: expected number to be <=1');
    expect(() => parseExpectations({ columns: { a: { range: {} } } })).toThrow(/give min, max or both/);
    expect(expectationsSchema.safeParse({ infinity: 'fatal' }).success).toBe(false);
  });
});
