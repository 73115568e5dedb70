/** Artifact store on MinIO or any S3-compatible service, through the `minio` client. */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'minio';
import type { ArtifactsConfig } from '../config';
import { UserError } from '../errors';
import {
  ArtifactNotFoundError,
  artifactKey,
  hashingTap,
  readAll,
  sha256,
  toBuffer,
  verifyBuffer,
  verifyingStream,
  type ArtifactRef,
  type ArtifactStore,
} from './artifactStore';

type S3Config = Extract<ArtifactsConfig, { kind: 's3' }>;

/** The one way Bosun builds a MinIO/S3 client from an endpoint URL and credentials. */
export function minioClient(c: { endpoint: URL; accessKey: string; secretKey: string; region?: string }): Client {
  return new Client({
    endPoint: c.endpoint.hostname,
    port: c.endpoint.port ? Number(c.endpoint.port) : undefined,
    useSSL: c.endpoint.protocol === 'https:',
    accessKey: c.accessKey,
    secretKey: c.secretKey,
    region: c.region,
  });
}

export class ObjectStoreError extends UserError {
  override name = 'ObjectStoreError';
}

export class S3ArtifactStore implements ArtifactStore {
  readonly location: string;
  private constructor(
    private readonly client: Client,
    private readonly cfg: S3Config,
  ) {
    this.location = `s3://${cfg.bucket}${cfg.prefix ? `/${cfg.prefix}` : ''} at ${cfg.endpoint.origin}`;
  }

  /** Connects, checks the credentials and creates the bucket if it is missing. */
  static async open(cfg: S3Config): Promise<S3ArtifactStore> {
    const client = minioClient(cfg);
    const store = new S3ArtifactStore(client, cfg);
    try {
      if (!(await client.bucketExists(cfg.bucket))) await client.makeBucket(cfg.bucket, cfg.region);
    } catch (err) {
      // HEAD answers carry no error body, so a bad key shows up as a bare AccessDenied: ask again with a
      // GET, whose answer says whether the key or the secret is wrong.
      const precise = (err as { code?: string }).code === 'AccessDenied' ? await client.listBuckets().then(() => err, (e: unknown) => e) : err;
      throw new ObjectStoreError(describeS3Error(precise, cfg));
    }
    return store;
  }

  private key(hash: string): string {
    const k = artifactKey(hash);
    return this.cfg.prefix ? `${this.cfg.prefix}/${k}` : k;
  }

  async put(data: Buffer | Uint8Array | string): Promise<ArtifactRef> {
    const buf = toBuffer(data);
    const hash = sha256(buf);
    if (!(await this.sizeIs(hash, buf.length))) {
      // S3 PUT is atomic per object: concurrent writers of the same bytes leave one identical object.
      await retryReset(() =>
        this.client.putObject(this.cfg.bucket, this.key(hash), buf, buf.length, {
          'Content-Type': 'application/octet-stream',
        }),
      );
    }
    return { hash, size: buf.length };
  }

  /** The key is the hash, known only at the end: spool to a temp file while hashing, then upload. */
  async putStream(data: Readable): Promise<ArtifactRef> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bosun-upload-'));
    const file = path.join(dir, 'blob');
    try {
      const tap = hashingTap();
      await pipeline(data, tap.stream, createWriteStream(file));
      const { hash, size } = tap.digest();
      if (!(await this.sizeIs(hash, size))) {
        await retryReset(() => this.client.putObject(this.cfg.bucket, this.key(hash), createReadStream(file), size));
      }
      return { hash, size };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async get(hash: string): Promise<Buffer> {
    const stream = await this.open(hash);
    return verifyBuffer(hash, await readAll(stream), this.location);
  }

  async getStream(hash: string): Promise<Readable> {
    return (await this.open(hash)).pipe(verifyingStream(hash, this.location));
  }

  async has(hash: string): Promise<boolean> {
    return (await this.stat(hash)) !== null;
  }

  private async sizeIs(hash: string, size: number): Promise<boolean> {
    return (await this.stat(hash))?.size === size;
  }

  private async stat(hash: string): Promise<{ size: number } | null> {
    try {
      return await retryReset(() => this.client.statObject(this.cfg.bucket, this.key(hash)));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw new ObjectStoreError(describeS3Error(err, this.cfg));
    }
  }

  private async open(hash: string): Promise<Readable> {
    try {
      return await retryReset(() => this.client.getObject(this.cfg.bucket, this.key(hash)));
    } catch (err) {
      if (isNotFound(err)) throw new ArtifactNotFoundError(hash, this.location);
      throw new ObjectStoreError(describeS3Error(err, this.cfg));
    }
  }
}

/**
 * A request sent on a keep-alive socket that the server closed meanwhile (it restarted, or timed the
 * socket out while this process was busy computing) fails at once with ECONNRESET or EPIPE, before the
 * server saw it. Every request here is idempotent (keys are content hashes), so it is sent again, on a
 * fresh socket; other errors, and a server that stays unreachable, are the caller's (the activity retries).
 */
async function retryReset<T>(request: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await request();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw err;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'NotFound' || code === 'NoSuchKey';
}

function describeS3Error(err: unknown, cfg: S3Config): string {
  const e = err as { code?: string; message?: string };
  const where = `object store ${cfg.endpoint.origin} (BOSUN_S3_ENDPOINT), bucket "${cfg.bucket}"`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `${where}: connection refused. Start MinIO (bosun dev does) or fix BOSUN_S3_ENDPOINT.`;
    case 'ENOTFOUND':
      return `${where}: host not found. Fix BOSUN_S3_ENDPOINT.`;
    case 'InvalidAccessKeyId':
      return `${where}: the access key is not known to the server. Check BOSUN_S3_ACCESS_KEY.`;
    case 'SignatureDoesNotMatch':
      return `${where}: the secret key is wrong. Check BOSUN_S3_SECRET_KEY.`;
    case 'AccessDenied':
      return `${where}: access denied. Check BOSUN_S3_ACCESS_KEY and BOSUN_S3_SECRET_KEY, and that the key may read and write the bucket.`;
    default:
      return `${where}: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  }
}
