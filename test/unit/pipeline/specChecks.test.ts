import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../../src/monitor/cron';
import { ensureDriftSchedule, ensureTrainingSchedule } from '../../../src/monitor/schedules';
import { assertMetricsFit } from '../../../src/pipeline/metricsFit';
import { BadInputError } from '../../../src/pipeline/errors';
import { parsePipelineSpec, SpecError, type PipelineSpecInput } from '../../../src/pipeline/spec';

const base: PipelineSpecInput = { name: 'credit', source: 'data.csv', target: 'default', model: { algorithm: 'gbdt' } };

function problems(raw: unknown): string[] {
  try {
    parsePipelineSpec(raw);
    return [];
  } catch (e) {
    if (e instanceof SpecError) return e.problems;
    throw e;
  }
}

describe('monitor.cron is validated at submit', () => {
  it('refuses values out of range, with the field and an example', () => {
    // Accepted before: the model deployed, then the monitor stage failed creating the schedule.
    expect(problems({ ...base, monitor: { cron: '99 99 99 99 99' } })).toEqual([
      expect.stringMatching(/^monitor\.cron: expected a 5-field cron expression such as "0 \* \* \* \*".*"99 99 99 99 99": invalid value for minute: 99$/),
    ]);
    expect(problems({ ...base, monitor: { cron: '0 25 * * *' } }).join()).toMatch(/monitor\.cron: .*hour/);
    expect(problems({ ...base, monitor: { cron: '0 0 31 2 *' } }).join()).toMatch(/never fires/);
    expect(problems({ ...base, monitor: { cron: '0 0 L * *' } }).join()).toMatch(/day of month field "L" is not valid/);
    expect(problems({ ...base, monitor: { cron: '* * * * * *' } }).join()).toMatch(/6 fields; expected 5/);
    expect(problems({ ...base, monitor: { cron: '@fortnightly' } }).join()).toMatch(/not a cron nickname/);
  });

  it('is checked again before a schedule is created (bosun schedule create --cron, the monitor stage)', async () => {
    // Refused before the Temporal client is touched, so a bare object stands in for it.
    const client = {} as never;
    await expect(ensureTrainingSchedule(client, { taskQueue: 'q', input: {} as never, plan: {} as never, cron: '61 * * * *' })).rejects.toThrow(BadInputError);
    await expect(ensureTrainingSchedule(client, { taskQueue: 'q', input: {} as never, plan: {} as never, cron: '61 * * * *' })).rejects.toThrow(/^--cron: expected a 5-field cron expression.*minute/);
    await expect(ensureDriftSchedule(client, { taskQueue: 'q', model: 'm', cron: '99 99 99 99 99', window: '24h', catchupWindow: '1h' })).rejects.toThrow(/^monitor\.cron: /);
  });

  it('accepts the forms Temporal schedules take', () => {
    for (const cron of ['0 * * * *', '*/15 9-17 * * 1-5', '30 2 1,15 * *', '0 0 * JAN-MAR mon', '0 12 * * 0', '0 12 * * 7', '@hourly', '@daily', '@weekly']) {
      expect(cronProblem(cron), cron).toBeNull();
      expect(problems({ ...base, monitor: { cron } }), cron).toEqual([]);
    }
  });
});

describe('metrics that cannot be computed for the task', () => {
  it('are refused at submit when the spec sets task', () => {
    const got = problems({ ...base, task: 'binary', evaluation: { primaryMetric: 'r2', gates: [{ metric: 'rmse', max: 1 }] } });
    expect(got).toEqual([
      expect.stringMatching(/^evaluation\.primaryMetric: "r2" is a regression metric and cannot be computed for a binary task \(target "default"\); metrics valid for binary: accuracy, .*roc_auc/),
      expect.stringMatching(/^evaluation\.gates\[0\]\.metric: "rmse" is a regression metric/),
    ]);
    const search = { strategy: 'grid' as const, space: { maxIter: [10, 20] }, metric: 'roc_auc' };
    expect(problems({ ...base, task: 'regression', model: { algorithm: 'gbdt', search } })).toEqual([
      expect.stringMatching(/^model\.search\.metric: "roc_auc" is a classification metric .*metrics valid for regression: rmse, mae, r2$/),
    ]);
    expect(problems({ ...base, model: { algorithm: 'gbdt', search: { ...search, metric: 'auc' } } })).toEqual([expect.stringMatching(/^model\.search\.metric: unknown metric "auc"; valid metrics are: /)]);
    expect(problems({ ...base, task: 'multiclass', evaluation: { primaryMetric: 'f1_macro' } })).toEqual([]);
  });

  it('are bad input (not retried) once the task is inferred from the data', () => {
    const spec = parsePipelineSpec({ ...base, evaluation: { primaryMetric: 'r2' } });
    expect(() => assertMetricsFit(spec, 'binary')).toThrow(BadInputError);
    expect(() => assertMetricsFit(spec, 'binary')).toThrow(/evaluation\.primaryMetric: "r2" .*binary task .*metrics valid for binary: accuracy/);
    expect(() => assertMetricsFit(spec, 'binary')).toThrow(/inferred from the data; set `task`/);
    expect(() => assertMetricsFit(spec, 'regression')).not.toThrow();
  });
});

describe('specs the fuzz suite found', () => {
  it('a spec that is not an object says what a pipeline is', () => {
    expect(problems(true)).toEqual(['(spec): a pipeline is an object such as definePipeline({ name, source, target, model }), got boolean']);
    expect(problems(null)).toEqual([expect.stringMatching(/got null$/)]);
  });

  it('task set and model missing reports the missing model instead of crashing the metric check', () => {
    const { model: _, ...noModel } = base;
    expect(problems({ ...noModel, task: 'binary', evaluation: { gates: [{ metric: 'r2', min: 0 }] } })).toEqual([
      expect.stringMatching(/^model: /),
      expect.stringMatching(/^evaluation\.gates\[0\]\.metric: "r2" is a regression metric/),
    ]);
  });
});

describe('validation rules no data could pass', () => {
  it('are refused at submit', () => {
    expect(problems({ ...base, validation: { rowCount: { min: 500, max: 100 } } })).toEqual(['validation.rowCount.min: min is above max, so no data could pass; swap them']);
    expect(problems({ ...base, validation: { columns: { age: { range: { min: 120, max: 0 } } } } })).toEqual(['validation.columns.age.range.min: min is above max, so no value could pass; swap them']);
    expect(problems({ ...base, validation: { columns: { at: { range: { min: '2025-01-01', max: '2024-01-01' } } } } })).toHaveLength(1);
    expect(problems({ ...base, validation: { rowCount: { min: 100, max: 100 } } })).toEqual([]);
  });
});
