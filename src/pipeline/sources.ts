/**
 * Where a dataset comes from: an artifact (local files are uploaded by `bosun run` so any worker can read
 * them), a file on the worker's disk, an object in MinIO/S3, an HTTP(S) URL or a PostgreSQL query.
 * Each source yields its bytes once; ingest hashes them so the same content is one dataset version.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';
import type { ArtifactStore } from '../storage';
import { readAll } from '../storage';
import { minioClient } from '../storage/s3Store';
import { BadInputError } from './errors';
import type { PipelineSpec } from './spec';

export interface SourceBytes {
  bytes: Buffer;
  /** Normalised name of the source, the dataset's identity across versions. */
  source: string;
  fileName?: string;
  format?: 'csv' | 'jsonl' | 'parquet';
}

const MAX_HTTP_BYTES = 2 * 1024 * 1024 * 1024;

export type SourceSpec = PipelineSpec['source'];

export async function fetchSource(spec: SourceSpec, deps: { store: ArtifactStore; config: Config }): Promise<SourceBytes> {
  if (typeof spec === 'object' && 'query' in spec) return fetchQuery(spec.query, spec.databaseUrlEnv);
  const uri = typeof spec === 'string' ? spec : spec.uri;
  const format = typeof spec === 'object' && 'format' in spec ? spec.format : undefined;
  // `artifact:sha256:<hash>#<original uri>`: a local file `bosun run` uploaded; the original keeps the
  // dataset's identity across versions and its extension for format detection.
  const art = /^artifact:sha256:([0-9a-f]{64})(?:#(.+))?$/.exec(uri);
  if (art) {
    const bytes = await deps.store.get(art[1]);
    return { bytes, source: art[2] ?? uri, fileName: art[2] ? path.basename(art[2]) : undefined, format };
  }
  if (/^s3:\/\//.test(uri)) return { ...(await fetchS3(uri, deps.config)), format };
  if (/^https?:\/\//.test(uri)) return { ...(await fetchHttp(uri)), format };
  const file = uri.startsWith('file://') ? uri.slice(7) : uri;
  if (!path.isAbsolute(file)) {
    throw new BadInputError(`source "${uri}": a relative path cannot be read by a worker; submit with \`bosun run\` (which uploads local files) or give an absolute path`);
  }
  try {
    return { bytes: await readFile(file), source: `file://${file}`, fileName: path.basename(file), format };
  } catch (err) {
    throw new BadInputError(`source "${file}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
}

/** Network failures get a short bounded retry here (a blip), then count as bad input: an unreachable host
 * will not answer the next activity attempt either, and the person should hear why at once. */
const HTTP_ATTEMPTS = 3;
const HTTP_RETRY_DELAYS_MS = [300, 1000];

async function fetchHttp(url: string): Promise<Omit<SourceBytes, 'format'>> {
  const res = await connectHttp(url);
  if (res.status === 404 || res.status === 410 || res.status === 401 || res.status === 403) {
    throw new BadInputError(`source ${url}: HTTP ${res.status} ${res.statusText}`);
  }
  if (!res.ok || !res.body) throw new Error(`source ${url}: HTTP ${res.status} ${res.statusText}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_HTTP_BYTES) throw new BadInputError(`source ${url}: ${declared} bytes is more than the ${MAX_HTTP_BYTES}-byte limit`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { bytes, source: url, fileName: new URL(url).pathname.split('/').pop() || undefined };
}

async function connectHttp(url: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(120_000) });
    } catch (err) {
      if ((err as { cause?: { message?: string } }).cause?.message === 'bad port') {
        throw new BadInputError(`source ${url}: port ${new URL(url).port} is one that HTTP clients refuse to connect to (a "bad port"); serve the data on another port`);
      }
      const code = networkCode(err);
      // A timeout or abort is not "unreachable": leave it to the activity's retries.
      if (!code) throw new Error(`source ${url}: ${(err as Error).message}`);
      if (attempt >= HTTP_ATTEMPTS) {
        const host = safeHost(url);
        throw new BadInputError(
          `source ${url}: cannot reach ${host} (${code}${NETWORK_HINTS[code] ? `: ${NETWORK_HINTS[code]}` : ''}) after ${attempt} attempts; check the URL and that the server is up and reachable from the worker`,
        );
      }
      await new Promise((r) => setTimeout(r, HTTP_RETRY_DELAYS_MS[attempt - 1] ?? 1000));
    }
  }
}

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens on that port',
  ENOTFOUND: 'no such host name',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the connection was reset',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
};

/** The system error code under fetch's "fetch failed" TypeError (undici puts it in `cause`). */
function networkCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code) && !e.code.startsWith('UND_ERR_ABORT')) return e.code;
    // Happy-eyeballs failures (IPv4 and IPv6 both refused) arrive as an AggregateError.
    const inner = Array.isArray(e.errors) ? e.errors[0] : e.cause;
    e = inner as typeof e;
  }
  return undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

async function fetchS3(uri: string, config: Config): Promise<Omit<SourceBytes, 'format'>> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new BadInputError(`source "${uri}": expected s3://<bucket>/<key>`);
  const { endpoint, accessKey, secretKey, region } = config.s3;
  if (!accessKey || !secretKey) throw new BadInputError(`source "${uri}": set BOSUN_S3_ACCESS_KEY and BOSUN_S3_SECRET_KEY to read from the object store`);
  const client = minioClient({ endpoint, accessKey, secretKey, region });
  for (let attempt = 1; ; attempt++) {
    try {
      const bytes = await readAll(await client.getObject(m[1], m[2]));
      return { bytes, source: uri, fileName: m[2].split('/').pop() };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'NoSuchKey' || code === 'NoSuchBucket' || code === 'NotFound') throw new BadInputError(`source "${uri}": no such object`);
      if (code === 'AccessDenied' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch') {
        throw new BadInputError(`source "${uri}": the object store at ${endpoint} refused the credentials (${code}); check BOSUN_S3_ACCESS_KEY and BOSUN_S3_SECRET_KEY on the worker`);
      }
      const net = networkCode(err);
      if (!net) throw err;
      if (attempt >= HTTP_ATTEMPTS) {
        throw new BadInputError(`source "${uri}": cannot reach the object store at ${endpoint} (${net}) after ${attempt} attempts; check BOSUN_S3_ENDPOINT and that the server is up`);
      }
      await new Promise((r) => setTimeout(r, HTTP_RETRY_DELAYS_MS[attempt - 1] ?? 1000));
    }
  }
}

async function fetchQuery(query: string, envName: string): Promise<Omit<SourceBytes, 'format'> & { format: 'jsonl' }> {
  const url = process.env[envName];
  if (!url) throw new BadInputError(`source query: environment variable ${envName} (the PostgreSQL URL to query) is not set on the worker`);
  const { default: postgres } = await import('postgres');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql.unsafe(query);
    const lines = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v)));
    return { bytes: Buffer.from(lines.join('\n')), source: `postgres-query:${query}`, format: 'jsonl' };
  } catch (err) {
    const e = err as { code?: string; message: string };
    // SQLSTATE classes 42 (syntax, undefined table/column) are the query's fault, not the network's.
    if (e.code?.startsWith('42')) throw new BadInputError(`source query: ${e.message}`);
    throw err;
  } finally {
    await sql.end({ timeout: 2 });
  }
}
