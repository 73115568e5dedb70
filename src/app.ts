/** The dependencies every Bosun process shares, opened from one Config. */
import type { Config } from './config';
import { openDb, type Db } from './db/client';
import { resolveDatabase } from './devState';
import { openArtifactStore, type ArtifactStore } from './storage';

export interface AppDeps {
  config: Config;
  db: Db;
  store: ArtifactStore;
  /** Set when this process holds the embedded database itself. */
  pglite?: import('@electric-sql/pglite').PGlite;
  close(): Promise<void>;
}

export async function openApp(config: Config): Promise<AppDeps> {
  const [dbHandle, store] = await Promise.all([openDb(resolveDatabase(config)), openArtifactStore(config.artifacts)]);
  return { config, db: dbHandle.db, store, pglite: dbHandle.pglite, close: () => dbHandle.close() };
}
