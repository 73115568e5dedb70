/**
 * Every change to workflow code that alters the commands a run issues goes behind a patch, so runs that
 * started on older code (waiting days at the approval gate, or finished and still answering `status`
 * queries, which replay their history) replay exactly as they ran. The rule and the life cycle of a patch
 * are in CONTRIBUTING.md; test/integration/replay.test.ts replays committed histories of real runs.
 */
export const PATCHES = {
  /** The audit table holds every decision before deploy starts. */
  auditBeforeDeploy: 'audit-before-deploy',
  /** A failed run sends a `run_failed` notification with its cause. */
  notifyRunFailed: 'notify-run-failed',
  /** A run waiting at the gate continues as new when Temporal suggests it. */
  gateContinueAsNew: 'gate-continue-as-new',
  /** A run plans its user steps (planSteps), runs them after ingest, and trains on the training task queue. */
  userSteps: 'user-steps',
} as const;
