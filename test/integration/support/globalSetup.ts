/**
 * Starts the real stack once for the integration suite: a Temporal dev server, PostgreSQL and MinIO.
 * Servers given by the environment are used as they are (CI starts PostgreSQL and MinIO itself):
 *   BOSUN_TEST_DATABASE_URL  an admin URL of a PostgreSQL server (tests create a database per file)
 *   BOSUN_TEST_S3_ENDPOINT, BOSUN_TEST_S3_ACCESS_KEY, BOSUN_TEST_S3_SECRET_KEY  a MinIO server
 *   BOSUN_TEST_TEMPORAL_ADDRESS  a Temporal frontend
 * Anything not given is started here from the programs `npm run setup` installs; nothing is mocked.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../../src/config';
import { findProgram } from '../../../src/stack/binaries';
import { startMinio } from '../../../src/stack/minioServer';
import { startPostgres } from '../../../src/stack/postgresServer';
import { freePort, type Service } from '../../../src/stack/process';
import { startTemporalServer } from '../../../src/stack/temporalServer';
import type { TestStack } from './stack';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cfg = loadConfig({ ...process.env, DATABASE_URL: undefined, BOSUN_ARTIFACTS_URL: undefined });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-it-'));
  // PostgreSQL runs as its own user when we are root: it must be able to reach its data directory.
  chmodSync(dir, 0o755);
  const services: Service[] = [];
  const env = process.env;
  try {
    const temporal = env.BOSUN_TEST_TEMPORAL_ADDRESS
      ? { address: env.BOSUN_TEST_TEMPORAL_ADDRESS, uiUrl: '' as string }
      : await startTemporalServer({
          binary: findProgram('temporal', { explicit: cfg.temporal.cliPath, cacheDir: cfg.cacheDir }),
          port: await freePort(),
          uiPort: await freePort(),
          logFile: path.join(dir, 'temporal.log'),
        }).then((s) => (services.push(s), s));

    const databaseUrl: string =
      env.BOSUN_TEST_DATABASE_URL ??
      (await startPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), logFile: path.join(dir, 'postgres.log') }).then(
        (s) => (services.push(s), s.databaseUrl),
      ));

    let s3: TestStack['s3'];
    if (env.BOSUN_TEST_S3_ENDPOINT) {
      s3 = { endpoint: env.BOSUN_TEST_S3_ENDPOINT, accessKey: env.BOSUN_TEST_S3_ACCESS_KEY ?? '', secretKey: env.BOSUN_TEST_S3_SECRET_KEY ?? '' };
    } else {
      const accessKey = 'bosuntest';
      const secretKey = 'bosuntest-secret';
      const minio = await startMinio({
        binary: findProgram('minio', { explicit: cfg.minioPath, cacheDir: cfg.cacheDir }),
        dataDir: path.join(dir, 'minio'),
        port: await freePort(),
        consolePort: await freePort(),
        accessKey,
        secretKey,
        logFile: path.join(dir, 'minio.log'),
      });
      services.push(minio);
      s3 = { endpoint: minio.endpoint, accessKey, secretKey };
    }
    const stack: TestStack = { temporalAddress: temporal.address, temporalUiUrl: temporal.uiUrl, databaseUrl, s3, logDir: dir };
    project.provide('stack', stack);
  } catch (err) {
    await Promise.all(services.map((s) => s.stop()));
    throw err;
  }
  return async () => {
    await Promise.all(services.map((s) => s.stop().catch(() => {})));
    if (!env.BOSUN_TEST_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
  };
}
