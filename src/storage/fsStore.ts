/** Artifact store on the local filesystem (the default, under .bosun/artifacts). */
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  ArtifactNotFoundError,
  artifactKey,
  hashingTap,
  sha256,
  toBuffer,
  verifyBuffer,
  verifyingStream,
  type ArtifactRef,
  type ArtifactStore,
} from './artifactStore';

export class FsArtifactStore implements ArtifactStore {
  readonly location: string;

  constructor(private readonly root: string) {
    this.location = `file://${root}`;
  }

  private pathOf(hash: string): string {
    return path.join(this.root, artifactKey(hash));
  }

  async put(data: Buffer | Uint8Array | string): Promise<ArtifactRef> {
    const buf = toBuffer(data);
    const hash = sha256(buf);
    const final = this.pathOf(hash);
    if (await sizeIs(final, buf.length)) return { hash, size: buf.length };
    await mkdir(path.dirname(final), { recursive: true });
    const tmp = `${final}.tmp-${randomBytes(6).toString('hex')}`;
    await writeFile(tmp, buf, { flush: true });
    await this.publish(tmp, final);
    return { hash, size: buf.length };
  }

  async putStream(data: Readable): Promise<ArtifactRef> {
    await mkdir(path.join(this.root, 'tmp'), { recursive: true });
    const tmp = path.join(this.root, 'tmp', `upload-${randomBytes(8).toString('hex')}`);
    const tap = hashingTap();
    try {
      await pipeline(data, tap.stream, createWriteStream(tmp, { flush: true }));
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
    const { hash, size } = tap.digest();
    const final = this.pathOf(hash);
    if (await sizeIs(final, size)) {
      await unlink(tmp);
      return { hash, size };
    }
    await mkdir(path.dirname(final), { recursive: true });
    await this.publish(tmp, final);
    return { hash, size };
  }

  /**
   * Atomic publish: link() fails if another writer got there first (same hash = same bytes, so theirs is
   * as good as ours); a leftover file of the wrong size (an interrupted older write) is replaced.
   */
  private async publish(tmp: string, final: string): Promise<void> {
    try {
      await link(tmp, final);
      await unlink(tmp);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        await unlink(tmp).catch(() => {});
        throw err;
      }
      const tmpSize = (await stat(tmp)).size;
      if (await sizeIs(final, tmpSize)) await unlink(tmp);
      else await rename(tmp, final);
    }
  }

  async get(hash: string): Promise<Buffer> {
    const p = this.pathOf(hash);
    let buf: Buffer;
    try {
      buf = await readFile(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ArtifactNotFoundError(hash, this.location);
      throw err;
    }
    return verifyBuffer(hash, buf, this.location);
  }

  async getStream(hash: string): Promise<Readable> {
    const p = this.pathOf(hash);
    if (!(await this.has(hash))) throw new ArtifactNotFoundError(hash, this.location);
    return createReadStream(p).pipe(verifyingStream(hash, this.location));
  }

  async has(hash: string): Promise<boolean> {
    try {
      await stat(this.pathOf(hash));
      return true;
    } catch {
      return false;
    }
  }
}

async function sizeIs(p: string, size: number): Promise<boolean> {
  try {
    return (await stat(p)).size === size;
  } catch {
    return false;
  }
}
