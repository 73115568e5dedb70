import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { describe, expect, it } from 'vitest';
import { artifactKey, openArtifactStore, readAll, sha256, type ArtifactStore } from '../../src/storage';
import { stack, testConfig, uniqueName } from './support/stack';

type Backend = { name: string; open: () => Promise<{ store: ArtifactStore; corrupt: (hash: string) => Promise<void>; count: () => Promise<number> }> };

const backends: Backend[] = [
  {
    name: 'filesystem',
    open: async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), 'bosun-fs-'));
      const cfg = testConfig({ home });
      const store = await openArtifactStore(cfg.artifacts);
      const root = (cfg.artifacts as { root: string }).root;
      return {
        store,
        corrupt: async (hash) => writeFileSync(path.join(root, artifactKey(hash)), 'tampered bytes of another length'),
        count: async () => readdirSync(path.join(root, 'sha256'), { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(String(f))).length,
      };
    },
  },
  {
    name: 'minio',
    open: async () => {
      const bucket = uniqueName('bosun');
      const cfg = testConfig({ home: os.tmpdir(), s3Bucket: bucket });
      const store = await openArtifactStore(cfg.artifacts);
      const s = stack().s3;
      const url = new URL(s.endpoint);
      const client = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: s.accessKey, secretKey: s.secretKey });
      return {
        store,
        corrupt: async (hash) => {
          await client.putObject(bucket, artifactKey(hash), Buffer.from('tampered'));
        },
        count: async () => {
          let n = 0;
          for await (const _ of client.listObjectsV2(bucket, 'sha256/', true)) n++;
          return n;
        },
      };
    },
  },
];

describe.each(backends)('artifact store on $name', (backend) => {
  it('round-trips content under its sha256', async () => {
    const { store } = await backend.open();
    const ref = await store.put('hello bosun');
    expect(ref.hash).toBe(sha256('hello bosun'));
    expect(ref.size).toBe(11);
    expect((await store.get(ref.hash)).toString()).toBe('hello bosun');
    expect(await store.has(ref.hash)).toBe(true);
    expect(await store.has(sha256('never written'))).toBe(false);
    await expect(store.get(sha256('never written'))).rejects.toThrow(/not found/);
  });

  it('stores the same content written concurrently once', async () => {
    const { store, count } = await backend.open();
    const payload = Buffer.alloc(256 * 1024, 7);
    const refs = await Promise.all(Array.from({ length: 12 }, () => store.put(payload)));
    expect(new Set(refs.map((r) => r.hash)).size).toBe(1);
    expect(await count()).toBe(1);
    expect((await store.get(refs[0].hash)).equals(payload)).toBe(true);
  });

  it('detects a corrupted artifact on read and refuses it', async () => {
    const { store, corrupt } = await backend.open();
    const ref = await store.put('the real model bytes');
    await corrupt(ref.hash);
    await expect(store.get(ref.hash)).rejects.toThrow(/is corrupt/);
    const stream = await store.getStream(ref.hash);
    await expect(readAll(stream)).rejects.toThrow(/is corrupt/);
  });

  it('streams large objects in and out', async () => {
    const { store } = await backend.open();
    const chunk = Buffer.alloc(1024 * 1024, 1);
    const chunks = 24;
    const source = Readable.from((function* () {
      for (let i = 0; i < chunks; i++) yield chunk;
    })());
    const ref = await store.putStream(source);
    expect(ref.size).toBe(chunks * chunk.length);
    let total = 0;
    for await (const c of await store.getStream(ref.hash)) total += (c as Buffer).length;
    expect(total).toBe(ref.size);
  });
});

describe('object store configuration errors', () => {
  it('names the variable when the secret key is wrong', async () => {
    const cfg = testConfig({ home: os.tmpdir(), s3Bucket: uniqueName('bosun') });
    if (cfg.artifacts.kind !== 's3') throw new Error('expected s3 config');
    await expect(openArtifactStore({ ...cfg.artifacts, secretKey: 'definitely-wrong-secret' })).rejects.toThrow(/BOSUN_S3_SECRET_KEY/);
  });

  it('says connection refused for an endpoint with nothing listening', async () => {
    const cfg = testConfig({ home: os.tmpdir(), s3Bucket: uniqueName('bosun') });
    if (cfg.artifacts.kind !== 's3') throw new Error('expected s3 config');
    await expect(openArtifactStore({ ...cfg.artifacts, endpoint: new URL('http://127.0.0.1:1') })).rejects.toThrow(/connection refused.*BOSUN_S3_ENDPOINT|BOSUN_S3_ENDPOINT.*connection refused/);
  });
});
