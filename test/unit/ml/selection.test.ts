import { describe, expect, it } from 'vitest';
import { initModelSection } from '../../../src/cli/init';
import { crossValidate, foldCount, meanScore, validationFolds } from '../../../src/ml/crossValidation';
import { holdoutSplit } from '../../../src/ml/holdout';
import { matrix } from '../../../src/ml/matrix';
import { fitModel } from '../../../src/ml/model';
import { createRng } from '../../../src/ml/random';
import { expandSelection, selectionSpecIssues, MAX_SELECTION_ENTRIES } from '../../../src/ml/selection';
import { AUTO_CV_MAX_ROWS } from '../../../src/ml/spec';
import { pipelineSpecSchema } from '../../../src/pipeline/spec';

describe('validationFolds', () => {
  it('k-fold: every row validates exactly once, train and validation partition the rows', () => {
    const folds = validationFolds(103, 5, createRng(1));
    expect(folds).toHaveLength(5);
    const seen = new Int32Array(103);
    for (const f of folds) {
      expect(f.train.length + f.validation.length).toBe(103);
      const inVal = new Set(f.validation);
      for (const r of f.train) expect(inVal.has(r)).toBe(false);
      for (const r of f.validation) seen[r]++;
      expect([20, 21]).toContain(f.validation.length);
      expect([...f.validation]).toEqual([...f.validation].sort((a, b) => a - b));
    }
    expect([...seen].every((n) => n === 1)).toBe(true);
  });

  it('stratified folds keep each class share (within one row per fold)', () => {
    const y = new Float64Array(100).map((_, i) => (i < 10 ? 1 : 0)); // 10% positives
    for (const f of validationFolds(100, 5, createRng(3), y)) {
      const pos = [...f.validation].filter((r) => y[r] === 1).length;
      expect(pos).toBe(2);
      expect(f.validation.length).toBe(20);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = validationFolds(50, 5, createRng(9)).map((f) => [...f.validation]);
    expect(validationFolds(50, 5, createRng(9)).map((f) => [...f.validation])).toEqual(a);
    expect(validationFolds(50, 5, createRng(10)).map((f) => [...f.validation])).not.toEqual(a);
  });

  it('"auto" cross-validates small training splits and holds out 20% of large ones; "holdout" is the old single split', () => {
    expect(foldCount('auto', AUTO_CV_MAX_ROWS - 1)).toBe(5);
    expect(foldCount('auto', AUTO_CV_MAX_ROWS)).toBe(1);
    expect(foldCount(undefined, 100)).toBe(1);
    expect(foldCount(3, 1_000_000)).toBe(3);
    const y = new Float64Array(40).map((_, i) => i % 2);
    expect(validationFolds(40, 'holdout', createRng(4), y)).toEqual([holdoutSplit(40, 0.2, createRng(4), y)]);
  });

  it('refuses more folds than the rows can fill, saying what to do', () => {
    expect(() => validationFolds(7, 5, createRng(1))).toThrow(/cannot cross-validate 7 training rows in 5 folds.*fewer folds/);
  });
});

describe('meanScore', () => {
  it('averages the folds that have a score and is NaN when none has', () => {
    expect(meanScore([0.8, NaN, 0.9])).toBeCloseTo(0.85, 12);
    expect(meanScore([NaN, NaN])).toBeNaN();
  });
});

describe('crossValidate', () => {
  it('scores each fold on rows its model never saw', async () => {
    // y = x: a ridge fit on any fold predicts the held-out rows almost exactly; a constant would not.
    const n = 60;
    const X = matrix(n, 1, Float64Array.from({ length: n }, (_, i) => i));
    const y = Float64Array.from({ length: n }, (_, i) => i);
    const folds = validationFolds(n, 4, createRng(2));
    const fitted: number[] = [];
    const r = await crossValidate(X, y, folds, 'rmse', (Xf, yf, f) => {
      fitted.push(Xf.rows);
      expect(Xf.rows).toBe(folds[f].train.length);
      return fitModel({ algorithm: 'linear_regression', params: { alpha: 0 } }, Xf, yf, { kind: 'regression' }, { seed: 1 });
    });
    expect(fitted).toEqual([45, 45, 45, 45]);
    expect(r.foldScores).toHaveLength(4);
    expect(r.score).toBeLessThan(1e-6);
  });
});

describe('the { candidates } model section', () => {
  const section = {
    candidates: [
      { algorithm: 'logistic_regression', search: { strategy: 'grid', space: { c: [0.1, 1] } } },
      { algorithm: 'gbdt', params: { maxIter: 20 } },
    ],
    cv: 'auto',
    metric: 'roc_auc',
  };

  it('expands every candidate in order, each tagged with its algorithm', () => {
    expect(selectionSpecIssues(section)).toEqual([]);
    expect(expandSelection(section as never, 1)).toEqual([
      { algorithm: 'logistic_regression', params: { c: 0.1 } },
      { algorithm: 'logistic_regression', params: { c: 1 } },
      { algorithm: 'gbdt', params: { maxIter: 20 } },
    ]);
  });

  it('reports every problem with its path: a bad candidate, a per-candidate metric, bad cv, too many entries', () => {
    const issues = selectionSpecIssues({
      candidates: [{ algorithm: 'gbdtt' }, { algorithm: 'gbdt', search: { strategy: 'grid', space: { maxIter: [5] }, metric: 'log_loss' } }],
      cv: 1,
      folds: 3,
    });
    const at = (path: (string | number)[]) => issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path))?.message;
    expect(at(['candidates', 0, 'algorithm'])).toMatch(/unknown algorithm "gbdtt" \(did you mean gbdt\?\)/);
    expect(at(['candidates', 1, 'search', 'metric'])).toMatch(/set metric once for all candidates, as model\.metric/);
    expect(at(['cv'])).toMatch(/expected "auto", "holdout" or a number of folds from 2 to 20, got 1/);
    expect(at(['folds'])).toMatch(/unknown key/);
    const many = { candidates: Array.from({ length: MAX_SELECTION_ENTRIES + 1 }, () => ({ algorithm: 'gbdt' })) };
    expect(selectionSpecIssues(many)[0].message).toMatch(/at most 16 candidates/);
    expect(selectionSpecIssues({ candidates: [] })[0].path).toEqual(['candidates']);
  });

  it('is accepted by the pipeline spec, and a misfit ranking metric is refused at model.metric', () => {
    const base = { name: 'p', source: 'x.csv', target: 'y', model: section };
    const ok = pipelineSpecSchema.safeParse(base);
    expect(ok.success).toBe(true);
    if (ok.success) expect(ok.data.model.algorithm).toBe('select');
    const bad = pipelineSpecSchema.safeParse({ ...base, task: 'regression', model: { ...section, metric: 'roc_auc' } });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues.map((i) => i.path.join('.'))).toContain('model.metric');
  });

  it('search.cv is validated on a single model too', () => {
    const r = pipelineSpecSchema.safeParse({ name: 'p', source: 'x.csv', target: 'y', model: { algorithm: 'gbdt', search: { strategy: 'grid', space: { maxIter: [5] }, cv: 'kfold' } } });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0].path).toEqual(['model', 'search', 'cv']);
  });

  it("bosun init's section is valid for every task kind", () => {
    for (const kind of ['binary', 'multiclass', 'regression'] as const) {
      const s = initModelSection(kind);
      expect(selectionSpecIssues(s)).toEqual([]);
      expect(expandSelection(s, 42).length).toBe(12);
    }
  });
});
