/**
 * openSource streams every kind of source instead of holding it: a local file is hashed in place and re-hashed
 * while read, a download (HTTP without a length, a MinIO object) is spooled to a temporary file that close()
 * removes. Real MinIO and a real HTTP server.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/read';
import { openSource } from '../../src/pipeline/sources';
import { readAll } from '../../src/storage';
import { startHarness, type Harness } from './support/pipelineHarness';
import { stack, uniqueName } from './support/stack';

const ROWS = 200_000;
const csv = Buffer.from(['x,y,k', ...Array.from({ length: ROWS }, (_, i) => `${i * 0.25},${(i * 7919) % 1000},${'abc'[i % 3]}`)].join('\n') + '\n');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const spools = () => readdirSync(os.tmpdir()).filter((f) => f.startsWith('bosun-source-')).length;

describe('streamed sources', () => {
  let h: Harness;
  let server: http.Server;
  let base: string;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-src-test-'));

  beforeAll(async () => {
    h = await startHarness({ minio: true, worker: false });
    server = http.createServer((_req, res) => {
      // Chunked, no content-length: the size is only known once the body has arrived.
      res.writeHead(200, { 'content-type': 'text/csv' });
      for (let i = 0; i < csv.length; i += 65_536) res.write(csv.subarray(i, i + 65_536));
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const deps = () => ({ store: h.app.store, config: h.config });

  it('a local file: hashed where it lies, streamed, and refused if it changes while read', async () => {
    const file = path.join(dir, 'data.csv');
    writeFileSync(file, csv);
    const s = await openSource(file, deps());
    expect(s.contentHash).toBe(sha(csv));
    expect(s.size).toBe(csv.length);
    expect((await readTable(await s.open(), { fileName: s.fileName, expectedBytes: s.size })).nrows).toBe(ROWS);
    appendFileSync(file, '1,2,a\n');
    await expect(readAll(await s.open())).rejects.toThrow(/changed while it was being read/);
  });

  it('an HTTP download is spooled to disk while hashed, and close() removes it', async () => {
    const before = spools();
    const s = await openSource(`${base}/big.csv`, deps());
    expect(spools()).toBe(before + 1);
    expect(s.contentHash).toBe(sha(csv));
    expect(s.size).toBe(csv.length);
    expect(s.fileName).toBe('big.csv');
    const t = await readTable(await s.open(), { fileName: s.fileName });
    expect(t.nrows).toBe(ROWS);
    await s.close();
    expect(spools()).toBe(before);
  });

  it('a MinIO object is spooled the same way', async () => {
    const st = stack().s3;
    const url = new URL(st.endpoint);
    const client = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: st.accessKey, secretKey: st.secretKey });
    const bucket = uniqueName('stream');
    await client.makeBucket(bucket);
    await client.putObject(bucket, 'd/big.csv', csv);
    const s = await openSource(`s3://${bucket}/d/big.csv`, deps());
    try {
      expect(s.contentHash).toBe(sha(csv));
      expect((await readAll(await s.open())).equals(csv)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('an artifact streams from the store under its own hash', async () => {
    const ref = await h.app.store.put(csv);
    const s = await openSource(`artifact:sha256:${ref.hash}#/home/me/data.csv`, deps());
    expect(s.contentHash).toBe(ref.hash);
    expect(s.fileName).toBe('data.csv');
    expect((await readTable(await s.open(), { fileName: s.fileName })).nrows).toBe(ROWS);
  });
});
