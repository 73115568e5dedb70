// No back door: promotion needs an accepted approval or an audited, notified break-glass; rollback goes
// only to approved versions that never failed verification. On real PostgreSQL and on PGlite.
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppDeps } from '../../src/app';
import { readAudit } from '../../src/audit';
import { auditVerifyCommand } from '../../src/cli/audit';
import { promoteCommand, rollbackCommand } from '../../src/cli/models';
import { deployments, modelVersions } from '../../src/db/schema';
import { concludeVerification, getAlias, promote, rollback, startVerification } from '../../src/registry/registry';
import { addApproved, addVersion, registryState } from './support/registryFixtures';
import { createTestDatabase, testConfig, uniqueName } from './support/stack';

describe.each(['postgres', 'pglite'] as const)('registry governance on %s', (kind) => {
  let app: AppDeps;
  let hook: Server;
  const received: { text: string; event: string }[] = [];
  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as { port: number }).port;
    const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-gov-'));
    const config = testConfig({ home, databaseUrl: kind === 'postgres' ? await createTestDatabase() : undefined });
    app = await openApp({ ...config, user: 'ops-oncall', webhookUrl: `http://127.0.0.1:${port}/hook` });
  });
  afterAll(async () => {
    await app?.close();
    hook?.close();
  });

  it('refuses to promote a version without an accepted approval, saying why and how, and audits the refusal', async () => {
    const model = uniqueName('nobackdoor');
    const v1 = await addApproved(app.db, model, `${model}-r1`);
    await promote(app.db, model, v1.version, { actor: 'bosun' });
    const v2 = await addVersion(app.db, model, `${model}-r2`);
    const refused = promoteCommand(app, model, String(v2.version), { reason: 'looks fine' });
    await expect(refused).rejects.toThrow(`promotion of model "${model}" v2 refused: it has no accepted approval (run ${model}-r2 recorded no accepted approval of v2)`);
    await expect(refused).rejects.toThrow(/bosun approve <run> --reviewer <id> --model-version 2.*--break-glass --reason "<why>"/);
    expect((await getAlias(app.db, model, 'production'))!.version).toBe(1);
    const audit = await readAudit(app.db, model);
    expect(audit.map((r) => r.kind)).toEqual(['promotion', 'refusal']);
    expect(audit[1]).toMatchObject({ actor: 'ops-oncall', modelVersion: 2, detail: { what: 'promotion' } });
    // A canary is putting it in front of traffic too: also refused.
    await expect(startVerification(app.db, model, 2, { strategy: 'canary', trafficPercent: 10, runId: 'x' })).rejects.toThrow(/canary verification of model .* v2 refused/);
    expect((await registryState(app.db, model)).verifying).toBe(0);
  });

  it('promotes with --break-glass and a reason: recorded as break-glass in the audit, and notified', async () => {
    const model = uniqueName('glass');
    const v1 = await addApproved(app.db, model, `${model}-r1`);
    await promote(app.db, model, v1.version);
    await addVersion(app.db, model, `${model}-r2`);
    await expect(promoteCommand(app, model, '2', { breakGlass: true })).rejects.toThrow(/needs a reason: add --reason/);
    const lines = await promoteCommand(app, model, '2', { breakGlass: true, reason: 'v1 leaks PII, hotfix' });
    expect(lines[0]).toBe(`${model}: production is v2 (was v1): break-glass by ops-oncall: v1 leaks PII, hotfix`);
    expect(lines[1]).toBe('break-glass: recorded in the audit and notified');
    const audit = await readAudit(app.db, model);
    expect(audit.at(-1)).toMatchObject({ kind: 'break_glass', actor: 'ops-oncall', modelVersion: 2, detail: { from: 1, to: 2, strategy: 'break_glass', reason: 'v1 leaks PII, hotfix' } });
    expect(received.filter((m) => m.event === 'break_glass').map((m) => m.text)).toContainEqual(`[bosun] break_glass: ${model} v2 promoted to production WITHOUT approval by ops-oncall (break-glass): v1 leaks PII, hotfix`);
    const [d] = await app.db.select().from(deployments).where(and(eq(deployments.modelName, model), eq(deployments.status, 'live')));
    expect(d.strategy).toBe('break_glass');
  });

  it('promotes an approved version and says who approved it', async () => {
    const model = uniqueName('approved');
    await addApproved(app.db, model, `${model}-r1`);
    expect(await promoteCommand(app, model, '1')).toEqual([`${model}: production is v1: approved by dr-ada in run ${model}-r1`]);
    expect(await promoteCommand(app, model, '1')).toEqual([`${model}: v1 is already production; nothing changed`]);
    await expect(promoteCommand(app, model, 'two')).rejects.toThrow('expected a version number such as 3, got "two"');
  });

  it('v1 production, v2 canary rolled back (failed verification), v3 promoted: rollback goes to v1, not v2, and says why', async () => {
    const model = uniqueName('rollback');
    for (const r of ['r1', 'r2', 'r3']) await addApproved(app.db, model, `${model}-${r}`);
    await promote(app.db, model, 1, { actor: 'bosun', runId: `${model}-r1` });
    const canary = await startVerification(app.db, model, 2, { strategy: 'canary', trafficPercent: 20, runId: `${model}-r2` });
    await concludeVerification(app.db, canary, { promote: false, reason: 'canary of v2 failed verification: p99 latency 80 ms > 50 ✗' });
    await promote(app.db, model, 3, { actor: 'bosun', runId: `${model}-r3` });
    const [line] = await rollbackCommand(app, model, { reason: 'v3 misbehaves' });
    expect(line).toBe(
      `${model}: rolled back to v1 (from v3): v1 is the most recent earlier production version that was approved by dr-ada in run ${model}-r1 and never failed verification; ` +
        `skipped v2 (failed verification (canary: canary of v2 failed verification: p99 latency 80 ms > 50 ✗))`,
    );
    expect(await registryState(app.db, model)).toMatchObject({ production: [1], productionStatus: [1], live: [1], verifying: 0, auditOk: true });
    // Repeating the same rollback is safe: production is no longer v3.
    expect(await rollbackCommand(app, model, { from: '3' })).toEqual([`${model}: production is already v1, no longer v3; nothing changed`]);
    // v3 was rolled back and v2 failed: nothing left to go back to from v1.
    await expect(rollback(app.db, model)).rejects.toThrow(/has no version to roll back to from v1: .*v3 was rolled back.*v2 failed verification/);
    const audit = await readAudit(app.db, model);
    expect(audit.map((r) => r.kind)).toEqual(['promotion', 'verification', 'rollback', 'promotion', 'rollback']);
    expect(audit[4].detail).toMatchObject({ from: 3, to: 1, skipped: [{ version: 2 }] });
  });

  it('a direct deploy that fails verification is never a rollback target', async () => {
    const model = uniqueName('directfail');
    for (const r of ['r1', 'r2', 'r3']) await addApproved(app.db, model, `${model}-${r}`);
    await promote(app.db, model, 1);
    await promote(app.db, model, 2);
    await rollback(app.db, model, { reason: 'automatic rollback of v2: error rate ✗', from: 2, failedVerification: true });
    const [v2] = await app.db.select().from(modelVersions).where(and(eq(modelVersions.modelName, model), eq(modelVersions.version, 2)));
    expect(v2.status).toBe('rejected');
    await promote(app.db, model, 3);
    expect((await rollback(app.db, model)).version).toBe(1);
  });

  it('promotes a canary in one move: the verifying deployment becomes the live one', async () => {
    const model = uniqueName('canary');
    await addApproved(app.db, model, `${model}-r1`);
    await addApproved(app.db, model, `${model}-r2`);
    await promote(app.db, model, 1);
    const id = await startVerification(app.db, model, 2, { strategy: 'canary', trafficPercent: 20, runId: `${model}-r2` });
    expect(await concludeVerification(app.db, id, { promote: true, reason: 'verified' })).toMatchObject({ version: 2, previousVersion: 1 });
    expect(await concludeVerification(app.db, id, { promote: true, reason: 'verified' })).toBeNull(); // a retried activity
    const [d] = await app.db.select().from(deployments).where(eq(deployments.id, id));
    expect(d.status).toBe('live');
    expect(await registryState(app.db, model)).toMatchObject({ production: [2], productionStatus: [2], live: [2], verifying: 0, auditOk: true, auditCount: 3 });
    const results = await auditVerifyCommand(app, model);
    expect(results).toEqual([expect.objectContaining({ modelName: model, ok: true, count: 3 })]);
  });
});
