/** What a user step hands back must be a table Bosun can store: checked here, with the step named. */
import type { Table } from '../../data/table';
import { BadInputError } from '../errors';

const FLOAT_TYPES = new Set(['numeric', 'datetime', 'boolean']);
const CODED_TYPES = new Set(['categorical', 'text']);

export function assertTable(step: string, t: unknown): asserts t is Table {
  const bad = (why: string) => new BadInputError(`step "${step}" returned ${why}; a transform returns a table { nrows, columns } (see docs/custom-steps.md)`);
  if (typeof t !== 'object' || t === null) throw bad(t === undefined ? 'nothing (did it forget to return the table?)' : `a ${typeof t}`);
  const { nrows, columns } = t as Partial<Table>;
  if (!Number.isInteger(nrows) || (nrows as number) < 0) throw bad(`nrows ${JSON.stringify(nrows)}, not a row count`);
  if (!Array.isArray(columns)) throw bad('no columns array');
  const names = new Set<string>();
  for (const c of columns) {
    const name = (c as { name?: unknown })?.name;
    if (typeof name !== 'string' || !name) throw bad('a column without a name');
    if (names.has(name)) throw bad(`column "${name}" twice`);
    names.add(name);
    if (FLOAT_TYPES.has(c.type)) {
      if (!('values' in c) || !(c.values instanceof Float64Array)) throw bad(`column "${name}" (${c.type}) without a Float64Array of values`);
      if (c.values.length !== nrows) throw bad(`column "${name}" with ${c.values.length} values for ${nrows} rows`);
    } else if (CODED_TYPES.has(c.type)) {
      if (!('codes' in c) || !(c.codes instanceof Int32Array) || !Array.isArray(c.levels)) throw bad(`column "${name}" (${c.type}) without Int32Array codes and levels`);
      if (c.codes.length !== nrows) throw bad(`column "${name}" with ${c.codes.length} codes for ${nrows} rows`);
    } else {
      throw bad(`column "${name}" of unknown type ${JSON.stringify((c as { type?: unknown }).type)} (expected numeric, datetime, boolean, categorical or text)`);
    }
  }
}
