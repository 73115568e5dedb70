/**
 * The one configuration loader. Every variable Bosun reads is declared here, validated once, and
 * documented in the README ("Configuration"). A bad value fails with one line naming the variable,
 * what was found and what was expected — never a stack trace from a driver further down.
 */
import path from 'node:path';
import { z } from 'zod';
import { UserError } from './errors';
import { DEFAULT_PYTHON_TASK_QUEUE } from './contract/steps';
import { DEFAULT_SERVE_NODE_FLAGS, serveNodeFlagsSchema } from './serving/nodeFlags';

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'expected host:port, e.g. localhost:7233');

const port = z.coerce.number().int().min(1).max(65535);

const databaseUrl = z
  .string()
  .refine(
    (v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && canParseUrl(v),
    'expected a PostgreSQL URL such as postgres://user:password@localhost:5432/bosun (leave it unset for the embedded PGlite database)',
  );

const artifactsUrl = z
  .string()
  .refine(
    (v) => /^file:\/\/.+/.test(v) || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v),
    'expected file://<directory> or s3://<bucket>[/<prefix>] (bucket names: lowercase letters, digits, dots and dashes)',
  );

const httpUrl = z.string().refine((v) => /^https?:\/\/[^\s]+$/.test(v) && canParseUrl(v), 'expected an http(s):// URL');

const boolFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Variables, their validators and defaults. Keep README's table in step (a unit test checks it). */
export const ENV_SCHEMA = {
  BOSUN_HOME: z.string().min(1).default('.bosun'),
  TEMPORAL_ADDRESS: hostPort.default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a namespace name').default('default'),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  BOSUN_TASK_QUEUE: z.string().min(1).default('bosun-pipelines'),
  /** Heavy training's own task queue, so training workers scale apart; unset: training runs on BOSUN_TASK_QUEUE. */
  BOSUN_TRAINING_TASK_QUEUE: z.string().min(1).optional(),
  BOSUN_PYTHON_TASK_QUEUE: z.string().min(1).default(DEFAULT_PYTHON_TASK_QUEUE),
  /** Pipeline files (or directories of them), comma-separated, whose TypeScript steps this worker may run. */
  BOSUN_PIPELINES: z.string().min(1).optional(),
  DATABASE_URL: databaseUrl.optional(),
  BOSUN_ARTIFACTS_URL: artifactsUrl.optional(),
  BOSUN_S3_ENDPOINT: httpUrl.default('http://localhost:9000'),
  BOSUN_S3_ACCESS_KEY: z.string().min(3).optional(),
  BOSUN_S3_SECRET_KEY: z.string().min(8, 'expected at least 8 characters').optional(),
  BOSUN_S3_REGION: z.string().min(1).default('us-east-1'),
  MINIO_PATH: z.string().min(1).optional(),
  BOSUN_SERVE_PORT: port.default(8080),
  BOSUN_SERVE_TOKEN: z.string().min(16, 'expected a token of at least 16 characters').optional(),
  /** Largest prediction request body the serving process reads (bytes); bigger ones get 413. */
  BOSUN_SERVE_MAX_BODY_BYTES: z.coerce.number().int().min(1024, 'expected at least 1024 bytes').default(1024 * 1024),
  /**
   * Node flags `bosun serve` starts itself with; `none` for none. Read before the configuration is (the process that
   * relaunches, workers/relaunch.ts, via serveNodeFlags); declared here so that a malformed value fails with the rest.
   */
  BOSUN_SERVE_NODE_FLAGS: serveNodeFlagsSchema.default([...DEFAULT_SERVE_NODE_FLAGS]),
  BOSUN_METRICS_PORT: port.default(9464),
  BOSUN_WEBHOOK_URL: httpUrl.optional(),
  BOSUN_CACHE_DIR: z.string().min(1).optional(),
  BOSUN_USER: z.string().min(1).optional(),
  BOSUN_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  BOSUN_NO_CACHE: boolFlag.default(false),
} as const;

export type EnvName = keyof typeof ENV_SCHEMA;

export type ArtifactsConfig =
  | { kind: 'file'; root: string }
  | {
      kind: 's3';
      bucket: string;
      prefix: string;
      endpoint: URL;
      accessKey: string;
      secretKey: string;
      region: string;
    };

export type DatabaseConfig = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

export interface Config {
  home: string;
  temporal: { address: string; namespace: string; taskQueue: string; trainingTaskQueue?: string; pythonTaskQueue: string; uiPort: number; cliPath?: string };
  /** BOSUN_PIPELINES: pipeline files and directories (absolute) the worker imports its TypeScript steps from. */
  pipelines: string[];
  database: DatabaseConfig;
  artifacts: ArtifactsConfig;
  /** The object store's connection, for s3:// data sources even when artifacts live on the filesystem. */
  s3: { endpoint: URL; accessKey?: string; secretKey?: string; region: string };
  minioPath?: string;
  serve: { port: number; token?: string; maxBodyBytes: number };
  metricsPort: number;
  webhookUrl?: string;
  cacheDir: string;
  user: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  noCache: boolean;
}

export class ConfigError extends UserError {
  override name = 'ConfigError';
}

/** Load and validate configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(ENV_SCHEMA) as EnvName[]) {
    const v = env[name];
    raw[name] = v === undefined || v === '' ? undefined : v;
  }
  const parsed = z.object(ENV_SCHEMA).safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const shown = raw[name] === undefined ? '(unset)' : JSON.stringify(redact(name, String(raw[name])));
      return `${name}=${shown}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const home = path.resolve(cwd, e.BOSUN_HOME);

  const database: DatabaseConfig = e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL }
    : { kind: 'pglite', dataDir: path.join(home, 'pgdata') };

  let artifacts: ArtifactsConfig;
  const url = e.BOSUN_ARTIFACTS_URL ?? `file://${path.join(home, 'artifacts')}`;
  if (url.startsWith('file://')) {
    artifacts = { kind: 'file', root: path.resolve(cwd, url.slice('file://'.length)) };
  } else {
    if (!e.BOSUN_S3_ACCESS_KEY || !e.BOSUN_S3_SECRET_KEY) {
      const missing = [!e.BOSUN_S3_ACCESS_KEY && 'BOSUN_S3_ACCESS_KEY', !e.BOSUN_S3_SECRET_KEY && 'BOSUN_S3_SECRET_KEY']
        .filter(Boolean)
        .join(' and ');
      throw new ConfigError(
        `invalid configuration:\n  BOSUN_ARTIFACTS_URL=${JSON.stringify(url)} needs ${missing}: set the object store's access key and secret key`,
      );
    }
    const [bucket, ...rest] = url.slice('s3://'.length).split('/');
    artifacts = {
      kind: 's3',
      bucket,
      prefix: rest.filter(Boolean).join('/'),
      endpoint: new URL(e.BOSUN_S3_ENDPOINT),
      accessKey: e.BOSUN_S3_ACCESS_KEY,
      secretKey: e.BOSUN_S3_SECRET_KEY,
      region: e.BOSUN_S3_REGION,
    };
  }

  return {
    home,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.BOSUN_TASK_QUEUE,
      trainingTaskQueue: e.BOSUN_TRAINING_TASK_QUEUE,
      pythonTaskQueue: e.BOSUN_PYTHON_TASK_QUEUE,
      uiPort: e.TEMPORAL_UI_PORT,
      cliPath: e.TEMPORAL_CLI_PATH,
    },
    pipelines: (e.BOSUN_PIPELINES ?? '').split(',').map((p) => p.trim()).filter(Boolean).map((p) => path.resolve(cwd, p)),
    database,
    artifacts,
    s3: { endpoint: new URL(e.BOSUN_S3_ENDPOINT), accessKey: e.BOSUN_S3_ACCESS_KEY, secretKey: e.BOSUN_S3_SECRET_KEY, region: e.BOSUN_S3_REGION },
    minioPath: e.MINIO_PATH,
    serve: { port: e.BOSUN_SERVE_PORT, token: e.BOSUN_SERVE_TOKEN, maxBodyBytes: e.BOSUN_SERVE_MAX_BODY_BYTES },
    metricsPort: e.BOSUN_METRICS_PORT,
    webhookUrl: e.BOSUN_WEBHOOK_URL,
    cacheDir: e.BOSUN_CACHE_DIR ?? path.join(env.HOME ?? cwd, '.cache', 'bosun'),
    user: e.BOSUN_USER ?? env.USER ?? 'unknown',
    logLevel: e.BOSUN_LOG_LEVEL,
    noCache: e.BOSUN_NO_CACHE,
  };
}

function canParseUrl(v: string): boolean {
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
}

function redact(name: string, value: string): string {
  if (/SECRET|TOKEN/.test(name)) return '***';
  if (name === 'DATABASE_URL') return value.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return value;
}
