/**
 * The one database client factory: PGlite (embedded, the local default) or PostgreSQL (postgres.js),
 * both behind the same drizzle API and the same migrations, applied idempotently when the client opens.
 */
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { DatabaseConfig } from '../config';
import * as schema from './schema';
import { UserError } from '../errors';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DbHandle {
  db: Db;
  kind: DatabaseConfig['kind'];
  /** The embedded database itself (PGlite only), for `bosun dev` to serve it to other processes. */
  pglite?: import('@electric-sql/pglite').PGlite;
  close(): Promise<void>;
}

export class DatabaseError extends UserError {
  override name = 'DatabaseError';
}

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/** Serialises migrations between processes that start at once against one PostgreSQL. */
const MIGRATION_LOCK_ID = 0x626f73756e; // "bosun"

export async function openDb(config: DatabaseConfig): Promise<DbHandle> {
  return config.kind === 'pglite' ? openPglite(config.dataDir) : openPostgres(config.url);
}

async function openPglite(dataDir: string): Promise<DbHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  // 'memory://' keeps a throwaway database in memory (tests); anything else is a directory on disk.
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  let client;
  try {
    client = new PGlite(dataDir);
    await client.waitReady;
  } catch (err) {
    throw new DatabaseError(
      `cannot open the embedded database in ${dataDir}: ${(err as Error).message}. ` +
        `If another Bosun process is using it, stop that one or point DATABASE_URL at a PostgreSQL server.`,
    );
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return { db: db as unknown as Db, kind: 'pglite', pglite: client, close: () => client.close() };
}

async function openPostgres(url: string): Promise<DbHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  // `socket` is a postgres.js option its type declarations leave out.
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S, ...({ socket: connectNoDelay } as object) });
  const where = redactUrl(url);
  try {
    await client`select 1`;
  } catch (err) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseError(
      `DATABASE_URL=${where}: cannot connect to PostgreSQL (${describePgError(err)}). ` +
        `Check that the server is running and the URL's host, port, user, password and database are right.`,
    );
  }
  const db = drizzle(client, { schema });
  // A dedicated connection holds the advisory lock while migrating, so concurrent starts apply each
  // migration once.
  const reserved = await client.reserve();
  try {
    await reserved`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migrate(db, { migrationsFolder });
  } finally {
    await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
    reserved.release();
  }
  return { db: db as unknown as Db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
}

const CONNECT_TIMEOUT_S = 10;
let nextHost = 0;

/**
 * Opens a connection's socket for postgres.js, with TCP_NODELAY, which postgres.js leaves off. With Nagle's
 * algorithm on, a message that follows a large one waits for the server's delayed ACK: the CopyDone that ends each
 * prediction-log COPY arrived 40 ms late, so a batch of 500 rows took 60 ms instead of 17. Hosts are tried in turn,
 * as postgres.js does; a Unix socket path (host=/dir) is used as it is.
 *
 * The socket is returned still connecting: postgres.js queues its first messages on it, and a refused or timed-out
 * connection reaches postgres.js as the socket's own error and close events, which is how it retries.
 */
function connectNoDelay(o: { host: string[]; port: number[]; path?: string }): net.Socket {
  const i = nextHost++ % o.host.length;
  return (o.path ? net.connect(o.path) : net.connect({ host: o.host[i], port: o.port[i] ?? o.port[0] })).setNoDelay(true);
}

/** True when the migrations have been applied and the database answers. */
export async function pingDb(db: Db): Promise<boolean> {
  await db.execute(sql`select 1`);
  return true;
}

function describePgError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND') return 'host not found';
  if (e.code === '28P01') return 'password authentication failed';
  if (e.code === '3D000') return 'database does not exist';
  if (e.code === '28000') return 'role not allowed to connect';
  return e.message ?? String(err);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
