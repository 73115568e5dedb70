/**
 * Builds the pipeline worker: the workflows bundle plus activities bound to their dependencies.
 * Bundling the workflows takes seconds, so callers that start many workers (tests, bench) bundle once
 * with `bundlePipelineWorkflows()` and pass the bundle.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** Bosun's failure-tolerant payload converter: an undecodable signal is refused, never a wedged run. */
export const PAYLOAD_CONVERTER_PATH = fileURLToPath(new URL('../src/temporal/payloadConverter.cjs', import.meta.url));

export async function bundlePipelineWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, payloadConverterPath: PAYLOAD_CONVERTER_PATH, logger: quietBundlerLogger });
}

export interface WorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  activities: object;
  bundle?: WorkflowBundle;
  /** false: activities only (a training worker), no workflows bundled or polled. */
  workflows?: boolean;
  maxConcurrentActivityTaskExecutions?: number;
  /** BOSUN_LOG_LEVEL: the SDK's own logs show at debug only. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export async function createPipelineWorker(o: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  quietRuntime(o.logLevel === 'debug' ? 'INFO' : 'WARN');
  const connection = await NativeConnection.connect({ address: o.address });
  const worker = await Worker.create({
    connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: o.activities,
    ...(o.workflows === false ? {} : o.bundle ? { workflowBundle: o.bundle } : { workflowsPath: WORKFLOWS_PATH }),
    // The same converter for activities (worker side) and workflows (bundled above or by the SDK).
    dataConverter: { payloadConverterPath: PAYLOAD_CONVERTER_PATH },
    maxConcurrentActivityTaskExecutions: o.maxConcurrentActivityTaskExecutions ?? 8,
    // Lets SIGTERM/SIGINT finish in-flight activities instead of abandoning them.
    shutdownGraceTime: '10 seconds',
  });
  return { worker, connection };
}

const quietBundlerLogger = new DefaultLogger('WARN');

let runtimeInstalled = false;

/** The SDK logs every bundle and state change at INFO; a person running `bosun dev` needs warnings only. */
function quietRuntime(level: 'INFO' | 'WARN'): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // A runtime was already created by this process (e.g. by a test): keep it.
  }
}
