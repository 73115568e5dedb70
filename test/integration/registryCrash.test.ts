// kill -9 during a registry move: production stays at exactly one version, the deployment record stays
// consistent, and retrying the same call finishes the move. The move runs in a child process; on real
// PostgreSQL the test holds a table lock so the child's transaction stops at a chosen write (after its
// earlier writes), kills it there, then releases the lock: the server rolls the orphan back.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db, type DbHandle } from '../../src/db/client';
import { auditLog, deployments, modelAliases, modelVersions } from '../../src/db/schema';
import { promote, startVerification } from '../../src/registry/registry';
import { addApproved, registryState } from './support/registryFixtures';
import { createTestDatabase, uniqueName } from './support/stack';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/registryChild.ts');

type ChildArgs = { db: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string }; op: 'promote' | 'rollback' | 'conclude' | 'loop'; model: string; version?: number; from?: number; deploymentId?: number };

function startChild(args: ChildArgs): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function runChild(args: ChildArgs): Promise<unknown> {
  const c = startChild(args);
  const code = await c.exited;
  expect(code, c.output()).toBe(0);
  return JSON.parse(/done (.*)/.exec(c.output())![1]);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Everything a move touches, to compare before and after a killed attempt. */
async function snapshot(db: Db, model: string) {
  return {
    aliases: (await db.select().from(modelAliases).where(eq(modelAliases.modelName, model))).map((a) => [a.alias, a.versionId]).sort(),
    versions: (await db.select().from(modelVersions).where(eq(modelVersions.modelName, model))).map((v) => [v.version, v.status]).sort(),
    deployments: (await db.select().from(deployments).where(eq(deployments.modelName, model))).map((d) => [d.id, d.versionId, d.strategy, d.status, d.failedVerification]).sort(),
    audit: (await db.select().from(auditLog).where(eq(auditLog.modelName, model))).length,
  };
}

describe('kill -9 during a registry move on PostgreSQL', () => {
  let url: string;
  let h: DbHandle;
  beforeAll(async () => {
    url = await createTestDatabase();
    h = await openDb({ kind: 'postgres', url });
  });
  afterAll(async () => h?.close());

  /** v1 production and v2, v3 approved; for a rollback v2 is production; for a canary v2 is verifying. */
  async function setUp(op: ChildArgs['op']): Promise<{ model: string; args: ChildArgs; target: number }> {
    const model = uniqueName(`crash-${op}`);
    for (const r of ['r1', 'r2', 'r3']) await addApproved(h.db, model, `${model}-${r}`);
    await promote(h.db, model, 1, { actor: 'setup' });
    const db = { kind: 'postgres' as const, url };
    if (op === 'rollback') {
      await promote(h.db, model, 2, { actor: 'setup' });
      return { model, target: 1, args: { db, op, model, from: 2 } };
    }
    if (op === 'conclude') {
      const deploymentId = await startVerification(h.db, model, 2, { strategy: 'canary', trafficPercent: 10, runId: `${model}-r2` });
      return { model, target: 2, args: { db, op, model, deploymentId } };
    }
    return { model, target: 3, args: { db, op, model, version: 3 } };
  }

  // Each table is written at a different point of the move's transaction (model_versions first, the
  // audit record last), so the child dies with some of its writes done and others not.
  const points = ['model_versions', 'deployments', 'model_aliases', 'audit_log'] as const;
  for (const op of ['promote', 'rollback', 'conclude'] as const) {
    it(`${op}: killed at each point, nothing moved; a retry finishes the move once`, async () => {
      for (const table of points) {
        const { model, args, target } = await setUp(op);
        const before = await snapshot(h.db, model);
        const locker = postgres(url, { max: 1, onnotice: () => {} });
        let orphan = 0;
        try {
          await locker.begin(async (tx) => {
            await tx.unsafe(`lock table ${table} in share mode`); // readers pass, writers wait
            const c = startChild(args);
            orphan = await until(`the ${op} to wait on ${table}`, async () => {
              const [w] = await tx`select pid from pg_locks where not granted and relation = ${table}::regclass`;
              return w?.pid as number | undefined;
            });
            c.child.kill('SIGKILL');
            expect(await c.exited).toBeNull(); // killed, not finished
          });
        } finally {
          await locker.end();
        }
        // The orphaned server session runs its statement, finds its client gone, and rolls back.
        await until('the killed session to end', async () => {
          const rows = await h.db.select({ n: sql<number>`count(*)` }).from(sql`pg_stat_activity`).where(sql`pid = ${orphan}`);
          return Number(rows[0].n) === 0;
        });
        expect(await snapshot(h.db, model), `${op} killed at ${table}`).toEqual(before);
        const state = await registryState(h.db, model);
        expect(state.production).toHaveLength(1);
        expect(state.productionStatus).toEqual(state.production);
        expect(state.live).toEqual(state.production);
        expect(state.auditOk).toBe(true);

        await runChild(args);
        const after = await registryState(h.db, model);
        expect(after, `${op} retried after a kill at ${table}`).toMatchObject({ production: [target], productionStatus: [target], live: [target], verifying: 0, auditOk: true, auditCount: before.audit + 1 });
        // Retrying once more (the move had committed) changes nothing.
        const done = await snapshot(h.db, model);
        await runChild(args);
        expect(await snapshot(h.db, model)).toEqual(done);
      }
    });
  }
});

describe('kill -9 during registry moves on PGlite', () => {
  it('after a kill at a random moment the database reopens with exactly one production version, and the move can be retried', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'bosun-crash-')), 'pg');
    const model = 'crash-pglite';
    let h = await openDb({ kind: 'pglite', dataDir });
    for (const r of ['r1', 'r2']) await addApproved(h.db, model, `${model}-${r}`);
    await promote(h.db, model, 1);
    await h.close();
    for (let round = 0; round < 3; round++) {
      const c = startChild({ db: { kind: 'pglite', dataDir }, op: 'loop', model });
      await until('some moves', async () => (c.output().match(/tick/g)?.length ?? 0) > 3 + round * 2);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
      c.child.kill('SIGKILL');
      await c.exited;
      const ticks = [...c.output().matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
      h = await openDb({ kind: 'pglite', dataDir });
      const state = await registryState(h.db, model);
      expect(state.production).toHaveLength(1);
      expect(state.productionStatus).toEqual(state.production);
      expect(state.live).toEqual(state.production);
      expect(state.auditOk).toBe(true);
      // The move in flight was the promotion after the last one reported; retrying it finishes it.
      const next = 1 + ((ticks.at(-1)! + 1) % 2);
      await promote(h.db, model, next);
      expect(await registryState(h.db, model)).toMatchObject({ production: [next], live: [next], auditOk: true });
      await h.close();
    }
  });
});
