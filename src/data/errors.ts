/**
 * Errors raised for bad input data. Readers translate library errors (csv-parse, hyparquet, JSON.parse) into
 * a DataError so a user sees what is wrong, where, and what to do, never a library stack trace.
 */
export type DataErrorCode =
  | 'empty-input'
  | 'no-data-rows'
  | 'ragged-row'
  | 'malformed-quoting'
  | 'malformed-csv'
  | 'duplicate-column'
  | 'unknown-format'
  | 'invalid-value'
  | 'schema-mismatch'
  | 'malformed-json'
  | 'malformed-parquet'
  | 'corrupt-table'
  | 'invalid-argument';

export interface DataErrorDetails {
  /** 1-based line or row in the source file, when the problem has a place. */
  row?: number;
  column?: string;
}

export class DataError extends Error {
  readonly code: DataErrorCode;
  readonly row?: number;
  readonly column?: string;

  constructor(code: DataErrorCode, message: string, details: DataErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
    this.code = code;
    this.row = details.row;
    this.column = details.column;
  }
}

/** Quote a cell value for an error message, shortened so a huge field cannot flood the log. */
export function quoteValue(value: string, max = 60): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}
