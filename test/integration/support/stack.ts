/** What globalSetup started, and per-file isolation on top of it (a database, a bucket, a task queue). */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import postgres from 'postgres';
import type { Config } from '../../../src/config';
import { loadConfig } from '../../../src/config';

export interface TestStack {
  temporalAddress: string;
  temporalUiUrl: string;
  databaseUrl: string;
  s3: { endpoint: string; accessKey: string; secretKey: string };
  logDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

export function stack(): TestStack {
  return inject('stack');
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A fresh PostgreSQL database on the test server; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const admin = postgres(stack().databaseUrl, { max: 1, onnotice: () => {} });
  const name = `bosun_${randomBytes(5).toString('hex')}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(stack().databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A Config pointing at the test stack: PostgreSQL or PGlite, MinIO or the filesystem. */
export function testConfig(o: { databaseUrl?: string; home: string; s3Bucket?: string; taskQueue?: string }): Config {
  const s = stack();
  return loadConfig({
    BOSUN_HOME: o.home,
    TEMPORAL_ADDRESS: s.temporalAddress,
    BOSUN_TASK_QUEUE: o.taskQueue ?? uniqueName('tq'),
    DATABASE_URL: o.databaseUrl,
    ...(o.s3Bucket
      ? {
          BOSUN_ARTIFACTS_URL: `s3://${o.s3Bucket}`,
          BOSUN_S3_ENDPOINT: s.s3.endpoint,
          BOSUN_S3_ACCESS_KEY: s.s3.accessKey,
          BOSUN_S3_SECRET_KEY: s.s3.secretKey,
        }
      : {}),
    HOME: process.env.HOME,
  });
}
