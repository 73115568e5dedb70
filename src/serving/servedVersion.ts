/**
 * One model version ready to answer: the model and its fitted features, loaded from the artifact store once, with
 * everything the hot path needs precomputed (the compiled instance reader, the JSON fragments of the response).
 * Immutable after construction, so a request that picked it up keeps a consistent view however the cache swaps.
 *
 * Response shape (TF-Serving / KServe v1 `predictions`), one entry per instance, in order:
 * - classification: `{ "label": "<most probable class>", "probabilities": { "<class>": p, ... } }`, classes in the
 *   model's order; the label is argmaxRow's (ml/classes.ts: ties go to the first class);
 * - regression: the predicted number.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { featureSets } from '../db/schema';
import { deserializeFeatures, instancesToTable, type FittedFeatures } from '../features';
import { UnknownCategoryError } from '../features/errors';
import { instancePath, InstanceValidationError } from '../features/instances';
import { applyFeatures } from '../features/transform';
import type { Table } from '../data/table';
import { argmaxRow } from '../ml/classes';
import type { Model } from '../ml/model';
import { deserializeModel } from '../ml/serialize';
import type { Task } from '../ml/task';
import type { ModelVersion } from '../registry/registry';
import type { ArtifactStore } from '../storage';
import { NonFiniteOutputError } from './errors';
import { compileInstanceReader, type CompiledInstances } from './instanceReader';
import { MicroBatcher, type BatchScorer } from './microBatch';

/** A classification prediction as returned and logged. */
export interface ClassPrediction {
  label: string;
  probabilities: Record<string, number | null>;
}
export type Prediction = ClassPrediction | number | null;

export class ServedVersion implements BatchScorer {
  readonly modelName: string;
  /** The registry's version number, and the same as the string the response carries. */
  readonly version: number;
  readonly versionLabel: string;
  /** model_versions.id: what the cache keys loaded versions by. */
  readonly id: number;
  readonly task: Task;
  readonly loadedAt = new Date();
  /** Scores per instance: the class count, or 1 for regression. */
  readonly width: number;
  /** Scoring for requests: concurrent small requests share one transform and predict call. */
  readonly batcher: MicroBatcher;
  /** predictionAt bound once, for prediction-log records to render their output at write time. */
  readonly renderPrediction = (scores: Float64Array, i: number): Prediction => this.predictionAt(scores, i);
  private readonly instances: CompiledInstances;
  /** Per class: `{"label":"<class>","probabilities":{` and `"<class>":`. */
  private readonly labelOpen: string[] = [];
  private readonly probKey: string[] = [];

  constructor(
    readonly row: ModelVersion,
    readonly model: Model,
    readonly features: FittedFeatures,
  ) {
    this.modelName = row.modelName;
    this.version = row.version;
    this.versionLabel = String(row.version);
    this.id = row.id;
    this.task = model.task;
    if (features.outputNames.length !== model.nFeatures) {
      throw new Error(
        `its features produce ${features.outputNames.length} columns but the model takes ${model.nFeatures}; ` +
          'the model and feature-set artifacts do not belong together',
      );
    }
    this.instances = compileInstanceReader(features);
    this.width = model.task.kind === 'regression' ? 1 : model.task.classes.length;
    if (model.task.kind !== 'regression') {
      for (const c of model.task.classes) {
        this.labelOpen.push(`{"label":${JSON.stringify(c)},"probabilities":{`);
        this.probKey.push(`${JSON.stringify(c)}:`);
      }
    }
    this.batcher = new MicroBatcher(this);
  }

  /** Checks instances against the fitted input schema; throws InstanceValidationError naming the instance and field. */
  check(instances: readonly unknown[]): void {
    // The compiled check is the fast path; on any problem the reference reader words the error (and throws).
    if (!this.instances.check(instances)) instancesToTable(this.features, instances);
  }

  /** The table of checked-or-not instances (throws like check for bad ones). */
  read(instances: readonly unknown[]): Table {
    return this.instances.read(instances) ?? instancesToTable(this.features, instances);
  }

  /**
   * The table's rows through the fitted features and the model: rows x k probabilities, or rows values. Throws an
   * Error whose message starts with `instances[` for input only the transform can refuse (an unseen category).
   * The table is consumed (its arrays may be overwritten): it is one read() of a batch, made for this call.
   */
  scoreTable(table: Table): Float64Array {
    return this.model.predict(applyFeatures(this.features, table, instancePath, 'instances', { consumeTable: true }));
  }

  /** read + scoreTable, synchronously and unbatched. */
  score(instances: readonly unknown[]): Float64Array {
    return this.scoreTable(this.read(instances));
  }

  /**
   * Null when every score of `instances` is a finite number; else the error for the first instance that has NaN or
   * Infinity among its scores, naming the cause. JSON has neither, and `null` in their place would be a wrong answer
   * given as if it were right. Only on that (rare) path is the instance transformed again, alone, to say which
   * feature overflowed.
   */
  nonFiniteOutput(instances: readonly unknown[], scores: Float64Array): NonFiniteOutputError | null {
    const w = this.width;
    for (let k = 0; k < scores.length; k++) {
      const v = scores[k];
      if (v - v === 0) continue;
      const i = Math.floor(k / w);
      const what = this.task.kind === 'regression' ? 'the predicted value' : `the probability of class ${JSON.stringify(this.task.classes[k % w])}`;
      return new NonFiniteOutputError(i, `${what} is ${v} (not a finite number), so there is no answer; ${this.overflowCause(instances[i])}`);
    }
    return null;
  }

  /** Why one instance's scores are not finite: the transformed features that are not, or the model's arithmetic. */
  private overflowCause(instance: unknown): string {
    const hint = "send values within the range of the model's training data (GET /v1/models/<name> lists the inputs)";
    let m;
    try {
      m = applyFeatures(this.features, this.read([instance]), instancePath, 'instances');
    } catch {
      return `its values are outside what the model can compute with; ${hint}`;
    }
    const bad: string[] = [];
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[j];
      if (v - v !== 0) bad.push(`${JSON.stringify(this.features.outputNames[j])} = ${v}`);
    }
    if (bad.length === 0) return `every feature is finite but the model's arithmetic overflowed on them; ${hint}`;
    const shown = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ` and ${bad.length - 5} more` : '');
    return `after the fitted feature transforms, ${shown}; ${hint}`;
  }

  /** The `predictions` JSON array for `n` scored instances, built as text from precomputed fragments. */
  renderPredictions(scores: Float64Array, n: number): string {
    let out = '[';
    for (let i = 0; i < n; i++) out += (i ? ',' : '') + this.predictionJson(scores, i);
    return out + ']';
  }

  /** Instance `i`'s prediction as JSON text: the response's entry, and the same JSON as predictionAt's value. */
  predictionJson(scores: Float64Array, i: number): string {
    if (this.task.kind === 'regression') return num(scores[i]);
    const w = this.width;
    const base = i * w;
    let out = this.labelOpen[argmaxRow(scores, base, w)];
    for (let k = 0; k < w; k++) out += (k ? ',' : '') + this.probKey[k] + num(scores[base + k]);
    return out + '}}';
  }

  /** predictionJson bound once, for prediction-log records to render their output text at write time. */
  readonly renderPredictionJson = (scores: Float64Array, i: number): string => this.predictionJson(scores, i);

  /** Instance `i`'s prediction as a JSON value (what the prediction log stores). */
  predictionAt(scores: Float64Array, i: number): Prediction {
    if (this.task.kind === 'regression') return finiteOrNull(scores[i]);
    const w = this.width;
    const base = i * w;
    const probabilities: Record<string, number | null> = {};
    this.task.classes.forEach((c, k) => (probabilities[c] = finiteOrNull(scores[base + k])));
    return { label: this.task.classes[argmaxRow(scores, base, w)], probabilities };
  }

  /** What `GET /v1/models/:name` shows of this version. */
  describe(): Record<string, unknown> {
    return {
      model_version: this.versionLabel,
      algorithm: this.model.algorithm,
      task: this.task.kind,
      ...(this.task.kind === 'regression' ? {} : { classes: this.task.classes }),
      inputs: this.features.inputSchema,
      target: this.features.target,
      loaded_at: this.loadedAt.toISOString(),
    };
  }
}

/** JSON has no NaN or Infinity; such scores are refused before rendering (nonFiniteOutput), this keeps JSON valid regardless. */
function num(v: number): string {
  return v - v === 0 ? String(v) : 'null';
}

function finiteOrNull(v: number): number | null {
  return v - v === 0 ? v : null;
}

/** Errors that are the caller's input (unseen category with handleUnknown: error, ...), not the model's fault. */
export function isInputError(err: unknown): boolean {
  return err instanceof InstanceValidationError || err instanceof UnknownCategoryError || err instanceof NonFiniteOutputError;
}

/**
 * Reads a registered version's artifacts (model JSON and fitted features, both verified against their hashes by the
 * store) and builds the served form. Throws with the model, version and what to do when something does not fit.
 */
export async function loadServedVersion(db: Db, store: ArtifactStore, row: ModelVersion): Promise<ServedVersion> {
  const what = `model "${row.modelName}" v${row.version}`;
  if (row.featureSetId === null) {
    throw new Error(`${what} has no feature set, so it cannot score raw instances; register it with the feature set it was trained on`);
  }
  const [fs] = await db.select({ fittedHash: featureSets.fittedHash }).from(featureSets).where(eq(featureSets.id, row.featureSetId));
  if (!fs) throw new Error(`${what}: feature set ${row.featureSetId} is not in the database`);
  const [modelBytes, featureBytes] = await Promise.all([store.get(row.artifactHash), store.get(fs.fittedHash)]);
  try {
    return new ServedVersion(row, deserializeModel(modelBytes.toString('utf8')), deserializeFeatures(featureBytes.toString('utf8')));
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`);
  }
}
