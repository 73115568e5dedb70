/**
 * What entitles a version to production: an accepted approval recorded in its own run (or, for rollback,
 * a break-glass promotion), and for a rollback target also a clean verification record. Pure judgements
 * over rows, so the rules are unit-testable and read in one place.
 */

export interface ApprovalRow {
  decision: string;
  accepted: boolean;
  reviewer: string;
  reason: string | null;
  modelVersion: string | null;
  /** Set by runs since the approvals table had the column: the decision that settled the gate, and to what. */
  outcome?: string | null;
}

export interface Authority {
  approved: boolean;
  /** Why, in words a person reads: who approved it where, or what is missing. */
  why: string;
}

/**
 * A version is approved when its run recorded an accepted `approve` or `auto` decision naming it, and no
 * accepted rejection or timeout, and (under an N-of-M policy) the decision that completed the N is recorded:
 * the row with outcome "approved". Rows written before that column existed say it only in their reason
 * ("approval k of n required"), which is read for them alone.
 */
export function judgeApprovals(version: number, runId: string, rows: ApprovalRow[]): Authority {
  const accepted = rows.filter((r) => r.accepted);
  const against = accepted.find((r) => r.decision === 'reject' || r.decision === 'timeout');
  if (against) {
    return { approved: false, why: `run ${runId} ${against.decision === 'timeout' ? 'timed out without approval' : `rejected it (${against.reviewer})`}${against.reason ? `: ${against.reason}` : ''}` };
  }
  const yes = accepted.filter((r) => (r.decision === 'approve' || r.decision === 'auto') && r.modelVersion === String(version));
  if (yes.length === 0) return { approved: false, why: `run ${runId} recorded no accepted approval of v${version}` };
  if (yes.some((r) => r.outcome === 'approved')) {
    const auto = yes.some((r) => r.decision === 'auto');
    return { approved: true, why: auto ? `auto-approved in run ${runId}` : `approved by ${[...new Set(yes.map((r) => r.reviewer))].join(', ')} in run ${runId}` };
  }
  const typed = yes.some((r) => r.outcome !== undefined && r.outcome !== null) || rows.some((r) => r.outcome !== undefined && r.outcome !== null);
  if (typed) return { approved: false, why: `run ${runId} recorded approvals of v${version}, but not as many as its policy requires` };
  const counts = yes.map((r) => /approval (\d+) of (\d+) required/.exec(r.reason ?? '')).filter((m): m is RegExpExecArray => m !== null);
  if (yes.every((r) => r.decision !== 'auto') && counts.length > 0 && !counts.some((m) => Number(m[1]) >= Number(m[2]))) {
    const best = counts.reduce((a, m) => (Number(m[1]) > Number(a[1]) ? m : a));
    return { approved: false, why: `run ${runId} recorded only ${best[1]} of the ${best[2]} approvals its policy requires for v${version}` };
  }
  if (yes.some((r) => r.decision === 'auto')) return { approved: true, why: `auto-approved in run ${runId}` };
  return { approved: true, why: `approved by ${[...new Set(yes.map((r) => r.reviewer))].join(', ')} in run ${runId}` };
}

/** One deployment of a version, newest first, as rollback needs it. */
export interface DeploymentRow {
  id: number;
  version: number;
  strategy: string;
  status: string;
  failedVerification: boolean;
  reason: string | null;
}

export interface RollbackChoice {
  version: number;
  why: string;
  /** Newer versions passed over, each with the reason. */
  skipped: { version: number; why: string }[];
}

/**
 * The rollback target: the most recently replaced production version (a deployment that ended
 * `superseded`) that is approved or was promoted by break-glass, and never failed verification.
 * `authorityOf` answers the approval question for a version.
 */
export function chooseRollbackTarget(current: number, deploymentsNewestFirst: DeploymentRow[], authorityOf: (version: number) => Authority): RollbackChoice | { version: null; skipped: { version: number; why: string }[] } {
  const byVersion = new Map<number, DeploymentRow[]>();
  for (const d of deploymentsNewestFirst) {
    if (d.version === current) continue;
    byVersion.set(d.version, [...(byVersion.get(d.version) ?? []), d]);
  }
  const skipped: { version: number; why: string }[] = [];
  // Map iteration follows insertion: versions by their newest deployment first.
  for (const [version, rows] of byVersion) {
    const failed = rows.find((d) => d.failedVerification);
    if (failed) {
      skipped.push({ version, why: `failed verification (${failed.strategy}${failed.reason ? `: ${failed.reason}` : ''})` });
      continue;
    }
    if (!rows.some((d) => d.status === 'superseded')) {
      skipped.push({ version, why: rows.some((d) => d.status === 'rolled_back') ? 'was rolled back, never replaced in normal service' : 'was never production before' });
      continue;
    }
    const authority = authorityOf(version);
    const breakGlass = rows.some((d) => d.strategy === 'break_glass');
    if (!authority.approved && !breakGlass) {
      skipped.push({ version, why: `not approved: ${authority.why}` });
      continue;
    }
    const basis = authority.approved ? authority.why : 'promoted by break-glass';
    return { version, why: `v${version} is the most recent earlier production version that was ${basis} and never failed verification`, skipped };
  }
  return { version: null, skipped };
}
