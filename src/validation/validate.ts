/**
 * Runs every validation rule over a table and collects the issues by severity.
 */
import type { Schema } from '../data/schema';
import type { Table } from '../data/table';
import { parseExpectations, type ExpectationsInput } from './expectations';
import { IssueSink, type ValidationReport } from './report';
import { checkColumnExpectations, checkNullRatios } from './rules/columns';
import { RuleContext, type RuleOptions } from './rules/context';
import { checkSchemaChange } from './rules/schema-change';
import { checkDuplicateRows, checkInfinity, checkRowCount, checkUninformativeColumns } from './rules/table';
import { checkTarget } from './rules/target';

export type ValidateOptions = RuleOptions;

/**
 * @param schema the table's schema (inferred or declared), used for type and schema-change rules
 * @param expectations the spec's `validation` section, raw or already parsed; omitted means defaults only
 */
export function validateTable(
  table: Table,
  schema: Schema,
  expectations: ExpectationsInput = {},
  options: ValidateOptions = {},
): ValidationReport {
  const sink = new IssueSink();
  const ctx = new RuleContext(table, schema, parseExpectations(expectations), sink, options);
  checkSchemaChange(ctx);
  checkRowCount(ctx);
  checkColumnExpectations(ctx);
  checkNullRatios(ctx);
  checkTarget(ctx);
  checkInfinity(ctx);
  checkUninformativeColumns(ctx);
  checkDuplicateRows(ctx);
  return sink.report();
}
