/**
 * One spelling of an entity key for the online store, written by materialization and asked for by serving:
 * a JSON array of the key values as text, so `42`, `"42"` and `42.0` name the same customer.
 */
export function entityKey(values: readonly unknown[]): string {
  return JSON.stringify(values.map((v) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : v === null || v === undefined ? null : String(v))));
}
