/**
 * `bosun reproduce <model> <version>`: rebuild a version from what was recorded — the dataset version's
 * bytes, the stored spec (and so its seed), the model's params — as a durable run that stops after train,
 * then say whether the new artifact's sha256 equals the recorded one and, if not, which recorded input
 * differs (dataset, spec, params, seed, environment). Exit code 1 when the artifact differs.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../app';
import type { Config } from '../config';
import { datasets, datasetVersions, featureSets, modelVersions, runs, steps } from '../db/schema';
import { canonicalJson } from '../pipeline/canonical';
import { environmentDifferences, runEnvironment, type RunEnvironment } from '../pipeline/environment';
import { loadSpec } from '../pipeline/specStore';
import { planOf } from '../pipeline/submit';
import { BOSUN_PIPELINE, BOSUN_STAGE, BOSUN_TRIGGER } from '../contract/searchAttributes';
import { TRAINING_PIPELINE, type TrainingPipelineWorkflow } from '../contract/trainingPipeline';
import type { IngestResult, TrainingPipelineInput, TrainResult } from '../contract/types';
import { uploadIfLocal } from '../storage/localUpload';
import { CliError, printJson } from './output';

export interface Reproduction {
  model: string;
  version: number;
  runId: string;
  identical: boolean;
  recordedSha256: string;
  reproducedSha256: string;
  /** Recorded inputs the reproduction did not see as they were, one readable line each. */
  differences: string[];
}

export async function reproduceCommand(
  app: Pick<AppDeps, 'db' | 'store'>,
  client: Client,
  config: Pick<Config, 'temporal' | 'user'>,
  model: string,
  versionArg: string | number,
  o: { data?: string; json?: boolean } = {},
): Promise<Reproduction> {
  const version = Number(versionArg);
  const [mv] = Number.isInteger(version) ? await app.db.select().from(modelVersions).where(and(eq(modelVersions.modelName, model), eq(modelVersions.version, version))) : [];
  if (!mv) throw new CliError(`model "${model}" has no version ${versionArg}; see \`bosun models list ${model}\``);
  const [run] = await app.db.select().from(runs).where(eq(runs.id, mv.runId));
  if (!run) throw new CliError(`${model} v${version}: its run ${mv.runId} is not in the runs table, so its spec is unknown: cannot reproduce`);
  const recordedData = mv.featureSetId === null ? undefined : await datasetOf(app, mv.featureSetId);
  if (!(await app.store.has(run.specHash))) throw new CliError(`${model} v${version}: the spec artifact sha256:${run.specHash} of run ${run.id} is gone from ${app.store.location}: cannot reproduce`);
  const spec = await loadSpec(app.store, run.specHash);

  // A local --data file is uploaded, as `bosun run --data` does, so a worker elsewhere can read it.
  const dataUri = o.data ? await uploadIfLocal(app.store, o.data, { field: '--data' }) : await recordedSource(app, recordedData);
  const input: TrainingPipelineInput = {
    pipeline: model,
    specHash: run.specHash,
    dataUri,
    startedBy: config.user,
    trigger: 'reproduce',
    noCache: true,
    codeVersion: runEnvironment().gitCommit ?? undefined,
    reproduce: true,
  };
  const workflowId = `${model}-reproduce-v${version}-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(2).toString('hex')}`;
  const handle = await client.workflow.start<TrainingPipelineWorkflow>(TRAINING_PIPELINE, {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    args: [input, planOf(spec)],
    typedSearchAttributes: [
      { key: BOSUN_PIPELINE, value: model },
      { key: BOSUN_STAGE, value: 'starting' },
      { key: BOSUN_TRIGGER, value: 'reproduce' },
    ],
    memo: { pipeline: model, startedBy: config.user, reproduces: `${model} v${version}` },
  });
  if (!o.json) console.log(`reproducing ${model} v${version} (run ${mv.runId}) as run ${workflowId}`);
  let outcome;
  try {
    outcome = await handle.result();
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    throw new CliError(`reproduction run ${workflowId} failed: ${cause?.message ?? (err as Error).message}; see \`bosun status ${workflowId}\``);
  }
  if (outcome.status !== 'reproduced') throw new CliError(`reproduction run ${workflowId} ended as ${outcome.status}, not as a reproduction: is the worker older than this CLI?`);

  const differences = await compare(app, workflowId, { run, mv, recordedData });
  const result: Reproduction = {
    model,
    version,
    runId: workflowId,
    identical: outcome.artifactHash === mv.artifactHash,
    recordedSha256: mv.artifactHash,
    reproducedSha256: outcome.artifactHash,
    differences,
  };
  if (o.json) printJson(result);
  else {
    console.log(result.identical ? `identical: sha256 ${mv.artifactHash}` : `different: recorded sha256 ${mv.artifactHash}, reproduced ${outcome.artifactHash}`);
    if (differences.length) console.log(result.identical ? 'recorded inputs that differ (the artifact did not change):' : 'recorded inputs that differ:');
    for (const d of differences) console.log(`  ${d}`);
    if (!result.identical && differences.length === 0) console.log('  no recorded input differs: training is not deterministic for this spec (a bug: please report it)');
  }
  if (!result.identical) process.exitCode = 1;
  return result;
}

type RecordedData = { source: string; contentHash: string; datasetVersionId: number };

async function datasetOf(app: Pick<AppDeps, 'db'>, featureSetId: number): Promise<RecordedData | undefined> {
  const [row] = await app.db
    .select({ source: datasets.source, contentHash: datasetVersions.contentHash, datasetVersionId: datasetVersions.id })
    .from(featureSets)
    .innerJoin(datasetVersions, eq(featureSets.datasetVersionId, datasetVersions.id))
    .innerJoin(datasets, eq(datasetVersions.datasetId, datasets.id))
    .where(eq(featureSets.id, featureSetId));
  return row;
}

/**
 * The recorded data: the exact bytes when the store still holds them (a local file `bosun run` uploaded),
 * otherwise the recorded source, read again (its content hash then tells whether it changed).
 */
async function recordedSource(app: Pick<AppDeps, 'store'>, d: RecordedData | undefined): Promise<string | undefined> {
  if (!d) return undefined; // no dataset recorded: the spec's own source
  if (await app.store.has(d.contentHash)) return `artifact:sha256:${d.contentHash}#${d.source}`;
  return d.source;
}

async function compare(
  app: Pick<AppDeps, 'db' | 'store'>,
  newRunId: string,
  r: { run: typeof runs.$inferSelect; mv: typeof modelVersions.$inferSelect; recordedData: RecordedData | undefined },
): Promise<string[]> {
  const out: string[] = [];
  const outputs = new Map((await app.db.select().from(steps).where(eq(steps.runId, newRunId))).map((s) => [s.name, s.output]));
  const ingested = outputs.get('ingest') as IngestResult | undefined;
  const trained = outputs.get('train') as TrainResult | undefined;
  if (!r.recordedData) out.push('dataset: no dataset version recorded for the original version');
  else if (ingested && ingested.contentHash !== r.recordedData.contentHash) {
    out.push(`dataset: recorded content sha256 ${r.recordedData.contentHash} (dataset version ${r.recordedData.datasetVersionId}, ${r.recordedData.source}), reproduced from sha256 ${ingested.contentHash}`);
  }
  const [now] = await app.db.select().from(runs).where(eq(runs.id, newRunId));
  if (now && now.specHash !== r.run.specHash) out.push(`spec: recorded sha256 ${r.run.specHash}, reproduced with ${now.specHash}`);
  const spec = await loadSpec(app.store, r.run.specHash);
  if (spec.seed !== r.mv.seed) out.push(`seed: recorded ${r.mv.seed}, the spec now gives ${spec.seed}`);
  if (trained && canonicalJson(trained.params) !== canonicalJson(r.mv.params)) out.push(`params: recorded ${canonicalJson(r.mv.params)}, reproduced with ${canonicalJson(trained.params)}`);
  const current = now?.environment as RunEnvironment | null;
  if (r.run.codeVersion && current?.gitCommit && r.run.codeVersion !== current.gitCommit && !(r.run.environment as RunEnvironment | null)?.gitCommit) {
    out.push(`git commit: recorded ${r.run.codeVersion}, now ${current.gitCommit}`);
  }
  out.push(...environmentDifferences(r.run.environment as RunEnvironment | null, current));
  return out;
}
