/**
 * The hot path's instance validation, compiled once per model version from its fitted input schema.
 *
 * `instancesToTable` (src/features/instances.ts) is the reference: it checks every field and words every error. It
 * walks the schema generically, which costs a keyed property load, a closure call and a result object per field. The
 * reader generated here does the same checks with one straight-line block per field (named property loads the engine
 * can cache) and writes the columns directly; a second function does only the checks, allocating nothing, so a request
 * can be validated on arrival and read later together with others (see microBatch.ts). Neither words an error: on
 * the first problem they return false / null and the caller re-runs `instancesToTable` on the same instances, whose
 * error names the instance and field. Accepting exactly what the reference accepts, and producing the same Table, is
 * what test/unit/serving/instanceReader.test.ts checks.
 */
import type { ColumnType, Table } from '../data/table';
import type { FittedFeatures } from '../features/fitted';
import { instanceValue, stringText } from '../data/values';

/** Validates and converts instances; null when any instance has a problem (ask `instancesToTable` for the words). */
export type InstanceReader = (rows: readonly unknown[]) => Table | null;
/** The same checks without building anything (no allocation): true when every instance is acceptable. */
export type InstanceChecker = (rows: readonly unknown[]) => boolean;

export interface CompiledInstances {
  check: InstanceChecker;
  read: InstanceReader;
}

/** Per field: the check of `v` and, when building, where the value goes. */
interface FieldCode {
  alloc: string;
  check: string;
  build: string;
  column: string;
}

function fieldCode(name: string, type: ColumnType, j: number): FieldCode {
  const key = JSON.stringify(name);
  const t = `'${type}'`;
  // Numbers and booleans, the common case, are checked inline; anything else asks the shared value parser
  // (iv = instanceValue, txt = stringText from src/data/values.ts), so the two readers cannot disagree with ingest.
  // v - v is 0 for finite numbers and NaN for NaN and ±Infinity.
  switch (type) {
    case 'numeric':
    case 'datetime':
      return {
        alloc: `const f${j} = new Float64Array(n);`,
        check: `if (typeof v === 'number') { if (v - v !== 0) return FAIL; } else if (v !== null && iv(${t}, v) === undefined) return FAIL;`,
        build: `f${j}[i] = typeof v === 'number' ? v : iv(${t}, v);`,
        column: `{ name: ${key}, type: ${t}, values: f${j} }`,
      };
    case 'boolean':
      return {
        alloc: `const f${j} = new Float64Array(n);`,
        check: `if (v !== true && v !== false && v !== 0 && v !== 1 && v !== null && iv('boolean', v) === undefined) return FAIL;`,
        build: `f${j}[i] = v === true || v === 1 ? 1 : v === false || v === 0 ? 0 : iv('boolean', v);`,
        column: `{ name: ${key}, type: 'boolean', values: f${j} }`,
      };
    case 'categorical':
    case 'text':
      // Codes number the distinct values in order of first appearance, as instancesToTable does.
      return {
        alloc: `const c${j} = new Int32Array(n); const m${j} = new Map();`,
        check: `if (typeof v !== 'string' && v !== null && iv(${t}, v) === undefined) return FAIL;`,
        build: `s = typeof v === 'string' ? txt(v) : iv(${t}, v); if (s === null) c${j}[i] = -1; else { let code = m${j}.get(s); if (code === undefined) { code = m${j}.size; m${j}.set(s, code); } c${j}[i] = code; }`,
        column: `{ name: ${key}, type: ${t}, codes: c${j}, levels: [...m${j}.keys()] }`,
      };
  }
}

export function compileInstanceReader(fitted: FittedFeatures): CompiledInstances {
  const fields = fitted.inputSchema.map((col, j) => ({ get: `v = r[${JSON.stringify(col.name)}];`, ...fieldCode(col.name, col.type, j) }));
  // Every schema field was present (undefined is refused), so a key count equal to the schema's size means there is
  // no unexpected field. Objects from JSON.parse inherit nothing enumerable, so for-in counts own keys.
  const loop = (perField: (f: (typeof fields)[number]) => string, fail: string) => `
      let v, s;
      for (let i = 0; i < n; i++) {
        const r = rows[i];
        if (typeof r !== 'object' || r === null || Array.isArray(r)) return ${fail};
        ${fields.map(perField).join('\n        ')}
        let keys = 0;
        for (const k in r) keys++;
        if (keys !== ${fields.length}) return ${fail};
      }`;
  const source = `
    function checkInstances(rows) {
      const n = rows.length;
      ${loop((f) => `${f.get} ${f.check.replaceAll('FAIL', 'false')}`, 'false')}
      return true;
    }
    function readInstances(rows) {
      const n = rows.length;
      ${fields.map((f) => f.alloc).join('\n      ')}
      ${loop((f) => `${f.get} ${f.check.replaceAll('FAIL', 'null')} ${f.build}`, 'null')}
      return { nrows: n, columns: [${fields.map((f) => f.column).join(', ')}] };
    }
    return { check: checkInstances, read: readInstances };`;
  return new Function('iv', 'txt', source)(instanceValue, stringText) as CompiledInstances;
}
