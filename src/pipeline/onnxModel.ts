/**
 * `model: { onnx: './models/x.onnx' }` at submit: the file is read, checked to be ONNX, uploaded to the artifact
 * store, and the spec rewritten to `artifact:sha256:<hash>#file://<path>` so any worker can read it, as a local data
 * source is. Where the columns the model will be fed are known before the run (a local data file and features
 * that pass columns through untouched), every model input is checked against them here, so `bosun run` refuses a
 * model that cannot read the data before a run starts; with feature steps the exact check is at the train stage,
 * against the fitted features.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readTable } from '../data/read';
import { isFloatColumn } from '../data/table';
import { bindOnnx, OnnxMismatchError } from '../ml/onnx/binding';
import { OnnxFormatError, readSignature } from '../ml/onnx/signature';
import { isOnnxSpec } from '../ml/onnx/spec';
import type { ArtifactStore } from '../storage';
import { BadInputError } from './errors';
import { SpecError, type PipelineSpec, type PipelineSpecInput } from './spec';

const UPLOADED = /^artifact:sha256:([0-9a-f]{64})(#.*)?$/;

/** The artifact hash of an uploaded `model.onnx`; a path here means the spec skipped submit. */
export function uploadedHash(uri: string): string {
  const m = UPLOADED.exec(uri);
  if (!m) throw new BadInputError(`model.onnx: "${uri}" was never uploaded; submit the pipeline with bosun run, which uploads the file`);
  return m[1];
}

/** Uploads and checks the spec's ONNX model (a no-op for Bosun-fitted models); returns the raw spec to store. */
export async function prepareOnnxModel(raw: PipelineSpecInput, spec: PipelineSpec, o: { baseDir: string; store: ArtifactStore }): Promise<PipelineSpecInput> {
  if (!isOnnxSpec(spec.model)) return raw;
  const where = spec.model.onnx;
  let bytes: Buffer;
  let uri = where;
  if (UPLOADED.test(where)) {
    bytes = await o.store.get(uploadedHash(where));
  } else {
    const file = path.resolve(o.baseDir, where.replace(/^file:\/\//, ''));
    if (!existsSync(file)) throw new SpecError([`model.onnx: ONNX file ${file} not found (paths are relative to the pipeline file)`]);
    if (statSync(file).isDirectory()) throw new SpecError([`model.onnx: ${file} is a directory; name the .onnx file in it`]);
    bytes = await readFile(file);
    uri = `artifact:sha256:${(await o.store.put(bytes)).hash}#file://${file}`;
  }
  let signature;
  try {
    signature = readSignature(bytes);
  } catch (err) {
    if (err instanceof OnnxFormatError) throw new SpecError([`model.onnx: ${where}: ${err.message}; export the model to ONNX (e.g. skl2onnx) and name that file`]);
    throw err;
  }
  const columns = await passthroughColumns(spec, o.store);
  if (columns) {
    try {
      bindOnnx(signature, columns, null, spec.model);
    } catch (err) {
      if (err instanceof OnnxMismatchError) throw new SpecError([`model.onnx: ${where}: ${err.message}`]);
      throw err;
    }
  }
  return { ...raw, model: { ...(raw.model as object), onnx: uri } } as PipelineSpecInput;
}

/**
 * The feature columns known at submit: with `features: { steps: [], passthrough: 'keep' }` and an uploaded local
 * data file, its numeric columns other than the target. Undefined when they are only known after the run fits.
 */
async function passthroughColumns(spec: PipelineSpec, store: ArtifactStore): Promise<string[] | undefined> {
  const f = spec.features;
  if (f.auto || f.steps.length > 0 || f.passthrough !== 'keep') return undefined;
  const src = spec.source;
  const uri = typeof src === 'string' ? src : 'uri' in src ? src.uri : null;
  const m = uri ? UPLOADED.exec(uri) : null;
  if (!m) return undefined;
  const format = typeof src === 'object' && 'format' in src ? src.format : undefined;
  const table = await readTable(await store.get(m[1]), { format: format ?? 'auto', fileName: m[2]?.replace(/^#(file:\/\/)?/, '') });
  return table.columns.filter((c) => c.name !== spec.target && isFloatColumn(c)).map((c) => c.name);
}
