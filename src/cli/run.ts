/** `bosun run <pipeline>`: validate, upload local data, start the run, and optionally follow it live. */
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import cliProgress from 'cli-progress';
import type { Config } from '../config';
import { prepareSpec, readPipelineFile } from '../pipeline/loadPipeline';
import { submitRun } from '../pipeline/submit';
import type { ArtifactStore } from '../storage';
import { statusQuery, type RunStatus } from '../contract/messages';
import type { RunOutcome } from '../contract/types';
import { describeOutcome, printJson } from './output';

export interface RunOptions {
  file: string;
  client: Client;
  store: ArtifactStore;
  config: Config;
  data?: string;
  follow?: boolean;
  json?: boolean;
  noCache?: boolean;
}

/** Returns true when the run ended well (or was not followed). */
export async function runAndFollow(o: RunOptions): Promise<boolean> {
  const raw = await readPipelineFile(o.file);
  const prepared = await prepareSpec(raw, { baseDir: path.dirname(path.resolve(o.file)), store: o.store, dataOverride: o.data });
  const handle = await submitRun({
    client: o.client,
    store: o.store,
    taskQueue: o.config.temporal.taskQueue,
    prepared,
    startedBy: o.config.user,
    noCache: o.noCache || o.config.noCache,
  });
  if (o.json && !o.follow) {
    printJson({ runId: handle.workflowId, pipeline: prepared.spec.name });
    return true;
  }
  console.log(`run ${handle.workflowId} started (pipeline ${prepared.spec.name})`);
  console.log(`  Web UI: http://localhost:${o.config.temporal.uiPort}/namespaces/${o.config.temporal.namespace}/workflows/${handle.workflowId}`);
  if (!o.follow) return true;
  return follow(handle, o.json ?? false);
}

/**
 * Follows a run: one line per stage as it finishes, and a progress bar fed by the training activity's
 * heartbeats. Returns when the run ends or stops at the approval gate.
 */
export async function follow(handle: WorkflowHandle, json: boolean): Promise<boolean> {
  const printed = new Set<string>();
  const tty = process.stdout.isTTY && !json;
  let bar: cliProgress.SingleBar | null = null;
  for (;;) {
    const desc = await handle.describe();
    const status = await handle.query(statusQuery).catch(() => null as RunStatus | null);
    if (status) {
      for (const s of status.stages) {
        const key = `${s.name}:${s.state}`;
        if ((s.state === 'succeeded' || s.state === 'cached' || s.state === 'failed' || s.state === 'skipped') && !printed.has(key)) {
          printed.add(key);
          bar?.stop();
          bar = null;
          const secs = s.startedAt && s.finishedAt ? ` ${((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1)}s` : '';
          if (!json) console.log(`  ${icon(s.state)} ${s.name.padEnd(9)}${secs.padStart(8)}  ${s.summary ?? ''}`);
        }
      }
      const pending = desc.raw.pendingActivities?.[0];
      const details = pending?.heartbeatDetails?.payloads?.[0]?.data;
      if (tty && details) {
        const d = JSON.parse(Buffer.from(details).toString()) as { iteration?: number; total?: number; stage?: string };
        if (d.total) {
          bar ??= new cliProgress.SingleBar({ format: `  ⋯ ${d.stage ?? 'train'}    [{bar}] {value}/{total}`, hideCursor: true }, cliProgress.Presets.shades_classic);
          if (!bar.isActive) bar.start(d.total, d.iteration ?? 0);
          bar.update(d.iteration ?? 0);
        }
      }
      if (status.stage === 'awaiting_approval' && !printed.has('awaiting')) {
        printed.add('awaiting');
        const e = status.evidence ?? {};
        console.log(`  ⏸ awaiting approval of v${String(e.candidateVersion)}: bosun approve ${handle.workflowId} --reviewer <id> [--comment …]`);
        if (json) printJson(status);
        return true;
      }
    }
    if (desc.status.name !== 'RUNNING') {
      bar?.stop();
      if (desc.status.name === 'COMPLETED') {
        const result = await handle.result();
        if (json) printJson({ runId: handle.workflowId, result, status });
        else console.log(`run ${handle.workflowId}: ${describeOutcome(result as RunOutcome)}`);
        return (result as { status: string }).status === 'succeeded';
      }
      const err = await handle.result().then(() => null, (e: Error) => (e.cause as Error | undefined)?.message ?? e.message);
      if (json) printJson({ runId: handle.workflowId, status: desc.status.name, error: err });
      else console.log(`run ${handle.workflowId} ${desc.status.name.toLowerCase()}: ${status?.error ?? err}`);
      return false;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function icon(state: string): string {
  return state === 'failed' ? '✗' : state === 'skipped' ? '–' : state === 'cached' ? '↺' : '✓';
}
