/**
 * Orchestration overhead: an eight-step pipeline of no-op activities through Bosun's stage engine against a
 * bare chain of eight Temporal activities, on the same dev server in the same run; plus throughput with
 * 50 pipelines in flight. Run standalone: `npx tsx bench/orchestration.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import * as noopActivities from '../activities/noop';
import { loadConfig } from '../src/config';
import { findProgram } from '../src/stack/binaries';
import { freePort } from '../src/stack/process';
import { startTemporalServer } from '../src/stack/temporalServer';
import { bundlePipelineWorkflows, createPipelineWorker } from '../workers/createWorker';

export interface OrchestrationResult {
  steps: number;
  samples: number;
  bosunMedianMs: number;
  bareMedianMs: number;
  ratio: number;
  inFlight: number;
  bosunRunsPerMinute: number;
  bareRunsPerMinute: number;
}

export async function runOrchestrationBench(o: { samples?: number; inFlight?: number; batches?: number } = {}): Promise<OrchestrationResult> {
  const samples = o.samples ?? 30;
  const inFlight = o.inFlight ?? 50;
  const steps = 8;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-bench-'));
  const cfg = loadConfig({ ...process.env, DATABASE_URL: undefined, BOSUN_ARTIFACTS_URL: undefined });
  const server = await startTemporalServer({
    binary: findProgram('temporal', { explicit: cfg.temporal.cliPath, cacheDir: cfg.cacheDir }),
    port: await freePort(),
    uiPort: await freePort(),
    logFile: path.join(dir, 'temporal.log'),
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = 'bench';
  const { worker, connection: wc } = await createPipelineWorker({
    address: server.address,
    namespace: 'default',
    taskQueue,
    activities: noopActivities,
    bundle: await bundlePipelineWorkflows(),
    maxConcurrentActivityTaskExecutions: 200,
  });
  const running = worker.run();
  let id = 0;
  const once = (type: 'enginePipeline' | 'bareChain') => client.workflow.execute(type, { taskQueue, workflowId: `${type}-${id++}`, args: [steps] });
  try {
    // Warm both paths (workflow code cached in the worker, connections open).
    for (let i = 0; i < 3; i++) await Promise.all([once('enginePipeline'), once('bareChain')]);
    // Interleave the two kinds so drift in machine load hits both alike.
    const bosun: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < samples; i++) {
      for (const [type, out] of [['enginePipeline', bosun], ['bareChain', bare]] as const) {
        const t0 = performance.now();
        await once(type);
        out.push(performance.now() - t0);
      }
    }
    const throughput = async (type: 'enginePipeline' | 'bareChain') => {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: inFlight }, () => once(type)));
      return (inFlight / (performance.now() - t0)) * 60_000;
    };
    const bareRpm = await throughput('bareChain');
    const bosunRpm = await throughput('enginePipeline');
    const bosunMedianMs = median(bosun);
    const bareMedianMs = median(bare);
    return { steps, samples, bosunMedianMs, bareMedianMs, ratio: bosunMedianMs / bareMedianMs, inFlight, bosunRunsPerMinute: bosunRpm, bareRunsPerMinute: bareRpm };
  } finally {
    worker.shutdown();
    await running;
    await wc.close();
    await connection.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runOrchestrationBench();
  console.log(r);
}
