import { describe, expect, it } from 'vitest';
import { schemaOf, schemaSchema, schemaSpecSchema } from '../../../src/data/schema';
import type { Table } from '../../../src/data/table';

describe('schema', () => {
  it('schemaOf reports types and whether each column has missing cells', () => {
    const t: Table = {
      nrows: 2,
      columns: [
        { name: 'a', type: 'numeric', values: Float64Array.from([1, NaN]) },
        { name: 'b', type: 'categorical', codes: Int32Array.from([0, 0]), levels: ['x'] },
        { name: 'c', type: 'text', codes: Int32Array.from([-1, 0]), levels: ['y'] },
      ],
    };
    const schema = schemaOf(t);
    expect(schema).toEqual({
      columns: [
        { name: 'a', type: 'numeric', nullable: true },
        { name: 'b', type: 'categorical', nullable: false },
        { name: 'c', type: 'text', nullable: true },
      ],
    });
    expect(schemaSchema.parse(JSON.parse(JSON.stringify(schema)))).toEqual(schema);
  });

  it('schemaSpecSchema defaults nullable and strict, and rejects duplicates and unknown types', () => {
    expect(schemaSpecSchema.parse({ columns: [{ name: 'a', type: 'numeric' }] })).toEqual({
      columns: [{ name: 'a', type: 'numeric', nullable: true }],
      strict: false,
    });
    const dup = schemaSpecSchema.safeParse({ columns: [{ name: 'a', type: 'numeric' }, { name: 'a', type: 'text' }] });
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0].message).toBe('column "a" is declared twice');
    expect(schemaSpecSchema.safeParse({ columns: [{ name: 'a', type: 'float' }] }).success).toBe(false);
  });
});
