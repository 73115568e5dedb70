/**
 * The logical schema of a table, and the spec a pipeline writes to override inference.
 */
import { z } from 'zod';
import { DataError } from './errors';
import { isFloatColumn, type Column, type ColumnType, type Table } from './table';

export const columnTypeSchema = z.enum(['numeric', 'categorical', 'boolean', 'datetime', 'text']);

export interface SchemaColumn {
  name: string;
  type: ColumnType;
  /** True when the column has (or, declared, may have) missing values. */
  nullable: boolean;
}

export interface Schema {
  columns: SchemaColumn[];
}

/** Parses a stored Schema (e.g. the previous run's) back from JSON. */
export const schemaSchema = z.object({
  columns: z.array(z.object({ name: z.string(), type: columnTypeSchema, nullable: z.boolean() })),
});

const declaredColumnSchema = z
  .object({
    name: z.string().min(1),
    type: columnTypeSchema,
    /** Declaring `nullable: false` makes a missing cell a read error. */
    nullable: z.boolean().default(true),
  })
  .strict();

/**
 * A pipeline's declared schema. Declared columns are coerced to their type while reading (a cell that does not fit
 * is an error naming column, row and value); undeclared columns are inferred unless `strict` is set.
 */
export const schemaSpecSchema = z
  .object({
    columns: z.array(declaredColumnSchema),
    /** When true, a column in the file that the spec does not declare is an error. */
    strict: z.boolean().default(false),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of spec.columns.entries()) {
      if (seen.has(c.name)) {
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'name'], message: `column "${c.name}" is declared twice` });
      }
      seen.add(c.name);
    }
  });

export type SchemaSpec = z.output<typeof schemaSpecSchema>;
export type SchemaSpecInput = z.input<typeof schemaSpecSchema>;

/** Validates a declared schema, reporting every problem in one readable message. */
export function parseSchemaSpec(spec: SchemaSpecInput | undefined): SchemaSpec | undefined {
  if (spec === undefined) return undefined;
  const parsed = schemaSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'schema'}: ${i.message}`).join('; ');
    throw new DataError('schema-mismatch', `invalid schema spec: ${problems}`);
  }
  return parsed.data;
}

export function columnHasMissing(column: Column): boolean {
  if (isFloatColumn(column)) {
    const v = column.values;
    for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
    return false;
  }
  const c = column.codes;
  for (let i = 0; i < c.length; i++) if (c[i] < 0) return true;
  return false;
}

/** The schema a table actually has: nullable means at least one missing cell. */
export function schemaOf(table: Table): Schema {
  return {
    columns: table.columns.map((c) => ({ name: c.name, type: c.type, nullable: columnHasMissing(c) })),
  };
}
