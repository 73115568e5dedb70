/**
 * Bosun's metadata, as drizzle schema. The data model is explained in docs/data-model.md; migrations in
 * drizzle/ are generated from this file (`npm run db:generate`) and applied at start.
 *
 * Idempotency lives in unique keys: every row an activity writes is keyed by something derived from the
 * workflow id, the step and the input hash, so a retried activity finds its earlier row instead of adding one.
 */
import {
  bigint,
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * A JSON value stored as its text (a `text` column), parsed when read. For values that are valid JSON by construction
 * and only ever fetched whole: PostgreSQL's `json` type checks every value again on the way in, which was half of
 * the database's CPU per prediction-log row (~20 against ~10.5 µs over COPY on the bench machine).
 */
const jsonText = customType<{ data: unknown; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (text) => JSON.parse(text),
});

export const runStatus = pgEnum('run_status', [
  'running',
  'awaiting_approval',
  'deploying',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
]);
export const stepStatus = pgEnum('step_status', ['running', 'succeeded', 'failed', 'cached']);
export const approvalDecision = pgEnum('approval_decision', ['approve', 'reject', 'timeout', 'auto']);
export const modelAlias = pgEnum('model_alias', ['production', 'staging']);
export const modelStatus = pgEnum('model_status', ['candidate', 'production', 'staging', 'archived', 'rejected']);

/** Every stored artifact (content-addressed), so lineage and garbage collection can find them. */
export const artifacts = pgTable('artifacts', {
  hash: text('hash').primaryKey(), // sha256 hex of the bytes
  size: bigint('size', { mode: 'number' }).notNull(),
  mediaType: text('media_type').notNull(),
  kind: text('kind').notNull(), // dataset, features, model, report, profile, spec, …
  createdAt: createdAt(),
});

export const pipelines = pgTable('pipelines', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  latestSpecHash: text('latest_spec_hash'),
  createdAt: createdAt(),
});

/** One row per pipeline run; the id is the Temporal workflow id. */
export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    pipelineId: integer('pipeline_id')
      .notNull()
      .references(() => pipelines.id),
    status: runStatus('status').notNull().default('running'),
    stage: text('stage').notNull().default('ingest'),
    startedBy: text('started_by').notNull(),
    specHash: text('spec_hash').notNull(),
    codeVersion: text('code_version'),
    /** What else a result depends on, for `bosun reproduce`: Node version, lock-file and Bosun source hashes, uncommitted changes. */
    environment: jsonb('environment'),
    trigger: text('trigger').notNull().default('manual'), // manual, schedule, drift
    error: text('error'),
    startedAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('runs_pipeline_idx').on(t.pipelineId, t.startedAt)],
);

/** A stage of a run. cacheKey = hash(step, inputs): equal keys across runs reuse the output. */
export const steps = pgTable(
  'steps',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    name: text('name').notNull(),
    status: stepStatus('status').notNull(),
    cacheKey: text('cache_key').notNull(),
    output: jsonb('output'),
    cachedFromRun: text('cached_from_run'),
    attempt: integer('attempt').notNull().default(1),
    durationMs: integer('duration_ms'),
    startedAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.name] }), index('steps_cache_idx').on(t.cacheKey)],
);

export const datasets = pgTable('datasets', {
  id: serial('id').primaryKey(),
  source: text('source').notNull().unique(), // the URI it was read from, normalised
  createdAt: createdAt(),
});

/** A dataset version exists once per content hash of its source bytes. */
export const datasetVersions = pgTable(
  'dataset_versions',
  {
    id: serial('id').primaryKey(),
    datasetId: integer('dataset_id')
      .notNull()
      .references(() => datasets.id),
    contentHash: text('content_hash').notNull(),
    tableHash: text('table_hash').notNull(), // the parsed columnar artifact
    rows: integer('rows').notNull(),
    schema: jsonb('schema').notNull(),
    statistics: jsonb('statistics').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('dataset_versions_content_idx').on(t.datasetId, t.contentHash)],
);

export const featureSets = pgTable(
  'feature_sets',
  {
    id: serial('id').primaryKey(),
    datasetVersionId: integer('dataset_version_id')
      .notNull()
      .references(() => datasetVersions.id),
    specHash: text('spec_hash').notNull(),
    fittedHash: text('fitted_hash').notNull(), // serialized fitted transform graph
    trainHash: text('train_hash').notNull(), // materialized matrices (offline store)
    testHash: text('test_hash').notNull(),
    featureNames: jsonb('feature_names').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('feature_sets_key_idx').on(t.datasetVersionId, t.specHash)],
);

export const modelVersions = pgTable(
  'model_versions',
  {
    id: serial('id').primaryKey(),
    modelName: text('model_name').notNull(),
    version: integer('version').notNull(),
    runId: text('run_id').notNull(),
    featureSetId: integer('feature_set_id').references(() => featureSets.id),
    algorithm: text('algorithm').notNull(),
    params: jsonb('params').notNull(),
    seed: integer('seed').notNull(),
    artifactHash: text('artifact_hash').notNull(),
    profileHash: text('profile_hash'), // reference drift profile
    metrics: jsonb('metrics'),
    status: modelStatus('status').notNull().default('candidate'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('model_versions_name_version_idx').on(t.modelName, t.version),
    // One model version per run: a retried or replayed train step finds its row.
    uniqueIndex('model_versions_run_idx').on(t.runId),
  ],
);

/**
 * At most one version per (model, alias): promotion moves the alias and archives the old version in one
 * transaction, so a reader never sees no production model or two.
 */
export const modelAliases = pgTable(
  'model_aliases',
  {
    modelName: text('model_name').notNull(),
    alias: modelAlias('alias').notNull(),
    versionId: integer('version_id')
      .notNull()
      .references(() => modelVersions.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.modelName, t.alias] })],
);

export const evaluations = pgTable('evaluations', {
  id: serial('id').primaryKey(),
  runId: text('run_id').notNull().unique(),
  modelVersionId: integer('model_version_id')
    .notNull()
    .references(() => modelVersions.id),
  championVersionId: integer('champion_version_id').references(() => modelVersions.id),
  metrics: jsonb('metrics').notNull(),
  championMetrics: jsonb('champion_metrics'),
  blessed: boolean('blessed').notNull(),
  reasons: jsonb('reasons').notNull(),
  reportHash: text('report_hash'),
  createdAt: createdAt(),
});

/** Append-only audit of every approval attempt, accepted or not (a trigger forbids UPDATE and DELETE). */
export const approvals = pgTable(
  'approvals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: text('run_id').notNull(),
    /** Position in the run's audit (deterministic in the workflow): a retried write finds its row. */
    seq: integer('seq').notNull(),
    modelVersion: text('model_version'),
    decision: approvalDecision('decision').notNull(),
    reviewer: text('reviewer').notNull(),
    comment: text('comment'),
    accepted: boolean('accepted').notNull(),
    reason: text('reason'),
    /** Set on the decision that settled the gate: approved (the last of N approvals, or auto), rejected, timed_out. */
    outcome: text('outcome'),
    /** sha256 of the model artifact the decision was bound to. */
    artifactHash: text('artifact_hash'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('approvals_run_seq_idx').on(t.runId, t.seq)],
);

export const deployments = pgTable('deployments', {
  id: serial('id').primaryKey(),
  modelName: text('model_name').notNull(),
  versionId: integer('version_id')
    .notNull()
    .references(() => modelVersions.id),
  runId: text('run_id'),
  strategy: text('strategy').notNull(), // direct, canary, shadow, manual, rollback
  status: text('status').notNull(), // verifying, live, rolled_back, superseded
  /** Canary: share of traffic (0-100) the version under verification answers. */
  trafficPercent: integer('traffic_percent'),
  reason: text('reason'),
  /**
   * Set when this deployment was judged on what it served and failed (canary, shadow or direct): such a
   * version is never a rollback target again.
   */
  failedVerification: boolean('failed_verification').notNull().default(false),
  createdAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/**
 * The tamper-evident audit (src/audit): approvals, refusals, promotions, rollbacks and break-glass, one hash
 * chain per model. `hash` = sha256 of the record's fields and `prevHash` (the hash of the model's record
 * seq - 1), so editing or deleting a row breaks the chain where `bosun audit verify` finds it. A trigger
 * forbids UPDATE and DELETE; the chain catches whoever drops it.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    modelName: text('model_name').notNull(),
    /** 1, 2, 3, … per model, with no gaps. */
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(), // approval, refusal, promotion, rollback, break_glass, verification
    actor: text('actor').notNull(),
    modelVersion: integer('model_version'),
    runId: text('run_id'),
    /** Idempotency key (e.g. approval:<run>:<seq>): a retried append finds its record instead of adding one. */
    key: text('key'),
    detail: jsonb('detail').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [uniqueIndex('audit_log_model_seq_idx').on(t.modelName, t.seq), uniqueIndex('audit_log_model_key_idx').on(t.modelName, t.key)],
);

/**
 * The head of each model's chain. Appends lock this row (SELECT … FOR UPDATE), so concurrent appends
 * serialise instead of forking the chain; verify compares it with the last record, so a deleted tail shows.
 */
export const auditHeads = pgTable('audit_heads', {
  modelName: text('model_name').primaryKey(),
  seq: integer('seq').notNull(),
  hash: text('hash').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const predictionLog = pgTable(
  'prediction_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    modelName: text('model_name').notNull(),
    modelVersion: integer('model_version').notNull(),
    requestId: text('request_id').notNull(),
    // JSON text, not json or jsonb: the serving process writes thousands of rows a second and readers only fetch the
    // values whole. Each value is valid JSON when written (the instance's text cut from a body JSON.parse accepted, or
    // JSON rendered by Bosun), so the database stores it as sent, neither parsed into a tree nor checked again.
    features: jsonText('features').notNull(),
    output: jsonText('output').notNull(),
    /** Set when scoring this instance failed (the verification window counts these). */
    error: text('error'),
    /** True for a shadow prediction: computed and logged, never returned to the caller. */
    shadow: boolean('shadow').notNull().default(false),
    latencyMs: doublePrecision('latency_ms').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('prediction_log_model_time_idx').on(t.modelName, t.createdAt), index('prediction_log_request_idx').on(t.requestId)],
);

/** Ground truth arriving after the fact, joined to predictions by request id. */
export const labels = pgTable('labels', {
  requestId: text('request_id').primaryKey(),
  modelName: text('model_name').notNull(),
  label: jsonb('label').notNull(),
  receivedAt: createdAt(),
});

export const driftReports = pgTable(
  'drift_reports',
  {
    id: serial('id').primaryKey(),
    modelName: text('model_name').notNull(),
    modelVersion: integer('model_version').notNull(),
    checkId: text('check_id').notNull().unique(), // workflow id of the check: idempotent writes
    windowStart: timestamp('window_start', { withTimezone: true }),
    windowEnd: timestamp('window_end', { withTimezone: true }),
    sampleSize: integer('sample_size').notNull(),
    drifted: boolean('drifted').notNull(),
    report: jsonb('report').notNull(),
    reportHash: text('report_hash'),
    retrainRunId: text('retrain_run_id'),
    createdAt: createdAt(),
  },
  (t) => [index('drift_reports_model_idx').on(t.modelName, t.createdAt)],
);

/** Lineage: dataset version → feature set → model version → evaluation (and run → everything). */
export const lineageEdges = pgTable(
  'lineage_edges',
  {
    fromKind: text('from_kind').notNull(),
    fromId: text('from_id').notNull(),
    toKind: text('to_kind').notNull(),
    toId: text('to_id').notNull(),
    relation: text('relation').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.fromKind, t.fromId, t.toKind, t.toId, t.relation] }),
    index('lineage_to_idx').on(t.toKind, t.toId),
  ],
);

/**
 * Reviewers' public keys (ed25519, base64 of the raw 32 bytes): a decision token signed by an active key
 * proves who approved (src/approval/identity.ts). Several keys per reviewer may be active (a new laptop
 * before the old key is revoked). Rows are never deleted: revoking sets `revoked_at`, so the audit can
 * still say which key signed an old decision.
 */
export const reviewerKeys = pgTable(
  'reviewer_keys',
  {
    id: serial('id').primaryKey(),
    reviewer: text('reviewer').notNull(),
    publicKey: text('public_key').notNull(),
    /** Who registered it (BOSUN_USER of whoever ran `bosun reviewers add`). */
    addedBy: text('added_by').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
  },
  // One key belongs to one reviewer, ever: a key shared by two ids could sign as either.
  (t) => [uniqueIndex('reviewer_keys_public_key_idx').on(t.publicKey), index('reviewer_keys_reviewer_idx').on(t.reviewer)],
);

/**
 * Feature views (src/featurestore), one row per content version: the parsed spec, so a schedule or the serving
 * process can find what a version reads and keeps without the file it was written in.
 */
export const featureViews = pgTable(
  'feature_views',
  {
    version: text('version').primaryKey(), // sha256 of the view's canonical JSON
    name: text('name').notNull(),
    spec: jsonb('spec').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('feature_views_name_idx').on(t.name, t.createdAt)],
);

/**
 * The online store: the latest values of each entity for one view version. Upserts only replace a row with a
 * newer event time, so replaying a batch (a retried or resumed materialization) changes nothing.
 */
export const featureOnline = pgTable(
  'feature_online',
  {
    viewVersion: text('view_version').notNull(),
    /** The entity's key values as a JSON array, e.g. `[42]` or `["eu", 7]`. */
    entityKey: text('entity_key').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true, mode: 'date' }).notNull(),
    values: jsonb('values').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.viewVersion, t.entityKey] })],
);

/** Where each view version's materialization stands: events up to `watermark` are in the online store. */
export const featureMaterializations = pgTable('feature_materializations', {
  viewVersion: text('view_version').primaryKey(),
  watermark: timestamp('watermark', { withTimezone: true, mode: 'date' }),
  /** Entities in the online store for this version. */
  rows: integer('rows').notNull().default(0),
  lastSourceHash: text('last_source_hash'),
  lastRunId: text('last_run_id'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
