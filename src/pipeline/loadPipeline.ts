/**
 * Reads a pipeline definition (pipelines/<name>.ts exporting `definePipeline(...)` as default, or a JSON
 * file), validates it, and turns local data paths into uploaded artifacts so any worker can read them.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from '../cli/output';
import type { ArtifactStore } from '../storage';
import { parsePipelineSpec, type PipelineSpec, type PipelineSpecInput } from './spec';

export async function readPipelineFile(file: string): Promise<PipelineSpecInput> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new CliError(`pipeline file ${file} not found`);
  if (abs.endsWith('.json')) return JSON.parse(await readFile(abs, 'utf8'));
  const mod = (await import(pathToFileURL(abs).href)) as { default?: PipelineSpecInput; pipeline?: PipelineSpecInput };
  const spec = mod.default ?? mod.pipeline;
  if (!spec || typeof spec !== 'object') throw new CliError(`${file} must export its pipeline: \`export default definePipeline({...})\``);
  return spec;
}

export interface PreparedSpec {
  raw: PipelineSpecInput;
  spec: PipelineSpec;
}

/**
 * Validates the spec and uploads a local source file (relative paths are relative to the pipeline file),
 * rewriting the source to `artifact:sha256:<hash>#<original path>`.
 */
export async function prepareSpec(raw: PipelineSpecInput, o: { baseDir: string; store: ArtifactStore; dataOverride?: string }): Promise<PreparedSpec> {
  const withData = o.dataOverride ? { ...raw, source: o.dataOverride } : raw;
  const spec = parsePipelineSpec(withData);
  const src = spec.source;
  const uri = typeof src === 'string' ? src : 'uri' in src ? src.uri : null;
  if (uri && isLocalPath(uri)) {
    const file = path.resolve(o.baseDir, uri.replace(/^file:\/\//, ''));
    if (!existsSync(file)) throw new CliError(`source: data file ${file} not found`);
    const ref = await o.store.put(await readFile(file));
    const uploaded = `artifact:sha256:${ref.hash}#file://${file}`;
    const source = typeof src === 'string' ? uploaded : { ...src, uri: uploaded };
    const rawOut = { ...withData, source } as PipelineSpecInput;
    return { raw: rawOut, spec: parsePipelineSpec(rawOut) };
  }
  return { raw: withData as PipelineSpecInput, spec };
}

function isLocalPath(uri: string): boolean {
  return !/^(artifact:|s3:\/\/|https?:\/\/)/.test(uri);
}
