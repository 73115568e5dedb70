/** Printing for the CLI: aligned tables, JSON when asked, and errors as one readable message. */
export function printTable(rows: Record<string, unknown>[], columns?: string[]): void {
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  const cols = columns ?? Object.keys(rows[0]);
  const cells = rows.map((r) => cols.map((c) => format(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  console.log(cols.map((c, i) => c.toUpperCase().padEnd(widths[i])).join('  '));
  for (const row of cells) console.log(row.map((v, i) => v.padEnd(widths[i])).join('  '));
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

function format(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (v instanceof Date) return v.toISOString().replace('T', ' ').slice(0, 19);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(4);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Known errors print as their message alone; anything unexpected keeps its stack for a bug report. */
export function reportError(err: unknown): never {
  const e = err as Error;
  const known = ['ConfigError', 'DatabaseError', 'ObjectStoreError', 'TemporalUnreachableError', 'SpecError', 'BadInput', 'MissingProgramError', 'CliError', 'DataError', 'WorkflowNotFoundError', 'RegistryError', 'ScheduleNotFoundError'];
  if (known.includes(e?.name)) console.error(`bosun: ${e.message}`);
  else console.error(`bosun: unexpected error: ${e?.stack ?? String(err)}`);
  process.exit(1);
}

export class CliError extends Error {
  override name = 'CliError';
}
