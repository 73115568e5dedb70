import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePipelineSpec, pipelineSpecSchema, SpecError } from '../../../src/pipeline/spec';

// Property: a spec near a valid one (fields dropped, replaced by other valid values or by anything at all)
// either validates or yields issues that each carry a path and a message; validation never throws.
const SEED = 20261203;
const RUNS = 300;

const valid = {
  name: 'credit-risk',
  description: 'fuzz',
  source: 'data.csv',
  target: 'label',
  task: 'binary',
  positiveClass: 'yes',
  seed: 7,
  schema: { columns: [{ name: 'id', type: 'text' }] },
  validation: { rowCount: { min: 10, max: 1000 }, target: { minClassCount: 2 }, maxNullRatio: 0.05, columns: { age: { range: { min: 0, max: 120 } } } },
  features: 'auto',
  split: { strategy: 'stratified', testSize: 0.25 },
  model: { algorithm: 'logistic_regression', params: { maxIter: 100 }, search: { strategy: 'grid', space: { c: [0.1, 1] }, metric: 'roc_auc' } },
  evaluation: { primaryMetric: 'roc_auc', gates: [{ metric: 'roc_auc', min: 0.8 }], slices: ['age'], champion: { mustBeatBy: 0 } },
  approval: { approvers: ['dr-ada'], required: 1, fourEyes: true, timeout: '72h', onTimeout: 'reject' },
  deploy: { strategy: 'canary', canaryPercent: 10, verifyWindow: '15m' },
  monitor: { cron: '0 * * * *', window: '24h', drift: { psiThreshold: 0.2, minSamples: 500 } },
} as const;

/** Other values each field could plausibly take, valid or not. */
const alternatives: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.constantFrom('x', 'Credit Risk', '', 'a'.repeat(80), '9lives'),
  source: fc.constantFrom('s3://b/k.csv', 'https://example.test/x.csv', { uri: 'x.parquet', format: 'parquet' }, { query: 'select 1' }, { uri: '' }, 42),
  target: fc.constantFrom('', 'y', null),
  task: fc.constantFrom('regression', 'multiclass', 'ranking'),
  positiveClass: fc.constantFrom('no', 1, ''),
  seed: fc.constantFrom(-1, 1.5, 2 ** 40, Number.NaN),
  features: fc.constantFrom([{ standardize: ['age'] }], [{ onehot: 'x' }], [{ nope: 1 }], 'manual', []),
  split: fc.constantFrom({ strategy: 'time' }, { strategy: 'time', timeColumn: 't' }, { testSize: 1 }, { testSize: 0 }, { strategy: 'random', testSize: 0.5 }),
  model: fc.constantFrom({ algorithm: 'gbdt' }, { algorithm: 'xgboost' }, { algorithm: 'gbdt', params: { maxIter: -1 } }, { algorithm: 'gbdt', search: { strategy: 'random', space: {}, trials: 0 } }, {}),
  evaluation: fc.constantFrom({ primaryMetric: 'r2' }, { gates: [{ metric: 'rmse', min: 2, max: 1 }] }, { gates: [{ metric: 'auc' }] }, { fairness: { maxDemographicParityDiff: 2 } }, {}),
  validation: fc.constantFrom({ rowCount: { min: 5, max: 1 } }, { maxNullRatio: 2 }, { columns: { a: { range: {} } } }, { infinity: 'maybe' }),
  approval: fc.constantFrom({ required: 0 }, { approvers: [] }, { timeout: 'soon' }, { autoApprove: true }),
  deploy: fc.constantFrom({ strategy: 'blue-green' }, { canaryPercent: 100 }, { verifyWindow: '1 day' }, { strategy: 'direct' }),
  monitor: fc.constantFrom({ cron: '99 99 99 99 99' }, { cron: '@daily' }, { cron: '0 0 31 2 *' }, { cron: 5 }, { window: '1w' }, { drift: { psiThreshold: -1 } }, {}),
};

const keys = Object.keys(alternatives);
/** One edit of the valid spec: a field dropped, given another plausible value, anything at all, or an unknown key. */
const edit = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...keys).map((k) => ({ key: k, drop: true as const })) },
  { weight: 4, arbitrary: fc.constantFrom(...keys).chain((k) => alternatives[k].map((value) => ({ key: k, value }))) },
  { weight: 1, arbitrary: fc.record({ key: fc.constantFrom(...keys), value: fc.anything({ maxDepth: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ key: fc.string({ maxLength: 6 }), value: fc.anything({ maxDepth: 1 }) }) },
);

const nearSpec = fc.array(edit, { maxLength: 3 }).map((edits) => {
  const spec: Record<string, unknown> = structuredClone(valid) as Record<string, unknown>;
  for (const e of edits) {
    if ('drop' in e) delete spec[e.key];
    else spec[e.key] = e.value;
  }
  return spec;
});

describe('fuzz: the pipeline spec schema', () => {
  it('validates or reports issues with a path and a message, never throws', () => {
    let ok = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(nearSpec, fc.anything({ maxDepth: 3 })), (raw) => {
        const res = pipelineSpecSchema.safeParse(raw);
        if (res.success) {
          ok++;
          expect(() => parsePipelineSpec(raw)).not.toThrow();
          return;
        }
        refused++;
        for (const issue of res.error.issues) {
          expect(Array.isArray(issue.path)).toBe(true);
          expect(issue.message).toEqual(expect.any(String));
          expect(issue.message.length).toBeGreaterThan(0);
        }
        let err: unknown;
        try {
          parsePipelineSpec(raw);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(SpecError);
        for (const p of (err as SpecError).problems) {
          // "field.path: message", or a top-level message ("unknown field …", "(spec): …").
          expect(p).toMatch(/: \S|^unknown field/);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(ok).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
