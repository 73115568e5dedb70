/**
 * A lean HTTP/1.1 load generator for the serving benchmark: keep-alive sockets, each request's bytes built once,
 * responses read by their Content-Length. On a 2-core machine the client shares the CPU with the server it measures;
 * node:http's client costs about as much CPU per request as the server under test and adds its own garbage-collector
 * pauses to every latency it reports, so the paced (latency) runs use this instead: a few microseconds per request.
 *
 * It only understands what the benchmark's servers send (a status line, headers with Content-Length, a body);
 * anything else counts as an error.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LoadTarget {
  port: number;
  path: string;
  /** JSON bodies, sent in turn. */
  bodies: Buffer[];
}

export interface PacedResult {
  /** Latencies in ms, from writing the request to the last byte of its response. */
  latencies: Float64Array;
  /** Requests actually sent per second. */
  rps: number;
  /** Non-200 answers and broken connections. */
  errors: number;
  /** Connections opened beyond the initial pool because every one was busy. */
  extraConnections: number;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** One keep-alive connection with at most one request in flight. */
class Connection {
  private readonly socket: net.Socket;
  private pending: Buffer | null = null;
  private sentAt = 0;
  private onDone: ((ms: number, ok: boolean) => void) | null = null;
  busy = false;
  readonly ready: Promise<void>;

  constructor(port: number, onBroken: () => void) {
    this.socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      if (this.busy) this.finish(false);
      onBroken();
    });
  }

  send(request: Buffer, done: (ms: number, ok: boolean) => void): void {
    this.busy = true;
    this.onDone = done;
    this.pending = null;
    this.sentAt = performance.now();
    this.socket.write(request);
  }

  private read(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const headerEnd = buf.indexOf(CRLFCRLF);
    if (headerEnd < 0) {
      this.pending = buf;
      return;
    }
    const head = buf.toString('latin1', 0, headerEnd);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m) return this.finish(false);
    if (buf.length < headerEnd + 4 + Number(m[1])) {
      this.pending = buf;
      return;
    }
    this.finish(head.startsWith('HTTP/1.1 200'));
  }

  private finish(ok: boolean): void {
    const ms = performance.now() - this.sentAt;
    const done = this.onDone!;
    this.busy = false;
    this.onDone = null;
    this.pending = null;
    done(ms, ok);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The request bytes for each body. */
function requests(t: LoadTarget): Buffer[] {
  return t.bodies.map((body) =>
    Buffer.concat([
      Buffer.from(`POST ${t.path} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'),
      body,
    ]),
  );
}

/**
 * Open loop: requests start at `rps` whatever the answers, on an idle connection of the pool (a new one when all are
 * busy, so a slow answer never holds back the next request). Runs for `ms` and waits for the last answers.
 */
export async function pacedLoad(t: LoadTarget, rps: number, ms: number, poolSize = 256): Promise<PacedResult> {
  const reqs = requests(t);
  const idle: Connection[] = [];
  const all: Connection[] = [];
  let errors = 0;
  let extraConnections = 0;
  const open = async () => {
    const c = new Connection(t.port, () => {
      const i = idle.indexOf(c);
      if (i >= 0) idle.splice(i, 1);
    });
    all.push(c);
    await c.ready;
    return c;
  };
  for (const c of await Promise.all(Array.from({ length: poolSize }, open))) idle.push(c);

  const latencies = new Float64Array(Math.ceil((rps * ms) / 1000) + 16);
  let sent = 0;
  let answered = 0;
  let allAnswered: (() => void) | null = null;
  const start = (c: Connection) => {
    const i = sent++;
    c.send(reqs[i % reqs.length], (latency, ok) => {
      if (i < latencies.length) latencies[i] = latency;
      if (!ok) errors++;
      answered++;
      idle.push(c);
      if (allAnswered && answered === sent) allAnswered();
    });
  };

  const t0 = performance.now();
  const interval = 1000 / rps;
  while (performance.now() - t0 < ms && sent < latencies.length) {
    const due = Math.min(latencies.length, Math.floor((performance.now() - t0) / interval) + 1);
    while (sent < due) {
      const c = idle.pop();
      if (c) start(c);
      else {
        extraConnections++;
        start(await open());
      }
    }
    // Sleep until about the next request is due; answers are read meanwhile.
    await new Promise((r) => setTimeout(r, Math.max(0, interval - 0.2)));
  }
  const elapsed = performance.now() - t0;
  if (answered < sent) await new Promise<void>((resolve) => (allAnswered = resolve));
  for (const c of all) c.close();
  return { latencies: latencies.subarray(0, sent), rps: sent / (elapsed / 1000), errors, extraConnections };
}

/** Closed loop: `clients` connections, each sending its next request as soon as the previous answer is read. */
export async function closedLoad(t: LoadTarget, clients: number, ms: number): Promise<{ done: number; elapsedMs: number; errors: number }> {
  const reqs = requests(t);
  let errors = 0;
  let done = 0;
  let live = clients;
  const conns = Array.from({ length: clients }, () => new Connection(t.port, () => {}));
  await Promise.all(conns.map((c) => c.ready));
  const t0 = performance.now();
  const deadline = t0 + ms;
  await new Promise<void>((resolve) => {
    conns.forEach((c, k) => {
      let i = k;
      const next = () => {
        if (performance.now() >= deadline) {
          if (--live === 0) resolve();
          return;
        }
        c.send(reqs[i % reqs.length], (_latency, ok) => {
          done++;
          if (!ok) errors++;
          i += clients;
          next();
        });
      };
      next();
    });
  });
  const elapsedMs = performance.now() - t0;
  for (const c of conns) c.close();
  return { done, elapsedMs, errors };
}

/** Nearest-rank percentile of ascending latencies (p in 0..100): the figure every serving row reports. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Sends `request` to a benchmark server's child process and resolves with the `field` of its answer. */
export function ask<T>(child: ChildProcess, request: object, field: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: Record<string, T>) => {
      if (!(field in m)) return;
      child.off('message', onMessage);
      resolve(m[field]);
    };
    child.on('message', onMessage);
    child.send(request);
  });
}
