/**
 * Keeps a child service running: when it exits without having been asked to (killed, crashed), it is
 * started again with the same options (for Temporal: the same SQLite file and port, so every run in
 * flight carries on), with a line in the log each time. A service that keeps dying is given up on, and
 * `failed` says why, so the caller can stop rather than loop.
 */
import { sleep } from './process';

export interface Supervisable {
  pid: number;
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface SupervisorOptions<S extends Supervisable> {
  /** For log lines: "Temporal dev server". */
  name: string;
  /** What the restarted service keeps: "state temporal.db, port 7233". */
  describe: string;
  first: S;
  start: () => Promise<S>;
  /** Called with each new instance once it is ready (e.g. to record its pid). */
  onRestart?: (s: S) => void;
  log?: (line: string) => void;
  /** Give up after this many unexpected exits within windowMs. */
  maxRestarts?: number;
  windowMs?: number;
}

export interface Supervisor<S> {
  current(): S;
  /** Rejects when the service cannot be kept up; never resolves otherwise. */
  failed: Promise<never>;
  /** Stops the service for good (no restart). */
  stop(): Promise<void>;
}

export function supervise<S extends Supervisable>(o: SupervisorOptions<S>): Supervisor<S> {
  const log = o.log ?? ((line: string) => console.error(line));
  const maxRestarts = o.maxRestarts ?? 5;
  const windowMs = o.windowMs ?? 60_000;
  let current = o.first;
  let stopping = false;
  /** The watcher of the current instance, including any restart in progress. */
  let watcher: Promise<void> = Promise.resolve();
  const restarts: number[] = [];
  let fail!: (err: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {}); // observed by whoever races on it; never an unhandled rejection

  const watch = (s: S) => {
    watcher = s.exited.then(async (how) => {
      if (stopping || s !== current) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && restarts[0] < now - windowMs) restarts.shift();
      if (restarts.length > maxRestarts) {
        fail(new Error(`${o.name} exited ${restarts.length} times within ${windowMs / 1000}s (last: ${how}); not restarting it again. See its log.`));
        return;
      }
      log(`${o.name} (pid ${s.pid}) exited unexpectedly (${how}); restarting it (${o.describe})`);
      // Starting can fail while the old process's port is still held: try a few times with a pause.
      for (let attempt = 1; !stopping; attempt++) {
        try {
          const next = await o.start();
          if (stopping) {
            await next.stop();
            return;
          }
          current = next;
          log(`${o.name} restarted (pid ${next.pid})`);
          o.onRestart?.(next);
          watch(next);
          return;
        } catch (err) {
          if (attempt >= 3) {
            fail(new Error(`${o.name} could not be restarted: ${(err as Error).message}`));
            return;
          }
          await sleep(1000 * attempt);
        }
      }
    });
  };
  watch(current);

  return {
    current: () => current,
    failed,
    async stop() {
      stopping = true;
      await current.stop();
      // A restart that was under way stops what it started before this resolves.
      await watcher;
    },
  };
}
