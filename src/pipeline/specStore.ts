/** Specs travel as artifacts: the workflow carries the hash, each activity reads and validates the spec. */
import type { ArtifactStore } from '../storage';
import { canonicalJson } from './canonical';
import { parsePipelineSpec, type PipelineSpec } from './spec';

export async function storeSpec(store: ArtifactStore, raw: unknown): Promise<string> {
  return (await store.put(canonicalJson(raw))).hash;
}

const cache = new Map<string, PipelineSpec>();

export async function loadSpec(store: ArtifactStore, hash: string): Promise<PipelineSpec> {
  let spec = cache.get(hash);
  if (!spec) {
    spec = parsePipelineSpec(JSON.parse((await store.get(hash)).toString('utf8')));
    cache.set(hash, spec);
  }
  return spec;
}

