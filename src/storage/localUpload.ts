/**
 * The one rule for data a command or spec names. A local file (a path with no scheme, or file://) is
 * uploaded to the artifact store and named `artifact:sha256:<hash>#file://<absolute path>`, so a worker on
 * another machine reads exactly these bytes (the path after # keeps the dataset's identity and extension);
 * s3://, http(s):// and artifact: URIs are remote and pass through as they are.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors';
import { artifactUri, type ArtifactStore } from './artifactStore';

/** A local data file that cannot be uploaded: missing, a directory, unreadable, or an unknown scheme. */
export class LocalDataError extends UserError {}

const REMOTE = ['s3', 'http', 'https', 'artifact'];
/** Two letters at least, so a Windows drive (C:\data.csv) is a path, not a scheme. */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/** True for a path with no scheme, or a file:// URI; false for s3://, http(s)://, artifact:. */
export function isLocalUri(uri: string): boolean {
  const scheme = SCHEME.exec(uri)?.[1].toLowerCase();
  if (scheme === undefined || scheme === 'file') return true;
  if (REMOTE.includes(scheme)) return false;
  throw new LocalDataError(
    `${uri}: unsupported scheme "${scheme}:"; name a file path, file://, s3://, http(s):// or artifact:sha256:<hash> (a local file whose name has a colon: write ./${uri})`,
  );
}

export interface UploadOptions {
  /** What named the URI, for messages: "--data", "source". */
  field: string;
  /** Relative paths are relative to this directory (default: the working directory). */
  baseDir?: string;
}

/** Uploads a local data file and returns its artifact URI; any other URI comes back unchanged. */
export async function uploadIfLocal(store: ArtifactStore, uri: string, o: UploadOptions): Promise<string> {
  let local: boolean;
  try {
    local = isLocalUri(uri);
  } catch (err) {
    throw new LocalDataError(`${o.field} ${(err as Error).message}`);
  }
  if (!local) return uri;
  const given = uri.replace(/^file:\/\//i, '');
  const file = path.resolve(o.baseDir ?? process.cwd(), given);
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new LocalDataError(`${o.field}: data file ${file} not found`);
    throw new LocalDataError(`${o.field}: cannot read ${file}: ${err.code ?? err.message}`);
  });
  if (info.isDirectory()) {
    throw new LocalDataError(`${o.field}: ${file} is a directory; name one data file in it (CSV, JSON Lines or Parquet), e.g. ${path.join(given, 'train.csv')}`);
  }
  // Opened before streaming so that a permission problem is this clear error, not a failed upload.
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new LocalDataError(`${o.field}: cannot read ${file}: ${err.code ?? err.message}`);
  });
  try {
    const ref = await store.putStream(handle.createReadStream({ autoClose: false }));
    return `${artifactUri(ref.hash)}#file://${file}`;
  } finally {
    await handle.close();
  }
}
