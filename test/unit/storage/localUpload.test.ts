import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/errors';
import { FsArtifactStore } from '../../../src/storage/fsStore';
import { isLocalUri, LocalDataError, uploadIfLocal } from '../../../src/storage/localUpload';
import { sha256 } from '../../../src/storage/artifactStore';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-upload-'));
const store = new FsArtifactStore(path.join(dir, 'artifacts'));
const csv = 'x,y\n1,a\n2,b\n';
writeFileSync(path.join(dir, 'train.csv'), csv);
mkdirSync(path.join(dir, 'folder'));

describe('what counts as local', () => {
  it('a path or file:// is local; s3://, http(s):// and artifact: are remote', () => {
    for (const uri of ['train.csv', './a/b.csv', '/abs/x.parquet', 'file:///abs/x.csv', 'FILE:///abs/x.csv', 'C:\\data\\x.csv']) expect(isLocalUri(uri)).toBe(true);
    for (const uri of ['s3://bucket/key.csv', 'http://h/x.csv', 'https://h/x.csv', `artifact:sha256:${'a'.repeat(64)}#file:///x.csv`]) expect(isLocalUri(uri)).toBe(false);
  });

  it('refuses a scheme it does not know instead of looking for a file of that name', () => {
    expect(() => isLocalUri('gs://bucket/x.csv')).toThrow(/gs:\/\/bucket\/x\.csv: unsupported scheme "gs:"; name a file path, file:\/\/, s3:\/\//);
  });
});

describe('uploadIfLocal (filesystem store)', () => {
  it('uploads a relative path, resolved against baseDir, and names it by content hash and absolute path', async () => {
    const uri = await uploadIfLocal(store, 'train.csv', { field: '--data', baseDir: dir });
    expect(uri).toBe(`artifact:sha256:${sha256(csv)}#file://${path.join(dir, 'train.csv')}`);
    expect((await store.get(sha256(csv))).toString()).toBe(csv);
  });

  it('uploads a file:// URI the same way', async () => {
    expect(await uploadIfLocal(store, `file://${path.join(dir, 'train.csv')}`, { field: 'source' })).toBe(`artifact:sha256:${sha256(csv)}#file://${path.join(dir, 'train.csv')}`);
  });

  it('passes remote URIs through without touching the store', async () => {
    const before = await store.has(sha256('s3://b/k.csv'));
    for (const uri of ['s3://b/k.csv', 'https://example.invalid/x.csv', `artifact:sha256:${sha256(csv)}#file:///elsewhere.csv`]) {
      expect(await uploadIfLocal(store, uri, { field: '--data' })).toBe(uri);
    }
    expect(before).toBe(false);
  });

  it('says which option named a missing file, a directory, or an unknown scheme, as a user error', async () => {
    const missing = uploadIfLocal(store, 'nope.csv', { field: '--data', baseDir: dir });
    await expect(missing).rejects.toThrow(`--data: data file ${path.join(dir, 'nope.csv')} not found`);
    await expect(missing).rejects.toBeInstanceOf(LocalDataError);
    await expect(uploadIfLocal(store, 'folder', { field: 'source', baseDir: dir })).rejects.toThrow(
      `source: ${path.join(dir, 'folder')} is a directory; name one data file in it (CSV, JSON Lines or Parquet), e.g. folder/train.csv`,
    );
    const scheme = await uploadIfLocal(store, 'gs://b/x.csv', { field: '--data' }).catch((e: unknown) => e);
    expect(isUserError(scheme)).toBe(true);
    expect((scheme as Error).message).toMatch(/^--data gs:\/\/b\/x\.csv: unsupported scheme "gs:"/);
  });

  it.skipIf(process.getuid?.() === 0)('says a file it may not read cannot be read', async () => {
    const secret = path.join(dir, 'secret.csv');
    writeFileSync(secret, csv);
    chmodSync(secret, 0o000);
    await expect(uploadIfLocal(store, secret, { field: '--data' })).rejects.toThrow(`--data: cannot read ${secret}: EACCES`);
  });
});
