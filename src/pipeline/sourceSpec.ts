/**
 * Where a table comes from, as written in a spec: a path or URI (file, s3://, http(s)://), the same with its
 * format, or a PostgreSQL query. Shared by pipeline specs and feature views, so both accept every source.
 */
import { z } from 'zod';

export const sourceSchema = z.union([
  z.string().min(1),
  z.strictObject({
    uri: z.string().min(1),
    format: z.enum(['csv', 'jsonl', 'parquet']).optional(),
  }),
  z.strictObject({
    query: z.string().min(1),
    /** Name of the environment variable holding the PostgreSQL URL to run the query against. */
    databaseUrlEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).default('SOURCE_DATABASE_URL'),
  }),
]);
