import { describe, expect, it } from 'vitest';
import { deserializeFeatures, FeaturesArtifactError, fitFeatures, parseFeaturesSpec, serializeFeatures, transformTable } from '../../../src/features';
import { bytes, cat, date, num, table } from './helpers';

const train = table(
  num('age', [0.1, null, 0.7, 1 / 3, 2e-9]),
  cat('color', ['red', 'blue', null, 'green', 'red']),
  date('d', ['2020-01-01T10:00:00Z', '2021-06-30T00:00:00Z', null, '2019-03-03T03:03:03Z', '2022-12-31T23:59:59Z']),
  num('w', [1.1, 2.2, 3.3, 4.4, 5.5]),
  num('y', [0, 1, 0, 1, 1]),
);
const spec = parseFeaturesSpec([
  { impute: 'age', strategy: 'mean', addIndicator: true },
  { standardize: 'age' },
  { impute: 'color', strategy: 'constant', value: 'none' },
  { onehot: 'color', maxCategories: 3, dropFirst: true },
  { impute: 'd' },
  { datetime: 'd', parts: ['year', 'dayofyear', 'hour'] },
  { derive: 'r', expr: 'w / age + max(w, 2)' },
  { bucketize: 'w', bins: 3 },
  { clip: 'd__hour', max: 12 },
]);
const fitted = fitFeatures(spec, train, { target: 'y' });

describe('serialization', () => {
  it('writes the documented versioned JSON', () => {
    const json = JSON.parse(serializeFeatures(fitted));
    expect(json).toMatchObject({ format: 'bosun.features', version: 1, target: 'y', passthrough: 'drop' });
    expect(json.inputSchema).toEqual([
      { name: 'age', type: 'numeric' },
      { name: 'color', type: 'categorical' },
      { name: 'd', type: 'datetime' },
      { name: 'w', type: 'numeric' },
    ]);
    expect(json.outputNames).toEqual(['age', 'age__missing', 'color=red', 'color=__other__', 'd__year', 'd__dayofyear', 'd__hour', 'w', 'r']);
    expect(json.steps.map((s: { op: string }) => s.op)).toEqual(['impute', 'standardize', 'impute', 'onehot', 'impute', 'datetime', 'derive', 'bucketize', 'clip']);
  });

  it('round-trips to bit-identical output', () => {
    const loaded = deserializeFeatures(serializeFeatures(fitted));
    expect(loaded).toEqual(fitted);
    const test = table(
      num('age', [null, 5, 1e-300]),
      cat('color', ['purple', 'blue', 'red']),
      date('d', [null, '2000-02-29T12:00:00Z', '2100-01-01T00:00:00Z']),
      num('w', [0, 100, -3]),
    );
    for (const t of [train, test]) expect(bytes(transformTable(loaded, t))).toEqual(bytes(transformTable(fitted, t)));
    // Loading an already-parsed object works the same way.
    expect(deserializeFeatures(JSON.parse(serializeFeatures(fitted)))).toEqual(fitted);
  });

  it('rejects artifacts that are not ours, or from another version, with what to do', () => {
    const json = JSON.parse(serializeFeatures(fitted));
    expect(() => deserializeFeatures('{"format":')).toThrow(/invalid features artifact:\n {2}- not valid JSON/);
    expect(() => deserializeFeatures({ ...json, format: 'bosun.model' })).toThrow(
      'format is "bosun.model", expected "bosun.features"; this is not a fitted-features artifact',
    );
    expect(() => deserializeFeatures({ ...json, version: 2 })).toThrow('version 2 is newer than this build understands (1); upgrade bosun to load it');
    expect(() => deserializeFeatures({ ...json, version: 0 })).toThrow('version 0 is not supported (this build reads version 1); refit the features');
  });

  it('names the field of a malformed artifact', () => {
    const json = JSON.parse(serializeFeatures(fitted));
    json.steps[1].columns[0].mean = null;
    json.steps[3].handleUnknown = 'maybe';
    let message = '';
    try {
      deserializeFeatures(json);
    } catch (e) {
      expect(e).toBeInstanceOf(FeaturesArtifactError);
      message = (e as Error).message;
    }
    expect(message).toContain('steps[1].columns[0].mean: Invalid input: expected number, received null');
    expect(message).toContain('steps[3].handleUnknown');
  });

  it('catches artifacts that parse but could not come from a fit', () => {
    const json = JSON.parse(serializeFeatures(fitted));
    expect(() => deserializeFeatures({ ...json, outputNames: [...json.outputNames, 'extra'] })).toThrow(
      /outputNames: the steps produce \[age, .*, r\] but the artifact lists \[age, .*, r, extra\]/,
    );
    const wrongInput = { ...json, inputSchema: json.inputSchema.map((c: { name: string }) => (c.name === 'age' ? { name: 'age', type: 'categorical' } : c)) };
    expect(() => deserializeFeatures(wrongInput)).toThrow(/steps\[0\]\.impute: column "age" is categorical, so value must be a string/);
    const missingInput = { ...json, inputSchema: json.inputSchema.filter((c: { name: string }) => c.name !== 'w') };
    expect(() => deserializeFeatures(missingInput)).toThrow(/steps\[6\]\.derive: column "w" does not exist at this step/);
    const bad = JSON.parse(serializeFeatures(fitted));
    bad.steps[7].columns[0].boundaries = [3, 2];
    expect(() => deserializeFeatures(bad)).toThrow('steps[7].columns[0].boundaries: must be strictly increasing');
  });

  it('refuses to write parameters JSON cannot hold', () => {
    const broken = structuredClone(fitted);
    (broken.steps[1] as { columns: { mean: number }[] }).columns[0].mean = NaN;
    expect(() => serializeFeatures(broken)).toThrow(/steps\[1\]\.columns\[0\]\.mean/);
  });
});
