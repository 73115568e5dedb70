/**
 * The Node (V8) flags `bosun serve` runs with. V8 reads them only when the process starts, so `bosun serve` started
 * without them starts itself again with them (workers/relaunch.ts).
 *
 * `--single-threaded-gc`: V8's parallel collector splits each collection across helper threads and waits for all of
 * them. On a small machine whose cores the server shares (with the database, with the clients) those helpers wait
 * for a CPU: `perf sched` on the 2-core bench machine showed them waiting 16-24 ms while the main thread waited for
 * them. Collecting on the main thread alone made the serving bench's latency rounds (log on PostgreSQL, half load)
 * several times shorter-tailed (best-round p99 6-7 ms against 8-27 ms) and its closed-loop throughput 20-40% higher.
 * Measured and not kept: a larger young generation (`--max-semi-space-size=64`: collections as frequent in effect,
 * no shorter tail) and a larger old-generation growth factor (`--heap-growing-percent=300`: fewer full collections,
 * each three times longer, a worse tail).
 *
 * BOSUN_SERVE_NODE_FLAGS replaces the list (space-separated; `none` for none).
 */
import { z } from 'zod';

export const DEFAULT_SERVE_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

const FLAG = /^--[a-z0-9][a-z0-9_-]*(=[^\s=]+)?$/i;

/** BOSUN_SERVE_NODE_FLAGS: `none`, or Node/V8 flags separated by spaces. */
export const serveNodeFlagsSchema = z
  .string()
  .refine((v) => v.trim() === 'none' || v.trim().split(/\s+/).every((f) => FLAG.test(f)), 'expected Node flags such as "--single-threaded-gc --max-semi-space-size=32" (each --name or --name=value), or none')
  .transform((v) => (v.trim() === 'none' ? [] : v.trim().split(/\s+/)));

/**
 * The flags `bosun serve` should run with, from BOSUN_SERVE_NODE_FLAGS (unset: the defaults); null when the variable
 * is malformed (loadConfig reports it, with the variable's name).
 */
export function serveNodeFlags(env: NodeJS.ProcessEnv): string[] | null {
  const v = env.BOSUN_SERVE_NODE_FLAGS;
  if (v === undefined || v === '') return [...DEFAULT_SERVE_NODE_FLAGS];
  const parsed = serveNodeFlagsSchema.safeParse(v);
  return parsed.success ? parsed.data : null;
}

/** Flags of `wanted` that `execArgv` (the process's own Node flags) lacks; a flag counts as present by name. */
export function missingNodeFlags(execArgv: readonly string[], wanted: readonly string[]): string[] {
  const name = (f: string) => f.split('=')[0].replace(/_/g, '-');
  const have = new Set(execArgv.map(name));
  return wanted.filter((f) => !have.has(name(f)));
}
