/**
 * Runs one authenticated client's PostgreSQL protocol messages on the embedded PGlite (bosun dev).
 *
 * PGlite is a single backend session shared by everyone: the dev process's own queries and every client
 * of the TCP front. So a client's unit of work, from its first message until the backend answers
 * ReadyForQuery "idle" with nothing more from that client in hand, runs under PGlite's transaction lock
 * (the one its own query() and transaction() hold). Nobody else's Parse can then replace this client's
 * unnamed statement between its Parse and its Bind, and nobody else's query runs inside its transaction.
 * (@electric-sql/pglite-socket, used before, interleaved clients message by message: "bind message
 * supplies 2 parameters, but prepared statement "" requires 1".)
 *
 * The price of one session: a client holding a transaction open holds up everyone, so a unit of work
 * that goes quiet for IDLE_IN_UNIT_MS is rolled back and its client disconnected with the reason.
 */
import type net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { errorResponse } from './dbAuth';

/** A client message larger than this is refused (PostgreSQL's own limit is 1 GB; dev data is small). */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
const IDLE_IN_UNIT_MS = 30_000;

const byte = (c: string) => c.charCodeAt(0);
const READY_FOR_QUERY = byte('Z');
const COPY_IN_RESPONSE = byte('G');
const TERMINATE = byte('X');
const IDLE = byte('I');

export interface BridgeOptions {
  /** How long a client may hold the database mid-unit (inside a transaction, mid-sync) without sending. */
  idleInUnitMs?: number;
}

/**
 * Connects `client` (authenticated; `first` holds its startup message and whatever followed) to PGlite. Resolves once
 * the client is gone and what it left open is rolled back (the lock given back): close PGlite only after that.
 */
export function bridgeToPglite(client: net.Socket, pglite: PGlite, first: Buffer, opts: BridgeOptions = {}): Promise<void> {
  const idleMs = opts.idleInUnitMs ?? IDLE_IN_UNIT_MS;
  const backend = new BackendState();
  const queue: Buffer[] = [];
  let inbox: Buffer = Buffer.alloc(0);
  let release: (() => void) | null = null;
  let running = false;
  let closed = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let finished!: () => void;
  const gone = new Promise<void>((resolve) => (finished = resolve));

  const send = (data: Uint8Array) => {
    backend.feed(data);
    // A copy: PGlite hands out a view of its output buffer, which its next message overwrites.
    if (!closed && client.writable) client.write(Buffer.from(data));
  };

  const fail = (code: string, message: string) => {
    // end(), not destroy(): the error must reach the client before the socket closes.
    if (client.writable) client.end(errorResponse(code, message));
    close(false);
  };

  /** Splits complete messages off the inbox; the first is the startup message, which has no type byte. */
  const frame = (startup: boolean): boolean => {
    for (;;) {
      const headerBytes = startup ? 4 : 5;
      if (inbox.length < headerBytes) return true;
      const length = (startup ? 0 : 1) + inbox.readInt32BE(startup ? 0 : 1);
      if (length < headerBytes || length > MAX_MESSAGE_BYTES) {
        fail('08P01', `protocol message of ${length} bytes refused (limit ${MAX_MESSAGE_BYTES}); is the client speaking the PostgreSQL protocol?`);
        return false;
      }
      if (inbox.length < length) return true;
      queue.push(inbox.subarray(0, length));
      inbox = inbox.subarray(length);
      startup = false;
    }
  };

  const pump = async () => {
    if (running) return;
    running = true;
    clearTimeout(idleTimer);
    // One write per batch of the client's messages, sent at once (no Nagle wait for the next one).
    client.cork();
    try {
      while (queue.length > 0 && !closed) {
        release ??= await acquire(pglite);
        if (closed) break;
        const message = queue.shift()!;
        if (message[0] === TERMINATE) {
          close();
          break;
        }
        await pglite.runExclusive(() => pglite.execProtocolRawStream(message, { onRawData: send }));
        if (queue.length === 0 && inbox.length === 0 && backend.idle()) {
          release();
          release = null;
        }
      }
    } catch (err) {
      fail('XX000', `the embedded database failed: ${(err as Error).message}`);
    } finally {
      running = false;
      client.uncork();
    }
    if (closed) await finish();
    else if (release) idleTimer = setTimeout(() => fail('25P03', `no message for ${idleMs / 1000} s while holding the embedded database (inside a transaction or an unfinished query); rolled back`), idleMs);
  };

  /** The client is gone: undo what it left unfinished, then let the others in. */
  const finish = async () => {
    if (!release) return finished();
    try {
      if (!backend.idle()) await abandon(pglite, backend);
    } catch (err) {
      // The client is gone, so the dev stack's log is the only place left to say it.
      console.error(`bosun dev: could not roll back what a disconnected database client left open: ${(err as Error).message}`);
    } finally {
      release();
      release = null;
      finished();
    }
  };

  const close = (destroy = true) => {
    if (closed) return;
    closed = true;
    clearTimeout(idleTimer);
    queue.length = 0;
    if (destroy) client.destroy();
    if (!running) void finish();
  };

  client.on('data', (chunk: Buffer) => {
    inbox = inbox.length === 0 ? chunk : Buffer.concat([inbox, chunk]);
    if (frame(false)) void pump();
  });
  client.on('error', () => close());
  client.on('close', () => close());
  client.setNoDelay(true);
  inbox = first;
  if (frame(true)) void pump();
  client.resume();
  return gone;
}

/** Waits for PGlite's transaction lock; resolves with the function that gives it back. */
function acquire(pglite: PGlite): Promise<() => void> {
  return new Promise((granted) => {
    void pglite._runExclusiveTransaction(() => new Promise<void>((done) => granted(done)));
  });
}

/** Ends whatever a vanished client left open: a COPY, an unsynced extended query, a transaction. */
async function abandon(pglite: PGlite, backend: BackendState): Promise<void> {
  const run = (message: Buffer) => pglite.runExclusive(() => pglite.execProtocolRawStream(message, { onRawData: (d) => backend.feed(d) }));
  if (backend.copyIn()) await run(withText('f', 'client disconnected'));
  await run(Buffer.from([byte('S'), 0, 0, 0, 4]));
  if (!backend.idle()) await run(withText('Q', 'ROLLBACK'));
}

/** A frontend message whose body is one NUL-terminated string (Query, CopyFail). */
function withText(type: string, text: string): Buffer {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0);
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

/** Follows the backend's output across chunks just far enough to know its last message and status. */
export class BackendState {
  private readonly header = Buffer.alloc(5);
  private headerFill = 0;
  private bodyLeft = 0;
  private type = 0;
  private lastType = 0;
  private status = 0;

  feed(data: Uint8Array): void {
    let i = 0;
    while (i < data.length) {
      if (this.headerFill < 5) {
        this.header[this.headerFill++] = data[i++];
        if (this.headerFill === 5) {
          this.type = this.header[0];
          this.bodyLeft = this.header.readInt32BE(1) - 4;
          if (this.bodyLeft <= 0) this.end();
        }
        continue;
      }
      if (this.type === READY_FOR_QUERY) this.status = data[i];
      const n = Math.min(this.bodyLeft, data.length - i);
      i += n;
      this.bodyLeft -= n;
      if (this.bodyLeft === 0) this.end();
    }
  }

  /** The backend is waiting for a new query outside any transaction: the lock can go. */
  idle(): boolean {
    return this.headerFill === 0 && this.lastType === READY_FOR_QUERY && this.status === IDLE;
  }

  copyIn(): boolean {
    return this.headerFill === 0 && this.lastType === COPY_IN_RESPONSE;
  }

  private end(): void {
    this.lastType = this.type;
    this.headerFill = 0;
  }
}
