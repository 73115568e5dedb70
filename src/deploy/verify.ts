/**
 * Post-deploy verification: after a verification window, judge a version on the traffic it scored —
 * error rate, p99 latency, and how far its prediction distribution moved from the one it showed on its
 * training data (PSI against its reference profile). The verdict comes as typed checks, each with the
 * sentence a person reads.
 */
import { and, eq, gte } from 'drizzle-orm';
import { predictionLog } from '../db/schema';
import { parseDriftProfile, type FeatureProfile } from '../drift/profile';
import { binIndex } from '../stats/quantile';
import { psi } from '../drift/stats';
import { deserializeModel } from '../ml/serialize';
import { signalFromLogged } from '../monitor/predictionSignal';
import type { Check } from '../contract/types';
import type { StageDeps } from '../pipeline/deps';
import type { ModelVersion } from '../registry/registry';

export interface VerifyThresholds {
  maxErrorRate: number;
  maxP99LatencyMs: number;
  maxPredictionPsi: number;
  minRequests: number;
}

export interface Verdict {
  ok: boolean;
  requests: number;
  errorRate: number;
  p99LatencyMs: number;
  predictionPsi: number | null;
  checks: Check[];
}

const MAX_ROWS = 100_000;

export async function verifyVersion(deps: Pick<StageDeps, 'db' | 'store'>, version: ModelVersion, since: Date, t: VerifyThresholds, o: { shadow: boolean }): Promise<Verdict> {
  const rows = await deps.db
    .select({ error: predictionLog.error, latencyMs: predictionLog.latencyMs, output: predictionLog.output })
    .from(predictionLog)
    .where(and(eq(predictionLog.modelName, version.modelName), eq(predictionLog.modelVersion, version.version), eq(predictionLog.shadow, o.shadow), gte(predictionLog.createdAt, since)))
    .limit(MAX_ROWS);
  const requests = rows.length;
  const errors = rows.filter((r) => r.error !== null).length;
  const errorRate = requests ? errors / requests : 0;
  const latencies = Float64Array.from(rows, (r) => r.latencyMs).sort();
  const p99LatencyMs = requests ? latencies[Math.min(requests - 1, Math.ceil(0.99 * requests) - 1)] : 0;
  const checks: Check[] = [];
  const check = (metric: string, value: number, op: '>=' | '<=', limit: number, message: string) => {
    checks.push({ kind: 'verification', metric, value, limit, op, passed: op === '>=' ? value >= limit : value <= limit, message });
  };

  check('requests', requests, '>=', t.minRequests, `${requests} requests scored (minimum ${t.minRequests})`);
  check('error_rate', errorRate, '<=', t.maxErrorRate, `error rate ${(errorRate * 100).toFixed(2)}% (limit ${(t.maxErrorRate * 100).toFixed(2)}%)`);
  check('p99_latency_ms', p99LatencyMs, '<=', t.maxP99LatencyMs, `p99 latency ${p99LatencyMs.toFixed(2)} ms (limit ${t.maxP99LatencyMs} ms)`);

  let predictionPsi: number | null = null;
  const answered = rows.filter((r) => r.error === null);
  if (version.profileHash && answered.length > 0) {
    const profile = parseDriftProfile(JSON.parse((await deps.store.get(version.profileHash)).toString('utf8')));
    const model = deserializeModel((await deps.store.get(version.artifactHash)).toString('utf8'));
    if (profile.prediction) {
      predictionPsi = psi(referenceCounts(profile.prediction), currentCounts(profile.prediction, signalFromLogged(model.task, answered.map((r) => r.output))));
      check('prediction_psi', predictionPsi, '<=', t.maxPredictionPsi, `prediction distribution PSI ${predictionPsi.toFixed(3)} vs training (limit ${t.maxPredictionPsi})`);
    }
  }
  return { ok: checks.every((c) => c.passed), requests, errorRate, p99LatencyMs, predictionPsi, checks };
}

function referenceCounts(p: FeatureProfile): number[] {
  return p.kind === 'numeric' ? p.binCounts : p.counts;
}

/** Bins current values on the reference's own bins (the drift module's binIndex), or its levels. */
function currentCounts(p: FeatureProfile, signal: Float64Array | (string | null)[]): number[] {
  if (p.kind === 'numeric') {
    const counts = new Array(p.edges.length + 1).fill(0);
    for (const v of signal as Float64Array) if (!Number.isNaN(v)) counts[binIndex(p.edges, v)]++;
    return counts;
  }
  const index = new Map(p.levels.map((l, i) => [l, i]));
  const other = index.get('__other__');
  const counts = new Array(p.levels.length).fill(0);
  for (const v of signal as (string | null)[]) {
    if (v === null) continue;
    const i = index.get(v) ?? other;
    if (i !== undefined) counts[i]++;
  }
  return counts;
}
