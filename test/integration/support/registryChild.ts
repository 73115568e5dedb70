/**
 * A registry move in its own process, for the kill -9 tests (test/integration/registryCrash.test.ts).
 * argv[2] is JSON: { db: { kind, url | dataDir }, op: 'promote' | 'rollback' | 'conclude' | 'loop', model, version?, from?, deploymentId? }.
 * Prints "done <result>" when the move returns; 'loop' alternates promotions of v1 and v2 forever, printing "tick <n>".
 */
import { openDb } from '../../../src/db/client';
import { concludeVerification, promote, rollback } from '../../../src/registry/registry';

const a = JSON.parse(process.argv[2]) as {
  db: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  op: 'promote' | 'rollback' | 'conclude' | 'loop';
  model: string;
  version?: number;
  from?: number;
  deploymentId?: number;
};
const h = await openDb(a.db);
if (a.op === 'loop') {
  for (let i = 0; ; i++) {
    await promote(h.db, a.model, 1 + (i % 2), { actor: 'crash-test', strategy: 'manual' });
    process.stdout.write(`tick ${i}\n`);
  }
}
const result =
  a.op === 'promote'
    ? await promote(h.db, a.model, a.version!, { actor: 'crash-test', strategy: 'manual', reason: 'crash test' })
    : a.op === 'rollback'
      ? await rollback(h.db, a.model, { actor: 'crash-test', reason: 'crash test', from: a.from })
      : await concludeVerification(h.db, a.deploymentId!, { promote: true, reason: 'verified (crash test)', actor: 'crash-test' });
process.stdout.write(`done ${JSON.stringify(result)}\n`);
await h.close();
