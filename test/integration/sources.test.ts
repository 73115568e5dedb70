import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client } from 'minio';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSource } from '../../src/pipeline/sources';
import { readTable } from '../../src/data/read';
import { DATA_DIR, startHarness, type Harness } from './support/pipelineHarness';
import { createTestDatabase, stack, uniqueName } from './support/stack';

// Every kind of source ingest reads, against real servers: MinIO, a local HTTP server, PostgreSQL.
describe('data sources', () => {
  let h: Harness;
  let server: http.Server;
  let base: string;
  const csv = readFileSync(path.join(DATA_DIR, 'wine.csv'));

  beforeAll(async () => {
    h = await startHarness({ minio: true, worker: false });
    server = http.createServer((req, res) => {
      if (req.url === '/wine.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end(csv);
      else res.writeHead(404).end('no');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server?.close();
    await h?.close();
  });

  const deps = () => ({ store: h.app.store, config: h.config });

  it('reads an object from MinIO', async () => {
    const s = stack().s3;
    const url = new URL(s.endpoint);
    const client = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: s.accessKey, secretKey: s.secretKey });
    const bucket = uniqueName('src');
    await client.makeBucket(bucket);
    await client.putObject(bucket, 'data/wine.csv', csv);
    const got = await fetchSource(`s3://${bucket}/data/wine.csv`, deps());
    expect(got.bytes.equals(csv)).toBe(true);
    expect(got.source).toBe(`s3://${bucket}/data/wine.csv`);
    await expect(fetchSource(`s3://${bucket}/missing.csv`, deps())).rejects.toThrow(/no such object/);
  });

  it('reads an HTTP URL, and a 404 is bad input', async () => {
    const got = await fetchSource(`${base}/wine.csv`, deps());
    expect((await readTable(got.bytes, { fileName: got.fileName })).nrows).toBe(178);
    await expect(fetchSource(`${base}/nope.csv`, deps())).rejects.toMatchObject({ name: 'BadInput', message: expect.stringMatching(/HTTP 404/) });
  });

  it('runs a PostgreSQL query, and a query error is bad input', async () => {
    const url = await createTestDatabase();
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`create table loans (amount float8, grade text, ok boolean)`;
    await sql`insert into loans values (1000, 'A', true), (2500.5, 'B', false), (null, 'A', true)`;
    await sql.end();
    process.env.SOURCE_DATABASE_URL = url;
    try {
      const got = await fetchSource({ query: 'select * from loans order by amount nulls last', databaseUrlEnv: 'SOURCE_DATABASE_URL' }, deps());
      const table = await readTable(got.bytes, { format: got.format });
      expect(table.nrows).toBe(3);
      expect(table.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['amount:numeric', 'grade:categorical', 'ok:boolean']);
      await expect(fetchSource({ query: 'select * from nowhere', databaseUrlEnv: 'SOURCE_DATABASE_URL' }, deps())).rejects.toMatchObject({ name: 'BadInput' });
    } finally {
      delete process.env.SOURCE_DATABASE_URL;
    }
  });

  it('refuses a relative path a worker cannot resolve', async () => {
    await expect(fetchSource('data/wine.csv', deps())).rejects.toThrow(/relative path cannot be read by a worker/);
  });
});
