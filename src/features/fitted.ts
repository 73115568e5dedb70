/**
 * The fitted transform: learned parameters for every step. It is plain JSON by construction, so the object that
 * fitFeatures returns is exactly what serializeFeatures writes (format described in docs/features-format.md).
 */
import { z } from 'zod';
import type { ColumnType } from '../data/table';
import { DATETIME_PARTS, type DatetimePart, type HandleUnknown, type ImputeStrategy, type Passthrough } from './spec';

export const FEATURES_FORMAT = 'bosun.features';
export const FEATURES_VERSION = 1;

export type FittedStep =
  | { op: 'impute'; strategy: ImputeStrategy; addIndicator: boolean; columns: { name: string; fill: number | string }[] }
  | { op: 'standardize'; columns: { name: string; mean: number; scale: number }[] }
  | { op: 'minmax'; columns: { name: string; min: number; max: number }[] }
  | {
      op: 'onehot';
      handleUnknown: HandleUnknown;
      /** `categories` get a column each (minus the first with dropFirst); `infrequent` share `name=__other__`. */
      columns: { name: string; categories: string[] | number[]; infrequent: string[] | number[]; dropFirst: boolean }[];
    }
  | { op: 'ordinal'; handleUnknown: HandleUnknown; columns: { name: string; categories: string[] }[] }
  | { op: 'bucketize'; columns: { name: string; boundaries: number[] }[] }
  | { op: 'log1p'; columns: string[] }
  /** null bound = unbounded on that side (JSON has no Infinity). */
  | { op: 'clip'; columns: { name: string; min: number | null; max: number | null }[] }
  | { op: 'datetime'; parts: DatetimePart[]; columns: string[] }
  | { op: 'derive'; name: string; expr: string }
  | { op: 'drop'; columns: string[] };

export interface FittedFeatures {
  format: typeof FEATURES_FORMAT;
  version: typeof FEATURES_VERSION;
  /** The columns (name and type) a table or serving instance must provide; nothing else is read. */
  inputSchema: { name: string; type: ColumnType }[];
  /** The target the transform was fitted for; serving instances must not carry it. */
  target: string | null;
  passthrough: Passthrough;
  steps: FittedStep[];
  /** Matrix column names, in order. */
  outputNames: string[];
  /** Things worth knowing about the fit (columns auto mode dropped, values log1p turned into missing, ...). */
  notes: string[];
}

const name = z.string().min(1);
const num = z.number();
const handleUnknown = z.enum(['ignore', 'error']);

export const fittedStepSchema: z.ZodType<FittedStep> = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('impute'),
      strategy: z.enum(['mean', 'median', 'most_frequent', 'constant']),
      addIndicator: z.boolean(),
      columns: z.array(z.object({ name, fill: z.union([num, z.string()]) }).strict()),
    })
    .strict(),
  z.object({ op: z.literal('standardize'), columns: z.array(z.object({ name, mean: num, scale: num.positive() }).strict()) }).strict(),
  z.object({ op: z.literal('minmax'), columns: z.array(z.object({ name, min: num, max: num }).strict()) }).strict(),
  z
    .object({
      op: z.literal('onehot'),
      handleUnknown,
      columns: z.array(
        z
          .object({
            name,
            categories: z.union([z.array(z.string()), z.array(num)]),
            infrequent: z.union([z.array(z.string()), z.array(num)]),
            dropFirst: z.boolean(),
          })
          .strict(),
      ),
    })
    .strict(),
  z.object({ op: z.literal('ordinal'), handleUnknown, columns: z.array(z.object({ name, categories: z.array(z.string()) }).strict()) }).strict(),
  z.object({ op: z.literal('bucketize'), columns: z.array(z.object({ name, boundaries: z.array(num) }).strict()) }).strict(),
  z.object({ op: z.literal('log1p'), columns: z.array(name) }).strict(),
  z.object({ op: z.literal('clip'), columns: z.array(z.object({ name, min: num.nullable(), max: num.nullable() }).strict()) }).strict(),
  z.object({ op: z.literal('datetime'), parts: z.array(z.enum(DATETIME_PARTS)).min(1), columns: z.array(name) }).strict(),
  z.object({ op: z.literal('derive'), name, expr: z.string() }).strict(),
  z.object({ op: z.literal('drop'), columns: z.array(name) }).strict(),
]);

export const fittedFeaturesSchema: z.ZodType<FittedFeatures> = z
  .object({
    format: z.literal(FEATURES_FORMAT),
    version: z.literal(FEATURES_VERSION),
    inputSchema: z.array(z.object({ name, type: z.enum(['numeric', 'categorical', 'boolean', 'datetime', 'text']) }).strict()),
    target: name.nullable(),
    passthrough: z.enum(['drop', 'keep']),
    steps: z.array(fittedStepSchema),
    outputNames: z.array(name),
    notes: z.array(z.string()),
  })
  .strict();
