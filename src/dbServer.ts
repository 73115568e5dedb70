/**
 * Serves the embedded PGlite database over the PostgreSQL wire protocol on loopback (bosun dev).
 *
 * PGlite trusts every connection, so it listens only on a Unix socket in a private (0700) directory;
 * the TCP port other processes use is a front that asks for a password (SCRAM-SHA-256, the user
 * "postgres") and, once it is right, replays the client's startup message to PGlite and pipes the bytes
 * both ways. The password is generated per start and reaches local Bosun commands through
 * BOSUN_HOME/dev.json (mode 0600, src/devState.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { errorResponse, ScramHandshake, scramSecret } from './dbAuth';

const USER = 'postgres';
/** A client that has not authenticated by then is dropped. */
const AUTH_TIMEOUT_MS = 10_000;

export interface EmbeddedDbServer {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  stop(): Promise<void>;
}

export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

export async function serveEmbeddedDb(pglite: PGlite, port: number, password = generatePassword()): Promise<EmbeddedDbServer> {
  // Short path under the temp dir: a Unix socket path may not exceed ~107 bytes.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-db-'));
  const socketPath = path.join(dir, 'pglite.sock');
  const inner = new PGLiteSocketServer({ db: pglite, path: socketPath, maxConnections: 50 });
  await inner.start();

  const secret = scramSecret(password);
  const sockets = new Set<net.Socket>();
  const front = net.createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    authenticate(client, secret, socketPath);
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await inner.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the handshake on one client; on success connects it to PGlite's socket. */
function authenticate(client: net.Socket, secret: ReturnType<typeof scramSecret>, socketPath: string): void {
  const handshake = new ScramHandshake(secret, USER);
  let buf = Buffer.alloc(0);
  const timer = setTimeout(() => client.destroy(), AUTH_TIMEOUT_MS);
  client.on('error', () => client.destroy());
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const out = handshake.step(buf);
      if (out.kind === 'more') return;
      if (out.kind === 'refuse') {
        clearTimeout(timer);
        client.end(out.reply);
        client.off('data', onData);
        return;
      }
      client.write(out.reply);
      buf = buf.subarray(out.consumed);
      if (out.kind === 'done') {
        clearTimeout(timer);
        client.off('data', onData);
        client.pause();
        connectUpstream(client, socketPath, Buffer.concat([out.startup, buf]));
        return;
      }
    }
  };
  client.on('data', onData);
}

function connectUpstream(client: net.Socket, socketPath: string, first: Buffer): void {
  const upstream = net.connect(socketPath);
  upstream.once('connect', () => {
    upstream.write(first);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
  upstream.once('error', () => {
    if (client.writable) client.end(errorResponse('57P03', 'the embedded database is not available; is bosun dev stopping?'));
  });
  upstream.once('close', () => client.end());
  client.once('close', () => upstream.destroy());
}
