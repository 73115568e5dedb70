import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../src/db/client';
import { modelAliases, modelVersions } from '../../src/db/schema';
import { getAlias, promote, registerVersion, rollback, servedRoutings, startVerification } from '../../src/registry/registry';
import { approve } from './support/registryFixtures';
import { createTestDatabase } from './support/stack';

describe('model registry on PostgreSQL', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await openDb({ kind: 'postgres', url: await createTestDatabase() });
  });
  afterAll(async () => h?.close());

  const version = (model: string, run: string) =>
    registerVersion(h.db, { modelName: model, runId: run, featureSetId: null, algorithm: 'gbdt', params: {}, seed: 1, artifactHash: 'a'.repeat(64), profileHash: null, metrics: null });

  it('numbers versions once per run, even when registered concurrently', async () => {
    const rows = await Promise.all([version('m1', 'r1'), version('m1', 'r2'), version('m1', 'r1'), version('m1', 'r3'), version('m1', 'r2')]);
    expect(new Set(rows.filter((r) => r.runId === 'r1').map((r) => r.version)).size).toBe(1);
    expect((await h.db.select().from(modelVersions).where(eq(modelVersions.modelName, 'm1'))).map((r) => r.version).sort()).toEqual([1, 2, 3]);
  });

  it('keeps exactly one production version while promotions and rollbacks race with readers', async () => {
    for (const run of ['p1', 'p2', 'p3', 'p4']) await approve(h.db, await version('m2', run));
    await promote(h.db, 'm2', 1);
    let reading = true;
    const seen: number[] = [];
    const reader = (async () => {
      while (reading) {
        const rows = await h.db.select().from(modelAliases).where(and(eq(modelAliases.modelName, 'm2'), eq(modelAliases.alias, 'production')));
        expect(rows).toHaveLength(1);
        const prod = await h.db.select().from(modelVersions).where(and(eq(modelVersions.modelName, 'm2'), eq(modelVersions.status, 'production')));
        // Status and alias move in one transaction: never zero, never two.
        expect(prod).toHaveLength(1);
        seen.push(prod[0].version);
      }
    })();
    const ops = [];
    for (let i = 0; i < 20; i++) ops.push(i % 5 === 4 ? rollback(h.db, 'm2', 'race').catch(() => null) : promote(h.db, 'm2', 1 + (i % 4)));
    await Promise.all(ops);
    reading = false;
    await reader;
    expect(seen.length).toBeGreaterThan(0);
    expect([1, 2, 3, 4]).toContain((await getAlias(h.db, 'm2', 'production'))!.version);
  });

  it('rolls back to the previous production version in one call', async () => {
    for (const run of ['q1', 'q2']) await approve(h.db, await version('m3', run));
    await promote(h.db, 'm3', 1);
    await promote(h.db, 'm3', 2);
    expect(await rollback(h.db, 'm3', 'bad canary')).toMatchObject({ version: 1, previousVersion: 2 });
    expect((await getAlias(h.db, 'm3', 'production'))!.version).toBe(1);
    const [v2] = await h.db.select().from(modelVersions).where(and(eq(modelVersions.modelName, 'm3'), eq(modelVersions.version, 2)));
    expect(v2.status).toBe('archived');
    await expect(promote(h.db, 'm3', 9)).rejects.toThrow('model "m3" has no version 9; see `bosun models list m3`');
  });

  it('reads the routing of every served model in one poll: production, and the newest canary or shadow beside it', async () => {
    for (const run of ['s1', 's2', 's3']) await approve(h.db, await version('m4', run));
    await promote(h.db, 'm4', 1);
    await startVerification(h.db, 'm4', 2, { strategy: 'shadow', trafficPercent: 0, runId: 's2' });
    // A newer candidate supersedes the shadow: the canary is the challenger now.
    await startVerification(h.db, 'm4', 3, { strategy: 'canary', trafficPercent: 10, runId: 's3' });
    await approve(h.db, await version('m5', 't1'));
    await promote(h.db, 'm5', 1);
    const routings = new Map((await servedRoutings(h.db)).map((r) => [r.modelName, r]));
    expect(routings.get('m4')).toMatchObject({ production: { version: 1 }, challenger: { version: { version: 3 }, strategy: 'canary', trafficPercent: 10 } });
    expect(routings.get('m5')).toMatchObject({ production: { version: 1 }, challenger: null });
    // No production alias, nothing to serve: m1 was registered but never promoted.
    expect(routings.has('m1')).toBe(false);
  });
});
