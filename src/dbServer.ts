/** Serves the embedded PGlite database over the PostgreSQL wire protocol on loopback (bosun dev). */
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export async function serveEmbeddedDb(pglite: PGlite, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = new PGLiteSocketServer({ db: pglite, port, host: '127.0.0.1', maxConnections: 50 });
  await server.start();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: () => server.stop() };
}
