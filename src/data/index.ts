export * from './table';
export { DataError, type DataErrorCode } from './errors';
export { readCsv, readCsvBuffer, type CsvReadOptions } from './csv';
export { detectDelimiter, CANDIDATE_DELIMITERS } from './csv-sniff';
export { readJsonLines, type JsonLinesReadOptions } from './jsonl';
export { readParquet, type ParquetReadOptions } from './parquet';
export { readTable, detectFormat, TABLE_FORMATS, type TableFormat, type ReadTableOptions } from './read';
export {
  DEFAULT_MISSING_VALUES,
  parseNumber,
  parseDatetime,
  parseBooleanWord,
  parseBooleanLoose,
  classifyCell,
  chooseStringType,
  type InferOptions,
} from './infer';
export {
  schemaSpecSchema,
  schemaSchema,
  columnTypeSchema,
  schemaOf,
  parseSchemaSpec,
  type Schema,
  type SchemaColumn,
  type SchemaSpec,
  type SchemaSpecInput,
} from './schema';
export type { BuildOptions } from './table-builder';
export { tableStats, columnStats, quantileOfSorted, QUANTILE_LEVELS, type ColumnStats, type TableStats, type TopValue, type Quantiles } from './stats';
export { encodeTable, decodeTable, TABLE_MAGIC, TABLE_FORMAT_VERSION, type DecodeOptions } from './codec';
export { randomSplit, stratifiedSplit, timeSplit, type SplitOptions, type SplitRatios, type SplitIndexes } from './split';
