import { readFileSync } from 'node:fs';
import { sql, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../src/db/client';
import { approvals, pipelines } from '../../src/db/schema';
import { createTestDatabase } from './support/stack';

const backends = [
  { name: 'PGlite', open: () => openDb({ kind: 'pglite', dataDir: 'memory://' }) },
  { name: 'PostgreSQL', open: async () => openDb({ kind: 'postgres', url: await createTestDatabase() }) },
];

describe.each(backends)('metadata database on $name', (backend) => {
  it('applies the migrations and can use every table', async () => {
    const h: DbHandle = await backend.open();
    try {
      const rows = await h.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`);
      const names = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).map((r) => (r as { table_name: string }).table_name);
      for (const t of ['pipelines', 'runs', 'steps', 'datasets', 'dataset_versions', 'feature_sets', 'model_versions', 'model_aliases', 'evaluations', 'approvals', 'deployments', 'prediction_log', 'labels', 'drift_reports', 'lineage_edges', 'artifacts']) {
        expect(names).toContain(t);
      }
      const [p] = await h.db.insert(pipelines).values({ name: 'credit' }).returning();
      expect(p.id).toBeGreaterThan(0);
      expect((await h.db.select().from(pipelines).where(eq(pipelines.name, 'credit'))).length).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('keeps the approval audit append-only', async () => {
    const h = await backend.open();
    try {
      const [row] = await h.db.insert(approvals).values({ runId: 'r1', seq: 0, decision: 'approve', reviewer: 'alice', accepted: true, reason: 'ok' }).returning();
      const update = await h.db.update(approvals).set({ accepted: false }).where(eq(approvals.id, row.id)).catch((e: Error) => e);
      expect(String((update as Error).cause)).toMatch(/append-only: UPDATE is not allowed/);
      const del = await h.db.delete(approvals).where(eq(approvals.id, row.id)).catch((e: Error) => e);
      expect(String((del as Error).cause)).toMatch(/append-only: DELETE is not allowed/);
      expect((await h.db.select().from(approvals)).length).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe('PostgreSQL start-up', () => {
  it('migrates once when several processes start at the same time', async () => {
    const url = await createTestDatabase();
    const handles = await Promise.all(Array.from({ length: 4 }, () => openDb({ kind: 'postgres', url })));
    try {
      const res = await handles[0].db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const n = ((Array.isArray(res) ? res : (res as { rows: unknown[] }).rows)[0] as { n: number }).n;
      const journal = JSON.parse(readFileSync(new URL('../../drizzle/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };
      expect(n).toBe(journal.entries.length);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });

  it('reports a bad DATABASE_URL in one line without a driver stack', async () => {
    await expect(openDb({ kind: 'postgres', url: 'postgres://nobody:pw@127.0.0.1:1/none' })).rejects.toThrow(
      /^DATABASE_URL=postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none: cannot connect to PostgreSQL \(connection refused\)/,
    );
  });
});
