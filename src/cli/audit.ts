/** `bosun audit verify [model]`: recompute each model's audit hash chain and name the first broken link. */
import type { AppDeps } from '../app';
import { verifyAudit, type ChainCheck } from '../audit';
import { printJson } from './output';

export async function auditVerifyCommand(app: Pick<AppDeps, 'db'>, model?: string, o: { json?: boolean } = {}): Promise<ChainCheck[]> {
  const results = await verifyAudit(app.db, model);
  if (o.json) printJson(results);
  else if (results.length === 0) console.log(model ? `${model}: no audit records` : 'no audit records');
  else
    for (const r of results) {
      console.log(
        r.ok && r.count === 0
          ? `${r.modelName}: no audit records`
          : r.ok
          ? `${r.modelName}: verified, ${r.count} record${r.count === 1 ? '' : 's'}, head ${r.headHash.slice(0, 16)}`
          : `${r.modelName}: BROKEN at seq ${r.broken!.seq}: ${r.broken!.problem}`,
      );
    }
  // A broken chain is the answer an auditor needs to act on: make it fail scripts too.
  if (results.some((r) => !r.ok)) process.exitCode = 1;
  return results;
}
