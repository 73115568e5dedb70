import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prepareSpec, readPipelineFile } from '../../../src/pipeline/loadPipeline';
import { parsePipelineSpec, SpecError, type PipelineSpecInput } from '../../../src/pipeline/spec';
import { FsArtifactStore } from '../../../src/storage/fsStore';

// `bosun run` with an ONNX model: the file is uploaded, and a model that cannot read the data is refused before a
// run starts, naming the input and what to do.
const PIPELINES = fileURLToPath(new URL('../../../pipelines/', import.meta.url));
const FIXTURE = path.join(PIPELINES, 'models/breast-cancer-lr.onnx');
const store = () => new FsArtifactStore(mkdtempSync(path.join(os.tmpdir(), 'bosun-onnx-submit-')));

async function example(): Promise<PipelineSpecInput & { model: { onnx: string; inputs: string[] } }> {
  return (await readPipelineFile(path.join(PIPELINES, 'onnx-model.ts'))) as PipelineSpecInput & { model: { onnx: string; inputs: string[] } };
}

async function refusal(spec: PipelineSpecInput): Promise<string> {
  try {
    await prepareSpec(spec, { baseDir: PIPELINES, store: store() });
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).problems.join('\n');
  }
  throw new Error('expected the spec to be refused');
}

describe('submitting a pipeline whose model is an ONNX file', () => {
  it('uploads the file and rewrites model.onnx to its artifact, as a local data source is', async () => {
    const s = store();
    const prepared = await prepareSpec(await example(), { baseDir: PIPELINES, store: s });
    const onnx = (prepared.raw.model as { onnx: string }).onnx;
    const hash = /^artifact:sha256:([0-9a-f]{64})#file:\/\/(.+)$/.exec(onnx);
    expect(hash?.[2]).toBe(FIXTURE);
    expect((await s.get(hash![1])).equals(readFileSync(FIXTURE))).toBe(true);
    expect(prepared.spec.model).toMatchObject({ algorithm: 'onnx', onnx, classes: ['benign', 'malignant'] });
  });

  it('refuses a model input that reads a column the data does not have, naming it and the fix', async () => {
    const spec = await example();
    const inputs = spec.model.inputs.map((c) => (c === 'worst area' ? 'worst_area' : c));
    const problems = await refusal({ ...spec, model: { ...spec.model, inputs } });
    expect(problems).toMatch(
      /^model\.onnx: \.\/models\/breast-cancer-lr\.onnx: model input "float_input" reads column "worst_area", which the data's features do not have \(they are: mean radius, .*\); rename the column in the data, or map the model's inputs to columns with model\.inputs/,
    );
  });

  it('refuses an unnamed one-tensor input without model.inputs, and a file that is not ONNX', async () => {
    const spec = await example();
    const { inputs: _, ...model } = spec.model;
    expect(await refusal({ ...spec, model })).toMatch(/model input "float_input" takes 30 columns but the model does not name them; .*model\.inputs/);
    const bogus = path.join(mkdtempSync(path.join(os.tmpdir(), 'bosun-onnx-bogus-')), 'model.onnx');
    writeFileSync(bogus, 'not a model');
    expect(await refusal({ ...spec, model: { ...spec.model, onnx: bogus } })).toMatch(/^model\.onnx: .*model\.onnx: not an ONNX model/);
    expect(await refusal({ ...spec, model: { ...spec.model, onnx: './models/missing.onnx' } })).toMatch(/^model\.onnx: ONNX file .*missing\.onnx not found/);
  });

  it('refuses features: auto beside an ONNX model, and unknown model fields, with what to write instead', async () => {
    const spec = await example();
    expect(() => parsePipelineSpec({ ...spec, features: 'auto' })).toThrow(/features: an ONNX model reads the feature columns by name.*features: \{ steps: \[\], passthrough: 'keep' \}/);
    expect(() => parsePipelineSpec({ ...spec, model: { ...spec.model, algorithm: 'gbdt' } })).toThrow(/model: unknown field "algorithm"; an ONNX model takes onnx, inputs, classes, output and framework/);
  });
});
