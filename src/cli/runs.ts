/** `bosun status`, `bosun runs`, `bosun pending`: read runs from Temporal (queries and visibility). */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { reconcileRuns } from '../pipeline/reconcile';
import { statusQuery } from '../contract/messages';
import { printJson, printTable } from './output';

export async function statusCommand(client: Client, runId: string, json: boolean, db?: Db): Promise<void> {
  const handle = client.workflow.getHandle(runId);
  const desc = await handle.describe();
  // The runs table follows Temporal: a run terminated or timed out there is recorded as such here.
  const fixed = db ? await reconcileRuns(db, client, { runIds: [runId] }).catch(() => []) : [];
  const status = await handle.query(statusQuery);
  if (json) return printJson({ ...status, workflowStatus: desc.status.name, startTime: desc.startTime, closeTime: desc.closeTime });
  for (const f of fixed) console.log(`(runs table said ${f.from}; Temporal says ${f.to}: updated)`);
  console.log(`run       ${runId}  (${desc.status.name.toLowerCase()})`);
  console.log(`pipeline  ${status.pipeline}`);
  console.log(`stage     ${status.stage}`);
  console.log('');
  printTable(
    status.stages.map((s) => ({
      stage: s.name,
      state: s.state,
      seconds: s.startedAt && s.finishedAt ? (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000 : null,
      summary: s.summary ?? '',
    })),
  );
  if (status.evidence) {
    console.log('\nevidence');
    for (const [k, v] of Object.entries(status.evidence)) console.log(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  if (status.approval?.decisions.length) {
    console.log('\napproval audit');
    printTable(status.approval.decisions.map((d) => ({ seq: d.seq, at: d.at, decision: d.decision, reviewer: d.reviewer, accepted: d.accepted, reason: d.reason })));
    if (status.approval.omitted) console.log(`(${status.approval.omitted} older refused decisions not shown: see the approvals table)`);
  }
  if (status.error) console.log(`\nerror: ${status.error}`);
}

export async function listRuns(client: Client, o: { pipeline?: string; pending?: boolean; json: boolean; limit: number }): Promise<void> {
  const clauses = ['WorkflowType = "trainingPipeline"'];
  if (o.pipeline) clauses.push(`BosunPipeline = "${o.pipeline.replace(/"/g, '')}"`);
  if (o.pending) clauses.push('BosunStage = "awaiting_approval"', 'ExecutionStatus = "Running"');
  const rows: Record<string, unknown>[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const sa = wf.searchAttributes as Record<string, unknown[]>;
    rows.push({
      run: wf.workflowId,
      pipeline: sa.BosunPipeline?.[0] ?? '',
      stage: sa.BosunStage?.[0] ?? '',
      candidate: sa.BosunCandidateVersion?.[0] ?? null,
      status: wf.status.name.toLowerCase(),
      started: wf.startTime,
    });
    if (rows.length >= o.limit) break;
  }
  if (o.json) printJson(rows);
  else printTable(rows);
}
