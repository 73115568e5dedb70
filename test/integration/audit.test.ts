// The audit hash chain on real PostgreSQL and on PGlite: concurrent appends never fork it, and
// `bosun audit verify` catches a row edited or deleted behind the append-only trigger's back.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDb, type DbHandle } from '../../src/db/client';
import { appendAudit, approvalAuditRecord, readAudit, verifyAudit } from '../../src/audit';
import { auditVerifyCommand } from '../../src/cli/audit';
import { createTestDatabase, uniqueName } from './support/stack';

describe.each(['postgres', 'pglite'] as const)('audit chain on %s', (kind) => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await openDb(kind === 'postgres' ? { kind, url: await createTestDatabase() } : { kind, dataDir: path.join(mkdtempSync(path.join(os.tmpdir(), 'bosun-audit-')), 'pg') });
  });
  afterAll(async () => h?.close());
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it('serialises concurrent appends per model: no fork, no gap', async () => {
    const [a, b] = [uniqueName('m'), uniqueName('m')];
    await Promise.all(Array.from({ length: 40 }, (_, i) => appendAudit(h.db, i % 2 ? a : b, { kind: 'promotion', actor: `u${i}`, modelVersion: i, detail: { i } })));
    for (const m of [a, b]) {
      const rows = await readAudit(h.db, m);
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      rows.slice(1).forEach((r, i) => expect(r.prevHash).toBe(rows[i].hash));
    }
    expect(await verifyAudit(h.db, a)).toEqual([expect.objectContaining({ ok: true, count: 20 })]);
  });

  it('appends a keyed record once, however often it is retried (recordApproval retries)', async () => {
    const m = uniqueName('keyed');
    const entry = { at: '2026-11-23T15:43:56.123Z', decision: 'approve', reviewer: 'dr-ada', comment: 'metrics reviewed', accepted: true, reason: 'approval 1 of 1 required' };
    const rows = await Promise.all([0, 1, 2].map(() => appendAudit(h.db, m, approvalAuditRecord('run-1', 0, entry, '3'))));
    expect(new Set(rows.map((r) => r.id)).size).toBe(1);
    const [r] = await readAudit(h.db, m);
    expect(r).toMatchObject({ kind: 'approval', actor: 'dr-ada', modelVersion: 3, runId: 'run-1', key: 'approval:run-1:0', createdAt: new Date(entry.at), detail: { decision: 'approve', comment: 'metrics reviewed' } });
    await appendAudit(h.db, m, approvalAuditRecord('run-1', 1, { ...entry, reviewer: 'mallory', accepted: false, reason: 'unauthorized: mallory is not an allowed approver' }, '3'));
    expect((await readAudit(h.db, m)).map((x) => x.kind)).toEqual(['approval', 'refusal']);
  });

  it('refuses UPDATE and DELETE while the trigger is there', async () => {
    const m = uniqueName('trigger');
    await appendAudit(h.db, m, { kind: 'approval', actor: 'dr-ada' });
    // drizzle wraps the server's error; the server's own message is the cause.
    const refusal = (q: Promise<unknown>) => q.then(() => 'allowed', (e: Error & { cause?: Error }) => (e.cause ?? e).message);
    expect(await refusal(h.db.execute(sql`update audit_log set actor = 'mallory' where model_name = ${m}`))).toBe('table audit_log is append-only: UPDATE is not allowed');
    expect(await refusal(h.db.execute(sql`delete from audit_log where model_name = ${m}`))).toBe('table audit_log is append-only: DELETE is not allowed');
  });

  it('bosun audit verify: an intact chain verifies with its count; an edited row and a deleted row are named', async () => {
    const [intact, edited, deleted, tail] = ['intact', 'edited', 'deleted', 'tail'].map(uniqueName);
    for (const m of [intact, edited, deleted, tail]) {
      for (let i = 1; i <= 4; i++) await appendAudit(h.db, m, { kind: i === 1 ? 'approval' : 'promotion', actor: 'dr-ada', modelVersion: i, detail: { reason: `step ${i}` } });
    }
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    expect(await auditVerifyCommand({ db: h.db }, intact)).toEqual([expect.objectContaining({ ok: true, count: 4 })]);
    expect(out[0]).toMatch(new RegExp(`^${intact}: verified, 4 records, head [0-9a-f]{16}$`));

    // Whoever can drop the trigger can edit history; the chain still tells.
    await h.db.execute(sql`drop trigger audit_log_append_only on audit_log`);
    await h.db.execute(sql`update audit_log set actor = 'mallory', detail = '{"reason": "step 2 (approved, honest)"}' where model_name = ${edited} and seq = 2`);
    await h.db.execute(sql`delete from audit_log where model_name = ${deleted} and seq = 3`);
    await h.db.execute(sql`delete from audit_log where model_name = ${tail} and seq = 4`);

    out.length = 0;
    const all = await auditVerifyCommand({ db: h.db });
    expect(process.exitCode).toBe(1);
    const byModel = new Map(all.map((r) => [r.modelName, r]));
    expect(byModel.get(intact)).toMatchObject({ ok: true, count: 4 });
    expect(byModel.get(edited)!.broken).toMatchObject({ modelName: edited, seq: 2 });
    expect(byModel.get(edited)!.broken!.problem).toMatch(/a field of this record \(promotion by mallory\) was changed after it was written/);
    expect(byModel.get(deleted)!.broken).toEqual({ modelName: deleted, seq: 3, problem: 'record 3 is missing (the next record is seq 4): a record was deleted' });
    expect(byModel.get(tail)!.broken).toMatchObject({ seq: 4 });
    expect(byModel.get(tail)!.broken!.problem).toMatch(/the chain head says 4 records .* but only 3 remain: the last 1 record\(s\) were deleted/);
    expect(out).toContain(`${deleted}: BROKEN at seq 3: record 3 is missing (the next record is seq 4): a record was deleted`);
  });
});
