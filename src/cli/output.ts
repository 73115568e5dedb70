/** Printing for the CLI: aligned tables, JSON when asked, and errors as one readable message. */
import { ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { failedReasons } from '../contract/checks';
import type { RunOutcome } from '../contract/types';
import { DataError } from '../data/errors';
import { isUserError, UserError } from '../errors';

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

/** A finished run in one line: its outcome and, when it stopped short, the checks that failed. */
export function describeOutcome(o: RunOutcome): string {
  switch (o.status) {
    case 'succeeded':
      return `succeeded: v${o.modelVersion}${o.deployed ? ' deployed' : ''}`;
    case 'reproduced':
      return `reproduced: artifact sha256:${o.artifactHash}`;
    case 'rejected':
      return `rejected: v${o.modelVersion}: ${o.reason}`;
    case 'not_blessed':
    case 'rolled_back':
      return `${o.status.replace('_', ' ')}: v${o.modelVersion}: ${failedReasons(o).join('; ') || 'no failed check recorded'}`;
  }
}

/**
 * An error a person fixes prints as its message alone; anything unexpected keeps its stack for a bug report.
 * Temporal's "no such workflow / schedule" and the data readers' DataError are a person's to fix too, but
 * are not ours to derive from UserError (DataError lives in src/data, another module's to change).
 */
export function isReportable(err: unknown): boolean {
  return isUserError(err) || err instanceof DataError || err instanceof WorkflowNotFoundError || err instanceof ScheduleNotFoundError;
}

export function reportError(err: unknown): never {
  if (isReportable(err)) console.error(`bosun: ${(err as Error).message}`);
  else console.error(`bosun: unexpected error: ${(err as Error | undefined)?.stack ?? String(err)}`);
  process.exit(1);
}

/**
 * Errors nobody awaited end the command through reportError too: a pipeline file's promise rejected after
 * it loaded (src/pipeline/loadPipeline.ts rethrows it as a PipelineFileError) prints as one line.
 */
export function reportUncaught(): void {
  process.on('uncaughtException', reportError);
}

/** A command's own refusal: a bad argument, a name that does not exist. */
export class CliError extends UserError {}
