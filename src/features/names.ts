/** Output column names: readable, stable across refits, and shared by validation, fit and apply. */
import type { DatetimePart } from './spec';

/** `color=red`: one column per category. */
export function onehotName(column: string, category: string | number): string {
  return `${column}=${category}`;
}
/** The bucket that infrequent (and, with handleUnknown: ignore, unseen) categories share. */
export const OTHER_CATEGORY = '__other__';
/** `age__missing`: 1 where the value was missing before imputation. */
export function indicatorName(column: string): string {
  return `${column}__missing`;
}
/** `date__month`. */
export function partName(column: string, part: DatetimePart): string {
  return `${column}__${part}`;
}
