/**
 * User steps: code a team brings to a pipeline, run as activities. TypeScript steps run on the pipeline worker;
 * Python steps run on a Python worker (the official `temporalio` SDK, python/ in this repository) polling its own
 * task queue. Both take and return the same shapes, so the workflow calls either the same way. Data never travels
 * in these payloads: tables and models are artifacts in Bosun's artifact store, named by sha256; each worker reads
 * the store from its own configuration (the same BOSUN_* variables), never from the payload.
 */

export type StepRuntime = 'typescript' | 'python';

/**
 * transform: table in, table out (runs after ingest, before validation and features).
 * train: training table in, a fitted model out as an ONNX artifact (registered like any model version).
 */
export type UserStepKind = 'transform' | 'train';

/** The activity type each runtime registers for a step kind. */
export const USER_STEP_ACTIVITIES = {
  transform: 'bosunTransformStep',
  train: 'bosunTrainStep',
} as const satisfies Record<UserStepKind, string>;

/** Default task queue of the Python worker (BOSUN_PYTHON_TASK_QUEUE overrides it). */
export const DEFAULT_PYTHON_TASK_QUEUE = 'bosun-python';

/** A table artifact: Parquet bytes in the artifact store. */
export interface TableRef {
  sha256: string;
  format: 'parquet';
  rows: number;
  columns: number;
}

export interface UserStepInput {
  runId: string;
  pipeline: string;
  /** The step's name in the pipeline spec (unique within it, dashes and letters). */
  step: string;
  kind: UserStepKind;
  /** python: "package.module:function" importable on the Python worker; typescript: the step's name. */
  entry: string;
  /** sha256 of the step's code: part of the step-cache key, so editing the code re-runs the step. */
  codeHash: string;
  table: TableRef;
  /** train: the column to predict, and the positive class of a binary target. */
  target?: string;
  positiveClass?: string;
  /** The step's own parameters from the spec (small JSON). */
  params?: Record<string, unknown>;
  seed?: number;
}

export type UserStepResult = (
  | { kind: 'transform'; table: TableRef; summary: string }
  | {
      kind: 'train';
      /** The fitted model as ONNX bytes in the artifact store. */
      onnx: { sha256: string; bytes: number };
      /** Feature columns the model reads, in the model's input order. */
      inputs: string[];
      /** Class labels in the order of the model's probability output (classification). */
      classes?: string[];
      /** e.g. "sklearn.linear_model.LogisticRegression", shown in the model card and lineage. */
      framework: string;
      params?: Record<string, unknown>;
      summary: string;
    }
) & {
  /** Optional: sha256 of the code the worker ran (e.g. the Python module's source), recorded in lineage. */
  codeHash?: string;
};

/**
 * Added for the pipeline engine (all optional, nothing above changed): the step as the workflow plans it, and
 * where each kind of work runs. A Python worker may ignore these; it only sees UserStepInput.
 */

/** One user step of a run, as the pipeline worker reads it from the stored spec (see planSteps). */
export interface UserStepPlan {
  name: string;
  kind: UserStepKind;
  runtime: StepRuntime;
  /** typescript: the step's name; python: "package.module:function". */
  entry: string;
  /**
   * typescript: sha256 of the function's source text as the submitter's pipeline file had it; the pipeline
   * worker refuses to run a step whose registered code hashes differently. python: absent unless the spec
   * declares a `version`, in which case it is the hash of entry and version (Bosun cannot read Python code).
   */
  codeHash?: string;
  params?: Record<string, unknown>;
}

/** The task queues a run's work goes to, as the pipeline worker's configuration names them. */
export interface TaskQueueLayout {
  /** Built-in training (train, trainTrial); null: the run's own task queue (one worker does everything). */
  training: string | null;
  /** Python steps (BOSUN_PYTHON_TASK_QUEUE, default DEFAULT_PYTHON_TASK_QUEUE). */
  python: string;
}

export interface StepLayout {
  steps: UserStepPlan[];
  queues: TaskQueueLayout;
}

/** A table-producing step's result inside Bosun: the new table as a dataset version, and where it came from. */
export interface UserStepOutcome {
  step: string;
  runtime: StepRuntime;
  codeHash: string | null;
  inputTableHash: string;
}

/** The activities a step runtime registers (USER_STEP_ACTIVITIES), as the workflow calls them. */
export interface UserStepActivities {
  bosunTransformStep(input: UserStepInput): Promise<UserStepResult>;
  bosunTrainStep(input: UserStepInput): Promise<UserStepResult>;
}
