/**
 * Where a dataset comes from: an artifact (local files are uploaded by `bosun run` so any worker can read
 * them), a file on the worker's disk, an object in MinIO/S3, an HTTP(S) URL or a PostgreSQL query.
 * `openSource` gives the content's hash and a way to stream it, never the whole content in memory: a local file
 * or artifact is read where it lies (hashed in a first pass), a download is spooled to a temporary file while
 * it is hashed. Ingest hashes so the same content is one dataset version, then streams the file into the reader.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

export interface OpenedSource extends Omit<SourceBytes, 'bytes'> {
  /** sha256 of the content, lowercase hex. */
  contentHash: string;
  /** Bytes, when known before reading (not for artifacts). */
  size?: number;
  /** The content from its start; each call opens a new stream. */
  open(): Promise<Readable>;
  /** Deletes the spooled copy of a download; a no-op for other sources. Call it when done. */
  close(): Promise<void>;
}

/** fetchSource holds the whole content in one Buffer, so it refuses more than this; ingest streams instead. */
const MAX_BUFFERED_BYTES = 2 * 1024 * 1024 * 1024;
const CHUNK = 1 << 20;

export type SourceSpec = PipelineSpec['source'];

/** The whole content in memory: for small inputs (scoring, drift windows). Ingest uses openSource. */
export async function fetchSource(spec: SourceSpec, deps: { store: ArtifactStore; config: Config }): Promise<SourceBytes> {
  const opened = await openSource(spec, deps);
  try {
    if (opened.size !== undefined && opened.size > MAX_BUFFERED_BYTES) {
      throw new BadInputError(`source ${opened.source}: ${opened.size} bytes is more than the ${MAX_BUFFERED_BYTES}-byte limit for reading it whole`);
    }
    const bytes = await readAll(await opened.open());
    return { bytes, source: opened.source, fileName: opened.fileName, format: opened.format };
  } finally {
    await opened.close();
  }
}

export async function openSource(spec: SourceSpec, deps: { store: ArtifactStore; config: Config }): Promise<OpenedSource> {
  if (typeof spec === 'object' && 'query' in spec) return inMemory(await fetchQuery(spec.query, spec.databaseUrlEnv));
  const uri = typeof spec === 'string' ? spec : spec.uri;
  const format = typeof spec === 'object' && 'format' in spec ? spec.format : undefined;
  // `artifact:sha256:<hash>#<original uri>`: a local file `bosun run` uploaded; the original keeps the
  // dataset's identity across versions and its extension for format detection.
  const art = /^artifact:sha256:([0-9a-f]{64})(?:#(.+))?$/.exec(uri);
  if (art) {
    const hash = art[1];
    // The store's stream checks the content against the hash at its end.
    return { contentHash: hash, source: art[2] ?? uri, fileName: art[2] ? path.basename(art[2]) : undefined, format, open: () => deps.store.getStream(hash), close: async () => {} };
  }
  if (/^s3:\/\//.test(uri)) return { ...(await spoolS3(uri, deps.config)), format };
  if (/^https?:\/\//.test(uri)) return { ...(await spoolHttp(uri)), format };
  const file = uri.startsWith('file://') ? uri.slice(7) : uri;
  if (!path.isAbsolute(file)) {
    throw new BadInputError(`source "${uri}": a relative path cannot be read by a worker; submit with \`bosun run\` (which uploads local files) or give an absolute path`);
  }
  let size: number;
  let contentHash: string;
  try {
    size = (await stat(file)).size;
    contentHash = await hashStream(createReadStream(file, { highWaterMark: CHUNK }));
  } catch (err) {
    throw new BadInputError(`source "${file}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  return {
    contentHash,
    size,
    source: `file://${file}`,
    fileName: path.basename(file),
    format,
    // Hashed again while read: a file rewritten between the two passes must not be stored under the old hash.
    open: async () => createReadStream(file, { highWaterMark: CHUNK }).pipe(new HashCheck(contentHash, file)),
    close: async () => {},
  };
}

function inMemory(s: SourceBytes): OpenedSource {
  const hash = createHash('sha256').update(s.bytes).digest('hex');
  return { contentHash: hash, size: s.bytes.length, source: s.source, fileName: s.fileName, format: s.format, open: async () => Readable.from([s.bytes]), close: async () => {} };
}

async function hashStream(stream: Readable): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Passes bytes through and fails at the end if they do not hash to `expected` (a retryable error). */
class HashCheck extends Transform {
  private readonly hash = createHash('sha256');
  constructor(
    private readonly expected: string,
    private readonly file: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    const actual = this.hash.digest('hex');
    done(actual === this.expected ? null : new Error(`source "${this.file}" changed while it was being read; the next attempt reads it again`));
  }
}

/** Writes a download to a temporary file while hashing it, so it is never whole in memory. */
async function spool(body: Readable, meta: { source: string; fileName?: string }): Promise<Omit<OpenedSource, 'format'>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bosun-source-'));
  const file = path.join(dir, 'content');
  const h = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      body,
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          h.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      }),
      createWriteStream(file),
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...meta,
    contentHash: h.digest('hex'),
    size,
    open: async () => createReadStream(file, { highWaterMark: CHUNK }),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Network failures get a short bounded retry here (a blip), then count as bad input: an unreachable host
 * will not answer the next activity attempt either, and the person should hear why at once. */
const HTTP_ATTEMPTS = 3;
const HTTP_RETRY_DELAYS_MS = [300, 1000];

async function spoolHttp(url: string): Promise<Omit<OpenedSource, 'format'>> {
  const res = await connectHttp(url);
  if (res.status === 404 || res.status === 410 || res.status === 401 || res.status === 403) {
    throw new BadInputError(`source ${url}: HTTP ${res.status} ${res.statusText}`);
  }
  if (!res.ok || !res.body) throw new Error(`source ${url}: HTTP ${res.status} ${res.statusText}`);
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  return spool(body, { source: url, fileName: new URL(url).pathname.split('/').pop() || undefined });
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

async function spoolS3(uri: string, config: Config): Promise<Omit<OpenedSource, 'format'>> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new BadInputError(`source "${uri}": expected s3://<bucket>/<key>`);
  const { endpoint, accessKey, secretKey, region } = config.s3;
  if (!accessKey || !secretKey) throw new BadInputError(`source "${uri}": set BOSUN_S3_ACCESS_KEY and BOSUN_S3_SECRET_KEY to read from the object store`);
  const client = minioClient({ endpoint, accessKey, secretKey, region });
  for (let attempt = 1; ; attempt++) {
    try {
      return await spool(await client.getObject(m[1], m[2]), { source: uri, fileName: m[2].split('/').pop() });
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
