/**
 * How a prediction record is written into `prediction_log`: one line of PostgreSQL's COPY text format, the same
 * bytes for PostgreSQL (COPY ... FROM STDIN) and PGlite (COPY ... FROM '/dev/blob').
 *
 * Why COPY: the database reads each row as it arrives, where an INSERT from json_to_recordset parsed the whole batch
 * as one JSON document first and then checked every `json` value again; on this project's bench COPY costs
 * PostgreSQL about 35% less CPU per row, and PGlite (which runs on the serving thread) 40% less. The serving side
 * gains as well: a batch is the queued bytes as they are, never decoded into one large string and encoded again.
 *
 * A line is the columns of LOG_COLUMNS, tab-separated, `\N` for null; inside a value a backslash, tab, newline and
 * carriage return are escaped (`\\`, `\t`, `\n`, `\r`). `features` is the instance's JSON text as the client sent it
 * (whitespace and escapes included); `output` is JSON rendered here.
 */
import { getTableName } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { predictionLog } from '../db/schema';

/** One queued row decoded (tests, and the feedback route's scan of what is queued): the table's column names. */
export interface LoggedRow {
  model_name: string;
  model_version: number;
  request_id: string;
  features: unknown;
  output: unknown;
  error: string | null;
  shadow: boolean;
  latency_ms: number;
  created_at: string;
}

/** What one row is made from (a PredictionRecord is one), besides its output. */
export interface RowValues {
  modelName: string;
  modelVersion: number;
  requestId: string;
  /** JSON text. */
  features: string;
  error: string | null;
  shadow: boolean;
  latencyMs: number;
  at: number;
}

const t = predictionLog;
/** The columns a line holds, in order. */
const LOG_COLUMNS: readonly PgColumn[] = [t.modelName, t.modelVersion, t.requestId, t.features, t.output, t.error, t.shadow, t.latencyMs, t.createdAt];

/** `copy prediction_log (...) from <source>`: STDIN for PostgreSQL, '/dev/blob' for PGlite. */
export function copyStatement(source: 'stdin' | "'/dev/blob'"): string {
  return `copy "${getTableName(t)}" (${LOG_COLUMNS.map((c) => `"${c.name}"`).join(', ')}) from ${source}`;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value as COPY text reads it back. */
function escape(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : s;
}

const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };

function unescape(s: string): string {
  return s.includes('\\') ? s.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c] ?? c) : s;
}

/**
 * Encodes rows. Records of one request share its model and creation time, so their text is made once and reused.
 */
export class RowEncoder {
  private lastModel = '';
  private modelText = '';
  private lastAt = NaN;
  private atText = '';

  /** One line, without its newline; `output` is JSON text. */
  row(r: RowValues, output: string): string {
    if (r.modelName !== this.lastModel) {
      this.lastModel = r.modelName;
      this.modelText = escape(r.modelName);
    }
    if (r.at !== this.lastAt) {
      this.lastAt = r.at;
      this.atText = new Date(r.at).toISOString();
    }
    return (
      `${this.modelText}\t${r.modelVersion}\t${escape(r.requestId)}\t${escape(r.features || '{}')}\t${escape(output)}\t` +
      `${r.error === null ? '\\N' : escape(r.error)}\t${r.shadow ? 't' : 'f'}\t${Number.isFinite(r.latencyMs) ? r.latencyMs : 0}\t${this.atText}`
    );
  }
}

/**
 * A line's model and request id, without decoding the rest (its instance and output JSON): the feedback route scans
 * every queued row for these two.
 */
export function rowKey(line: string): { modelName: string; requestId: string } {
  const [model, , requestId] = line.split('\t', 3);
  return { modelName: unescape(model), requestId: unescape(requestId) };
}

/** A line read back (without its newline). */
export function parseRow(line: string): LoggedRow {
  const f = line.split('\t');
  if (f.length !== LOG_COLUMNS.length) throw new Error(`a prediction-log row has ${f.length} fields, expected ${LOG_COLUMNS.length}`);
  return {
    model_name: unescape(f[0]),
    model_version: Number(f[1]),
    request_id: unescape(f[2]),
    features: JSON.parse(unescape(f[3])),
    output: JSON.parse(unescape(f[4])),
    error: f[5] === '\\N' ? null : unescape(f[5]),
    shadow: f[6] === 't',
    latency_ms: Number(f[7]),
    created_at: f[8],
  };
}
