/**
 * The one artifact-store interface. Artifacts are content-addressed: the key is the sha256 of the bytes,
 * so the same content written twice (or concurrently) is stored once, and every read re-hashes what it
 * got and refuses bytes that do not match their name.
 */
import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';

export interface ArtifactRef {
  /** sha256 of the content, lowercase hex. */
  hash: string;
  size: number;
}

export interface ArtifactStore {
  /** Where the artifacts live, for messages and `bosun status`. */
  readonly location: string;
  put(data: Buffer | Uint8Array | string): Promise<ArtifactRef>;
  /** Streams a large object in without holding it in memory. */
  putStream(data: Readable): Promise<ArtifactRef>;
  /** The whole content, verified against its hash. */
  get(hash: string): Promise<Buffer>;
  /** A stream that errors with ArtifactCorruptError at its end if the content does not match the hash. */
  getStream(hash: string): Promise<Readable>;
  has(hash: string): Promise<boolean>;
}

export class ArtifactNotFoundError extends Error {
  override name = 'ArtifactNotFoundError';
  constructor(
    readonly hash: string,
    location: string,
  ) {
    super(`artifact ${hash} not found in ${location}`);
  }
}

export class ArtifactCorruptError extends Error {
  override name = 'ArtifactCorruptError';
  constructor(
    readonly hash: string,
    actual: string,
    location: string,
  ) {
    super(
      `artifact ${hash} in ${location} is corrupt: its content hashes to ${actual}. ` +
        `Refusing to use it; rerun the step that produced it with --no-cache to write it again.`,
    );
  }
}

const HASH_RE = /^[0-9a-f]{64}$/;

export function assertHash(hash: string): void {
  if (!HASH_RE.test(hash)) throw new Error(`"${hash}" is not an artifact hash (expected 64 lowercase hex characters)`);
}

export function sha256(data: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Key layout shared by every backend: sha256/ab/abcdef… keeps directories small. */
export function artifactKey(hash: string): string {
  assertHash(hash);
  return `sha256/${hash.slice(0, 2)}/${hash}`;
}

/** URI form used in records and payloads: `artifact:sha256:<hex>`. */
export function artifactUri(hash: string): string {
  assertHash(hash);
  return `artifact:sha256:${hash}`;
}

/** Passes bytes through and checks their hash when the stream ends. */
export function verifyingStream(expected: string, location: string): Transform {
  const hasher = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      hasher.update(chunk);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      const actual = hasher.digest('hex');
      cb(actual === expected ? null : new ArtifactCorruptError(expected, actual, location));
    },
  });
}

/** A pass-through that hashes and counts what flows through it (for uploads whose hash is their name). */
export function hashingTap(): { stream: Transform; digest: () => ArtifactRef } {
  const hasher = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      hasher.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  return { stream, digest: () => ({ hash: hasher.digest('hex'), size }) };
}

export function verifyBuffer(expected: string, data: Buffer, location: string): Buffer {
  const actual = sha256(data);
  if (actual !== expected) throw new ArtifactCorruptError(expected, actual, location);
  return data;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

export function toBuffer(data: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export { Readable };
