import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { findProgram } from '../../src/stack/binaries';
import { startMinio, type MinioService } from '../../src/stack/minioServer';
import { freePort } from '../../src/stack/process';
import { minioClient } from '../../src/storage/s3Store';
import { expectFinishedOnce, slowTrainingSpec, startFaultHarness, waitForTrainFailure, waitForTraining, type FaultHarness } from './support/faults';
import { uniqueName } from './support/stack';

describe('MinIO killed with SIGKILL while the trained model is to be uploaded', () => {
  let minio: MinioService | undefined;
  let h: FaultHarness | undefined;
  afterAll(async () => {
    await h?.close().catch(() => {});
    await minio?.stop();
  });

  it('comes back on the same data directory, the run finishes once, and every object in the bucket is whole', async () => {
    const cfg = loadConfig();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-fault-minio-'));
    const options = {
      binary: findProgram('minio', { explicit: cfg.minioPath, cacheDir: cfg.cacheDir }),
      dataDir: path.join(dir, 'data'),
      port: await freePort(),
      consolePort: await freePort(),
      accessKey: 'faulttest',
      secretKey: 'faulttest-secret',
      logFile: path.join(dir, 'minio.log'),
    };
    minio = await startMinio(options);
    const bucket = uniqueName('fault');
    h = await startFaultHarness({ s3: { endpoint: minio.endpoint, accessKey: options.accessKey, secretKey: options.secretKey, bucket } });
    const name = uniqueName('fault-minio');
    const handle = await h.submit(slowTrainingSpec(name));
    await waitForTraining(handle);

    // Down from mid-fit until the train stage has failed to store its model, then back on the same disk.
    process.kill(minio.pid, 'SIGKILL');
    expect(await minio.exited).toBe('SIGKILL');
    const failure = await waitForTrainFailure(handle);
    expect(failure).toMatch(/object store .*connection refused|ECONNREFUSED/);
    minio = await startMinio(options);

    await expectFinishedOnce(h, handle, name);

    // No half-written objects: every object's bytes hash to the name it is stored under, and no upload
    // was left incomplete.
    const client = minioClient({ endpoint: new URL(minio.endpoint), accessKey: options.accessKey, secretKey: options.secretKey });
    const names: string[] = [];
    for await (const o of client.listObjectsV2(bucket, '', true) as AsyncIterable<{ name: string }>) names.push(o.name);
    expect(names.length).toBeGreaterThan(0);
    for (const key of names) {
      const hash = createHash('sha256');
      for await (const chunk of await client.getObject(bucket, key)) hash.update(chunk as Buffer);
      expect(hash.digest('hex'), key).toBe(path.basename(key));
    }
    const incomplete: unknown[] = [];
    for await (const u of client.listIncompleteUploads(bucket, '', true) as AsyncIterable<unknown>) incomplete.push(u);
    expect(incomplete).toEqual([]);
  }, 300_000);
});
