import { describe, expect, it } from 'vitest';
import { formatPercent, renderValidationReport, type ValidationReport } from '../../../src/validation/report';

describe('formatPercent', () => {
  it.each([
    [0.14, '14%'],
    [0.05, '5%'],
    [0.1234, '12.3%'],
    [0.012, '1.2%'],
    [0.0004, '0.04%'],
    [0.00004, '0.004%'],
    [0, '0%'],
    [1, '100%'],
  ])('%s → %s', (ratio, text) => {
    expect(formatPercent(ratio)).toBe(text);
  });
});

describe('renderValidationReport', () => {
  it('lists errors then warnings with their rules', () => {
    const report: ValidationReport = {
      ok: false,
      errors: [{ rule: 'maxNullRatio', column: 'age', message: 'column "age": 14% nulls, limit 5%', observed: 0.14, allowed: 0.05 }],
      warnings: [{ rule: 'constantColumns', column: 'x', message: 'column "x" is constant: every value is "3"', observed: '3', allowed: '' }],
    };
    expect(renderValidationReport(report)).toBe(
      [
        'Validation failed: 1 error, 1 warning',
        'Errors:',
        '  - column "age": 14% nulls, limit 5%  [maxNullRatio]',
        'Warnings:',
        '  - column "x" is constant: every value is "3"  [constantColumns]',
      ].join('\n'),
    );
  });

  it('says when everything passed', () => {
    expect(renderValidationReport({ ok: true, errors: [], warnings: [] })).toBe('Validation passed');
  });
});
