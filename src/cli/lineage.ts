/**
 * `bosun lineage <model> <version>`: the chain an auditor follows, with a hash at every link —
 * dataset (source, content sha256) → user steps (code sha256, table in → out) → features (fitted transform sha256) → model (artifact sha256, algorithm,
 * params, seed, run) → evaluation (metrics, report sha256, blessed) → approval (who, for which artifact
 * sha256) → deployment. Links come from lineage_edges where they were recorded, else from the rows' own
 * foreign keys (versions trained before an edge existed).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../app';
import { approvals, datasets, datasetVersions, deployments, featureSets, lineageEdges, modelVersions, steps } from '../db/schema';
import type { Db } from '../db/client';
import type { EvaluateResult } from '../contract/types';
import { canonicalJson } from '../pipeline/canonical';
import { CliError, printJson } from './output';

export interface Lineage {
  dataset: { datasetVersionId: number; source: string; contentSha256: string; tableSha256: string; rows: number } | null;
  /** User transform steps between the ingested dataset and the features, in the order they ran. */
  steps: { name: string; runId: string; codeSha256: string | null; inputTableSha256: string; outputTableSha256: string; datasetVersionId: number }[];
  features: { featureSetId: number; fittedSha256: string; trainSha256: string; testSha256: string } | null;
  model: { name: string; version: number; artifactSha256: string; algorithm: string; params: unknown; seed: number; runId: string; status: string };
  evaluation: { runId: string; metrics: Record<string, number>; blessed: boolean; reportSha256: string; modelCardSha256: string | null } | null;
  approvals: { reviewer: string; decision: string; outcome: string | null; artifactSha256: string | null; at: Date; matchesModel: boolean }[];
  deployments: { id: number; strategy: string; status: string; trafficPercent: number | null; reason: string | null; at: Date; finishedAt: Date | null }[];
}

export async function lineageCommand(app: Pick<AppDeps, 'db'>, model: string, versionArg: string | number, o: { json?: boolean } = {}): Promise<Lineage> {
  const db = app.db;
  const version = Number(versionArg);
  const [mv] = Number.isInteger(version) ? await db.select().from(modelVersions).where(and(eq(modelVersions.modelName, model), eq(modelVersions.version, version))) : [];
  if (!mv) throw new CliError(`model "${model}" has no version ${versionArg}; see \`bosun models list ${model}\``);

  const featureSetId = Number((await from(db, 'feature_set', 'model_version', mv.id))[0] ?? mv.featureSetId ?? NaN);
  const [fs] = Number.isNaN(featureSetId) ? [] : await db.select().from(featureSets).where(eq(featureSets.id, featureSetId));
  const featuresFrom = fs ? Number((await from(db, 'dataset_version', 'feature_set', fs.id))[0] ?? fs.datasetVersionId) : NaN;
  const { steps: userSteps, rootId: dsvId } = Number.isNaN(featuresFrom) ? { steps: [], rootId: NaN } : await stepChain(db, featuresFrom);
  const [ds] = Number.isNaN(dsvId)
    ? []
    : await db.select({ v: datasetVersions, source: datasets.source }).from(datasetVersions).innerJoin(datasets, eq(datasetVersions.datasetId, datasets.id)).where(eq(datasetVersions.id, dsvId));

  const evalRun = (await to(db, 'model_version', mv.id, 'evaluation'))[0] ?? mv.runId;
  const [evalStep] = await db.select().from(steps).where(and(eq(steps.runId, evalRun), eq(steps.name, 'evaluate')));
  const ev = evalStep?.output as EvaluateResult | undefined;

  const approved = await db
    .select()
    .from(approvals)
    .where(and(eq(approvals.runId, mv.runId), eq(approvals.accepted, true), eq(approvals.modelVersion, String(mv.version))))
    .orderBy(asc(approvals.seq));

  const edgeIds = (await to(db, 'model_version', mv.id, 'deployment')).map(Number);
  // Manual promotions and rollbacks have no run, so no edge: the deployments table names the version too.
  const deps = await db.select().from(deployments).where(eq(deployments.versionId, mv.id)).orderBy(asc(deployments.id));
  const extra = edgeIds.filter((id) => !deps.some((d) => d.id === id));
  if (extra.length) deps.push(...(await db.select().from(deployments).where(inArray(deployments.id, extra))));

  const result: Lineage = {
    dataset: ds ? { datasetVersionId: ds.v.id, source: ds.source, contentSha256: ds.v.contentHash, tableSha256: ds.v.tableHash, rows: ds.v.rows } : null,
    steps: userSteps,
    features: fs ? { featureSetId: fs.id, fittedSha256: fs.fittedHash, trainSha256: fs.trainHash, testSha256: fs.testHash } : null,
    model: { name: mv.modelName, version: mv.version, artifactSha256: mv.artifactHash, algorithm: mv.algorithm, params: mv.params, seed: mv.seed, runId: mv.runId, status: mv.status },
    evaluation: ev ? { runId: evalRun, metrics: ev.metrics, blessed: ev.blessed, reportSha256: ev.reportHash, modelCardSha256: ev.modelCardHash ?? null } : null,
    approvals: approved.map((a) => ({ reviewer: a.reviewer, decision: a.decision, outcome: a.outcome, artifactSha256: a.artifactHash, at: a.createdAt, matchesModel: a.artifactHash === mv.artifactHash })),
    deployments: deps.map((d) => ({ id: d.id, strategy: d.strategy, status: d.status, trafficPercent: d.trafficPercent, reason: d.reason, at: d.createdAt, finishedAt: d.finishedAt })),
  };
  if (o.json) printJson(result);
  else print(result);
  return result;
}

function print(l: Lineage): void {
  const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);
  console.log(l.dataset ? `dataset     ${l.dataset.source}  version ${l.dataset.datasetVersionId}  ${l.dataset.rows} rows  content sha256 ${l.dataset.contentSha256}` : 'dataset     (not recorded)');
  for (const s of l.steps) console.log(`step        ${s.name}  code sha256 ${s.codeSha256 ?? '(not recorded)'}  table sha256 ${s.inputTableSha256} → ${s.outputTableSha256}  run ${s.runId}`);
  console.log(l.features ? `features    feature set ${l.features.featureSetId}  fitted sha256 ${l.features.fittedSha256}` : 'features    (not recorded)');
  const m = l.model;
  console.log(`model       ${m.name} v${m.version} (${m.status})  artifact sha256 ${m.artifactSha256}  ${m.algorithm} ${canonicalJson(m.params)} seed ${m.seed}  run ${m.runId}`);
  if (l.evaluation) {
    const metrics = Object.entries(l.evaluation.metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ');
    console.log(`evaluation  run ${l.evaluation.runId}  ${l.evaluation.blessed ? 'blessed' : 'NOT blessed'}  ${metrics}  report sha256 ${l.evaluation.reportSha256}`);
  } else console.log('evaluation  (none recorded)');
  if (l.approvals.length === 0) console.log('approval    (none accepted)');
  for (const a of l.approvals) {
    const bound = a.matchesModel ? '' : '  ✗ NOT the model artifact above';
    console.log(`approval    ${a.decision} by ${a.reviewer}${a.outcome ? ` (${a.outcome})` : ''} for sha256 ${a.artifactSha256 ?? '(none)'}  ${when(a.at)}${bound}`);
  }
  if (l.deployments.length === 0) console.log('deployment  (never deployed)');
  for (const d of l.deployments) {
    const traffic = d.trafficPercent === null ? '' : ` ${d.trafficPercent}%`;
    console.log(`deployment  #${d.id} ${d.strategy}${traffic} ${d.status}  ${when(d.at)}${d.finishedAt ? ` → ${when(d.finishedAt)}` : ''}${d.reason ? `  ${d.reason}` : ''}`);
  }
}

/**
 * Walks back from the dataset version the features read, through the user steps that produced it (edges
 * dataset_version → step "<run>/<step>" → dataset_version), to the ingested version.
 */
async function stepChain(db: Db, dsvId: number): Promise<{ steps: Lineage['steps']; rootId: number }> {
  const chain: Lineage['steps'] = [];
  let at = dsvId;
  // Bounded: a pipeline has a handful of steps; a cycle in hand-edited edges must not loop forever.
  for (let i = 0; i < 100; i++) {
    const [stepId] = await from(db, 'step', 'dataset_version', at);
    if (!stepId) break;
    const cut = stepId.lastIndexOf('/');
    const [row] = await db.select().from(steps).where(and(eq(steps.runId, stepId.slice(0, cut)), eq(steps.name, stepId.slice(cut + 1))));
    const out = row?.output as { codeHash?: string | null; inputTableHash?: string; tableHash?: string } | undefined;
    const [input] = await from(db, 'dataset_version', 'step', stepId);
    chain.unshift({ name: stepId.slice(cut + 1), runId: stepId.slice(0, cut), codeSha256: out?.codeHash ?? null, inputTableSha256: out?.inputTableHash ?? '', outputTableSha256: out?.tableHash ?? '', datasetVersionId: at });
    if (!input) break;
    at = Number(input);
  }
  return { steps: chain, rootId: at };
}

/** Ids of `fromKind` nodes with an edge to (toKind, toId). */
async function from(db: Db, fromKind: string, toKind: string, toId: string | number): Promise<string[]> {
  const rows = await db.select({ id: lineageEdges.fromId }).from(lineageEdges).where(and(eq(lineageEdges.fromKind, fromKind), eq(lineageEdges.toKind, toKind), eq(lineageEdges.toId, String(toId))));
  return rows.map((r) => r.id);
}

/** Ids of `toKind` nodes that (fromKind, fromId) has an edge to. */
async function to(db: Db, fromKind: string, fromId: string | number, toKind: string): Promise<string[]> {
  const rows = await db.select({ id: lineageEdges.toId }).from(lineageEdges).where(and(eq(lineageEdges.fromKind, fromKind), eq(lineageEdges.fromId, String(fromId)), eq(lineageEdges.toKind, toKind)));
  return rows.map((r) => r.id);
}
