/**
 * Serves the embedded PGlite database over the PostgreSQL wire protocol on loopback (bosun dev).
 *
 * PGlite trusts every connection, so the TCP port other processes use asks for a password first
 * (SCRAM-SHA-256, the user "postgres"). Once it is right, the client's startup message and everything
 * after it run on PGlite one unit of work at a time (src/dbBridge.ts). The password is generated per
 * start and reaches local Bosun commands through BOSUN_HOME/dev.json (mode 0600, src/devState.ts).
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { bridgeToPglite, type BridgeOptions } from './dbBridge';
import { errorResponse, ScramHandshake, scramSecret } from './dbAuth';

const USER = 'postgres';
/** A client that has not authenticated by then is dropped. */
const AUTH_TIMEOUT_MS = 10_000;
/** Every client shares PGlite's one session, so more would only queue longer. */
const MAX_CLIENTS = 50;

export interface EmbeddedDbServer {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  stop(): Promise<void>;
}

export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

export async function serveEmbeddedDb(pglite: PGlite, port: number, password = generatePassword(), opts: BridgeOptions = {}): Promise<EmbeddedDbServer> {
  await pglite.waitReady;
  const secret = scramSecret(password);
  const sockets = new Set<net.Socket>();
  const bridges = new Set<Promise<void>>();
  const front = net.createServer((client) => {
    if (sockets.size >= MAX_CLIENTS) {
      client.end(errorResponse('53300', `too many connections to the embedded database (limit ${MAX_CLIENTS}); close some clients or lower their pool size`));
      return;
    }
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    authenticate(client, secret, pglite, opts, (bridge) => {
      bridges.add(bridge);
      void bridge.then(() => bridges.delete(bridge));
    });
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
      // Each client's rollback, if it left a transaction open, runs before the caller closes PGlite.
      await Promise.all(bridges);
    },
  };
}

/** Runs the handshake on one client; on success connects it to PGlite. */
function authenticate(client: net.Socket, secret: ReturnType<typeof scramSecret>, pglite: PGlite, opts: BridgeOptions, bridged: (bridge: Promise<void>) => void): void {
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
        bridged(bridgeToPglite(client, pglite, Buffer.concat([out.startup, buf]), opts));
        return;
      }
    }
  };
  client.on('data', onData);
}
