/** `bosun approve|reject <run>`: the same signal an approver sends from the Web UI or `temporal workflow signal`. */
import { existsSync, readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { approveSignal, rejectSignal, statusQuery, type DecisionSignal, type RunStatus } from '../contract/messages';
import { parseDecision, type Decision } from '../approval/decisionPayload';
import { KeyFileError, parsePrivateKey, signDecision } from '../approval/sign';
import { CliError } from './output';
import { defaultKeyFile, isFileSafeId } from './reviewers';

/** How `bosun approve` finds the reviewer's private key; without one the decision goes unsigned, as before. */
export interface SigningOptions {
  /** --key <file> */
  keyFile?: string;
  /** BOSUN_HOME: BOSUN_HOME/keys/<reviewer>.key is used when it exists. */
  home: string;
  /** BOSUN_REVIEWER_KEY is read from here (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** --print: print the signed JSON (to paste into the Web UI's "Send a Signal") instead of sending it. */
  printOnly?: boolean;
}

/** A signed decision carries its token; decisionPayload.ts accepts the field once the workflow verifies it. */
export type SignedDecisionSignal = DecisionSignal & { token?: string };

/** --key, else BOSUN_REVIEWER_KEY, else BOSUN_HOME/keys/<reviewer>.key if it exists, else none. */
export function resolveReviewerKeyFile(reviewer: string, o: SigningOptions): string | undefined {
  const named = o.keyFile ?? (o.env ?? process.env).BOSUN_REVIEWER_KEY;
  if (named !== undefined && named !== '') return named;
  if (!isFileSafeId(reviewer)) return undefined;
  const file = defaultKeyFile(o.home, reviewer);
  return existsSync(file) ? file : undefined;
}

/**
 * Sends the decision. With `signing` and a key found for the reviewer, the signal also carries a token
 * signed for exactly the waiting candidate (run, decision, version and artifact hash from the run's own
 * status), and names that version and hash.
 */
export async function decideCommand(client: Client, kind: 'approve' | 'reject', runId: string, d: DecisionSignal, signing?: SigningOptions): Promise<void> {
  // The workflow refuses a bad decision anyway; saying so here saves a round trip and an audit entry.
  const parsed = parseDecision(d);
  if (!parsed.ok) throw new CliError(parsed.reason.replace(/^malformed: /, ''));
  const handle = client.workflow.getHandle(runId);
  const desc = await handle.describe();
  if (desc.status.name !== 'RUNNING') throw new CliError(`run ${runId} is ${desc.status.name.toLowerCase()}: there is nothing to ${kind}`);
  const status = await handle.query(statusQuery);
  const before = status.approval?.total ?? 0;
  const keyFile = signing ? resolveReviewerKeyFile(parsed.decision.reviewer, signing) : undefined;
  const signal: SignedDecisionSignal = keyFile ? signedDecision(kind, runId, parsed.decision, d, status, keyFile) : d;
  if (signing?.printOnly) {
    if (!keyFile) throw new CliError(`--print: no key for ${parsed.decision.reviewer}; pass --key <file>, set BOSUN_REVIEWER_KEY, or register one with \`bosun reviewers add ${parsed.decision.reviewer}\``);
    console.log(JSON.stringify(signal));
    return;
  }
  await sendWithRetry(() => handle.signal(kind === 'approve' ? approveSignal : rejectSignal, signal));
  // The signal is durable once sent; wait briefly to show how the policy judged it.
  for (let i = 0; i < 40; i++) {
    const now = await handle.query(statusQuery).catch(() => null);
    const decisions = now?.approval?.decisions ?? [];
    if ((now?.approval?.total ?? 0) > before && decisions.length) {
      const mine = decisions[decisions.length - 1];
      console.log(`${mine.accepted ? 'accepted' : 'refused'}: ${mine.reason}`);
      if (!mine.accepted) process.exitCode = 1;
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`signal sent to ${runId}; see \`bosun status ${runId}\` for the outcome`);
}

/**
 * Signs for the candidate the run says is waiting. A version or hash the reviewer named must be that one:
 * signing something else would only be refused by the run.
 */
export function signedDecision(kind: 'approve' | 'reject', runId: string, decision: Decision, sent: DecisionSignal, status: RunStatus, keyFile: string): SignedDecisionSignal {
  const version = status.evidence?.candidateVersion;
  const sha = status.evidence?.modelSha256;
  if ((typeof version !== 'number' && typeof version !== 'string') || typeof sha !== 'string' || status.approval?.outcome) {
    const why = status.approval?.outcome ? `it was already ${status.approval.outcome.replace('_', ' ')}` : `it is at stage "${status.stage}"`;
    throw new CliError(`run ${runId} has no candidate waiting for approval (${why}); there is nothing to sign`);
  }
  const modelVersion = String(version);
  const modelSha256 = sha.replace(/^sha256:/, '').toLowerCase();
  if (decision.modelVersion !== undefined && decision.modelVersion !== modelVersion) {
    throw new CliError(`--model-version ${decision.modelVersion}: version ${modelVersion} is waiting in ${runId}; review that one, or leave the option out`);
  }
  if (decision.modelSha256 !== undefined && decision.modelSha256 !== modelSha256) {
    throw new CliError(`--model-sha256 ${decision.modelSha256.slice(0, 12)}…: the waiting candidate v${modelVersion} is ${modelSha256.slice(0, 12)}…; review that artifact, or leave the option out`);
  }
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch (err) {
    throw new CliError(`reviewer key ${keyFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass --key <file>, set BOSUN_REVIEWER_KEY, or register one with \`bosun reviewers add ${decision.reviewer}\``);
  }
  let token: string;
  try {
    token = signDecision(parsePrivateKey(pem, `reviewer key ${keyFile}`), {
      v: 1,
      runId,
      decision: kind,
      reviewer: decision.reviewer,
      modelVersion,
      modelSha256,
      issuedAt: new Date().toISOString(),
    });
  } catch (err) {
    if (err instanceof KeyFileError) throw new CliError(err.message);
    throw err;
  }
  return { ...sent, reviewer: decision.reviewer, modelVersion, modelSha256, token };
}

/** While a run continues as new (a long wait at the gate), Temporal refuses signals for a moment. */
async function sendWithRetry(send: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (attempt >= 10 || !/workflow is closing/i.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
