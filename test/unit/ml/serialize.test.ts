import { describe, expect, it } from 'vitest';
import { fitModel, type Model } from '../../../src/ml/model';
import { deserializeModel, serializeModel, type ModelArtifact } from '../../../src/ml/serialize';
import { matrix } from '../../../src/ml/matrix';
import { createRng } from '../../../src/ml/random';
import type { Task } from '../../../src/ml/task';
import type { GbdtModel } from '../../../src/ml/gbdt';
import { randomMatrix } from './helpers';

const X = randomMatrix(300, 3, 1);
const rng = createRng(2);
const yBinary = Float64Array.from({ length: 300 }, (_, i) => (X.data[3 * i] - X.data[3 * i + 2] + 0.3 * rng.normal() > 0 ? 1 : 0));
const yMulti = Float64Array.from({ length: 300 }, (_, i) => (X.data[3 * i] > 0.5 ? 2 : X.data[3 * i + 1] > 0 ? 1 : 0));
const yReg = Float64Array.from({ length: 300 }, (_, i) => Math.sin(X.data[3 * i]) + 0.1 * rng.normal());
const binary: Task = { kind: 'binary', classes: ['neg', 'pos'] };
const multi: Task = { kind: 'multiclass', classes: ['a', 'b', 'c'] };

/** Unseen rows, with NaN to exercise missing-value routing. */
const probe = matrix(50, 3, Float64Array.from({ length: 150 }, (_, i) => (i % 7 === 0 ? NaN : rng.normal() * 2)));
const probeFinite = matrix(50, 3, probe.data.map((v) => (Number.isNaN(v) ? 0.3 : v)));

function roundTrip(model: Model): Model {
  return deserializeModel(JSON.stringify(serializeModel(model)));
}

describe('model serialization', () => {
  const cases: [string, () => Model, boolean][] = [
    ['binary logistic', () => fitModel({ algorithm: 'logistic_regression' }, X, yBinary, binary, { seed: 1 }), false],
    ['multinomial logistic', () => fitModel({ algorithm: 'logistic_regression', params: { c: 0.3 } }, X, yMulti, multi, { seed: 1 }), false],
    ['ridge', () => fitModel({ algorithm: 'linear_regression', params: { alpha: 0.5 } }, X, yReg, { kind: 'regression' }, { seed: 1 }), false],
    ['gbdt regression', () => fitModel({ algorithm: 'gbdt', params: { maxIter: 20 } }, X, yReg, { kind: 'regression' }, { seed: 1 }), true],
    ['gbdt binary', () => fitModel({ algorithm: 'gbdt', params: { maxIter: 20 } }, X, yBinary, binary, { seed: 1 }), true],
    ['gbdt multiclass', () => fitModel({ algorithm: 'gbdt', params: { maxIter: 10 } }, X, yMulti, multi, { seed: 1 }), true],
  ];

  for (const [name, fit, handlesNaN] of cases) {
    it(`round-trips a ${name} model to bit-identical predictions`, () => {
      const model = fit();
      const loaded = roundTrip(model);
      expect(loaded.algorithm).toBe(model.algorithm);
      expect(loaded.task).toEqual(model.task);
      expect(loaded.nFeatures).toBe(3);
      const input = handlesNaN ? probe : probeFinite;
      expect(loaded.predict(input)).toEqual(model.predict(input));
      expect(loaded.predict(X)).toEqual(model.predict(X));
    });
  }

  it('writes the documented envelope and keeps feature names and params', () => {
    const model = fitModel({ algorithm: 'gbdt', params: { maxIter: 3, learningRate: 0.3 } }, X, yReg, { kind: 'regression' }, {
      seed: 1,
      featureNames: ['x1', 'x2', 'x3'],
    });
    const artifact = serializeModel(model);
    expect(artifact).toMatchObject({ format: 'bosun.model', version: 1, algorithm: 'gbdt', nFeatures: 3, featureNames: ['x1', 'x2', 'x3'] });
    expect(artifact.params).toMatchObject({ maxIter: 3, learningRate: 0.3, maxLeafNodes: 31 });
    const state = artifact.state as { baseline: number[]; trees: { feature: number[] }[] };
    expect(state.trees).toHaveLength(3);
    expect(deserializeModel(artifact).featureNames).toEqual(['x1', 'x2', 'x3']);
  });

  it('stores the +Infinity threshold of a NaN-only split as null and restores it', () => {
    // Missingness is the only signal, so the first split separates NaN from all real values.
    const Xn = matrix(200, 1, Float64Array.from({ length: 200 }, (_, i) => (i % 2 ? NaN : i / 200)));
    const y = Float64Array.from({ length: 200 }, (_, i) => (i % 2 ? 5 : 0));
    const model = fitModel({ algorithm: 'gbdt', params: { maxIter: 2 } }, Xn, y, { kind: 'regression' }, { seed: 1 }) as GbdtModel;
    expect(model.trees[0].threshold[0]).toBe(Infinity);
    const json = JSON.stringify(serializeModel(model));
    expect(json).toContain('"threshold":[null');
    const loaded = deserializeModel(json) as GbdtModel;
    expect(loaded.trees[0].threshold[0]).toBe(Infinity);
    expect(loaded.predict(Xn)).toEqual(model.predict(Xn));
  });

  describe('rejects broken artifacts with a precise message', () => {
    const good = (): ModelArtifact =>
      serializeModel(fitModel({ algorithm: 'gbdt', params: { maxIter: 2 } }, X, yBinary, binary, { seed: 1 }));

    it('not JSON, not an object, not Bosun', () => {
      expect(() => deserializeModel('{oops')).toThrow(/invalid model artifact: not valid JSON/);
      expect(() => deserializeModel([1])).toThrow(/expected a JSON object/);
      expect(() => deserializeModel({ ...good(), format: 'onnx' })).toThrow(/format is "onnx", expected "bosun.model"/);
    });

    it('a newer format version asks for an upgrade', () => {
      expect(() => deserializeModel({ ...good(), version: 2 })).toThrow(
        /version 2 is newer than this Bosun build reads \(up to 1\); upgrade Bosun/,
      );
    });

    it('tree structure problems name the tree, array and node', () => {
      const bad = good();
      const tree = (bad.state as { trees: { left: number[] }[] }).trees[1];
      tree.left[0] = 0;
      expect(() => deserializeModel(bad)).toThrow(
        "state.trees[1].left[0] is 0; a child index must be greater than its parent's (0)",
      );
      const short = good();
      (short.state as { trees: { value: number[] }[] }).trees[0].value.pop();
      expect(() => deserializeModel(short)).toThrow(/state.trees\[0\].value has \d+ entries, expected \d+ entries/);
    });

    it('shape and parameter problems', () => {
      const logistic = serializeModel(fitModel({ algorithm: 'logistic_regression' }, X, yBinary, binary, { seed: 1 }));
      (logistic.state as { coef: number[] }).coef.push(1);
      expect(() => deserializeModel(logistic)).toThrow('invalid model artifact: state.coef has 4 entries, expected 1 x 3 weights');
      const params = good();
      params.params.learningRate = -1;
      expect(() => deserializeModel(params)).toThrow('invalid model artifact: params.learningRate: expected a number > 0, got -1');
      const wrongType = good();
      (wrongType.state as { baseline: unknown }).baseline = 'x';
      expect(() => deserializeModel(wrongType)).toThrow(/invalid model artifact: state.baseline: /);
    });
  });
});
