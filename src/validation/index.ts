export { validateTable, type ValidateOptions } from './validate';
export {
  expectationsSchema,
  parseExpectations,
  severitySchema,
  type Expectations,
  type ExpectationsInput,
  type ColumnExpectation,
  type Severity,
} from './expectations';
export { renderValidationReport, formatPercent, type Issue, type ValidationReport, type JsonValue } from './report';
export { countDuplicateRows } from './duplicates';
