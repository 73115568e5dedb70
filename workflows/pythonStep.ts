/**
 * One user step on the Python worker's task queue, as its own workflow: the smallest caller of the user-step
 * contract (src/contract/steps.ts), used to run a step alone and by the Python worker's tests. Pipelines call
 * user steps from their own workflow the same way.
 */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import { DEFAULT_PYTHON_TASK_QUEUE, USER_STEP_ACTIVITIES, type UserStepInput, type UserStepResult } from '../src/contract/steps';

export interface PythonStepOptions {
  taskQueue?: string;
  /** A worker that dies is noticed this long after its last heartbeat (it heartbeats every 2 s by default). */
  heartbeatTimeoutMs?: number;
  startToCloseTimeoutMs?: number;
  maximumAttempts?: number;
}

type StepActivity = (input: UserStepInput) => Promise<UserStepResult>;

export async function pythonStep(input: UserStepInput, o: PythonStepOptions = {}): Promise<UserStepResult> {
  const activities = proxyActivities<Record<(typeof USER_STEP_ACTIVITIES)[keyof typeof USER_STEP_ACTIVITIES], StepActivity>>({
    taskQueue: o.taskQueue ?? DEFAULT_PYTHON_TASK_QUEUE,
    startToCloseTimeout: o.startToCloseTimeoutMs ?? 60 * 60_000,
    heartbeatTimeout: o.heartbeatTimeoutMs ?? 30_000,
    // A cancelled run waits for the step to stop, so its history says the step was cancelled, not abandoned.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: o.maximumAttempts ?? 5, nonRetryableErrorTypes: ['BadInput'] },
  });
  return activities[USER_STEP_ACTIVITIES[input.kind]](input);
}
