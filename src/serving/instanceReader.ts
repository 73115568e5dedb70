/**
 * The hot path's instance validation, compiled once per model version from its fitted input schema.
 *
 * `instancesToTable` (src/features/instances.ts) is the reference: it checks every field and words every error. It
 * walks the schema generically, which costs a keyed property load, a closure call and a result object per field. The
 * reader generated here does the same checks with one straight-line block per field (named property loads the engine
 * can cache) and writes the columns directly. It never words an error: on the first problem it returns null and the
 * caller re-runs `instancesToTable` on the same instances, whose error names the instance and field. Accepting exactly
 * what the reference accepts, and producing the same Table, is what test/unit/serving/instanceReader.test.ts checks.
 */
import type { Table } from '../data/table';
import type { FittedFeatures } from '../features/fitted';
import { parseDatetime } from '../features/instances';

/** Validates and converts instances; null when any instance has a problem (ask `instancesToTable` for the words). */
export type InstanceReader = (rows: readonly unknown[]) => Table | null;

export function compileInstanceReader(fitted: FittedFeatures): InstanceReader {
  const schema = fitted.inputSchema;
  const alloc: string[] = [];
  const body: string[] = [];
  const columns: string[] = [];
  schema.forEach((col, j) => {
    const key = JSON.stringify(col.name);
    const get = `v = r[${key}];`;
    switch (col.type) {
      case 'numeric':
        alloc.push(`const f${j} = new Float64Array(n);`);
        // v - v is 0 for finite numbers and NaN for NaN and ±Infinity.
        body.push(`${get} if (typeof v === 'number') { if (v - v !== 0) return null; f${j}[i] = v; } else if (v === null) f${j}[i] = NaN; else return null;`);
        columns.push(`{ name: ${key}, type: 'numeric', values: f${j} }`);
        break;
      case 'boolean':
        alloc.push(`const f${j} = new Float64Array(n);`);
        body.push(
          `${get} if (v === true || v === 1) f${j}[i] = 1; else if (v === false || v === 0) f${j}[i] = 0; else if (v === null) f${j}[i] = NaN; else return null;`,
        );
        columns.push(`{ name: ${key}, type: 'boolean', values: f${j} }`);
        break;
      case 'datetime':
        alloc.push(`const f${j} = new Float64Array(n);`);
        body.push(
          `${get} if (typeof v === 'number') { if (v - v !== 0) return null; f${j}[i] = v; } ` +
            `else if (typeof v === 'string') { const ms = parseDatetime(v); if (ms - ms !== 0) return null; f${j}[i] = ms; } ` +
            `else if (v === null) f${j}[i] = NaN; else return null;`,
        );
        columns.push(`{ name: ${key}, type: 'datetime', values: f${j} }`);
        break;
      case 'categorical':
      case 'text':
        // Codes number the distinct values in order of first appearance, as instancesToTable does.
        alloc.push(`const c${j} = new Int32Array(n); const m${j} = new Map();`);
        body.push(
          `${get} if (typeof v === 'string') { let code = m${j}.get(v); if (code === undefined) { code = m${j}.size; m${j}.set(v, code); } c${j}[i] = code; } ` +
            `else if (v === null) c${j}[i] = -1; else return null;`,
        );
        columns.push(`{ name: ${key}, type: '${col.type}', codes: c${j}, levels: [...m${j}.keys()] }`);
        break;
    }
  });
  // Every schema field was present (undefined is refused above), so a key count equal to the schema's size means
  // there is no unexpected field. Objects from JSON.parse inherit nothing enumerable, so for-in counts own keys.
  const source = `
    return function readInstances(rows) {
      const n = rows.length;
      ${alloc.join('\n      ')}
      let v;
      for (let i = 0; i < n; i++) {
        const r = rows[i];
        if (typeof r !== 'object' || r === null || Array.isArray(r)) return null;
        ${body.join('\n        ')}
        let keys = 0;
        for (const k in r) keys++;
        if (keys !== ${schema.length}) return null;
      }
      return { nrows: n, columns: [${columns.join(', ')}] };
    };`;
  return new Function('parseDatetime', source)(parseDatetime) as InstanceReader;
}
