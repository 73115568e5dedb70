/**
 * Starts this same command again in a child Node process with `flags` added, and stands in for it: the child shares
 * the terminal (stdin, stdout, stderr), SIGINT and SIGTERM sent to this process reach it once, and this process ends
 * as the child does (same exit code, or the same signal). Used for `bosun serve`, whose garbage-collector flags
 * (src/serving/nodeFlags.ts) V8 reads only at start-up. Node 20 has no exec(), so the parent stays, idle.
 *
 * The child runs in its own process group: a Ctrl-C in the terminal signals the group, and without one the child
 * would see it twice (from the terminal and forwarded) and take it for "stop now". It also has an IPC channel to
 * this process: if this one dies without forwarding anything (SIGKILL), the channel closes and the child stops
 * gracefully instead of running on, orphaned.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { missingNodeFlags, serveNodeFlags } from '../src/serving/nodeFlags';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Environment variable set in the child, so that it never starts itself again (a flag Node ignored, say). */
export const RELAUNCHED_ENV = 'BOSUN_RELAUNCHED';

/**
 * For `bosun serve` started without its Node flags: starts it again with them and returns true (this process then
 * only stands in for the child). False when there is nothing to do: another command, flags already given on the
 * `node` command line, BOSUN_SERVE_NODE_FLAGS=none or malformed (loadConfig reports that), or this is the child.
 */
export function relaunchServeWithNodeFlags(argv: readonly string[] = process.argv): boolean {
  if (argv[2] !== 'serve' || process.env[RELAUNCHED_ENV]) return false;
  const missing = missingNodeFlags(process.execArgv, serveNodeFlags(process.env) ?? []);
  if (missing.length === 0) return false;
  relaunchWith(missing);
  return true;
}

function relaunchWith(flags: readonly string[]): void {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RELAUNCHED_ENV]: '1' },
    detached: true,
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of FORWARDED) process.on(s, forward);
  child.on('error', (err) => {
    console.error(`bosun: could not start ${process.execPath} with ${flags.join(' ')}: ${err.message}; set BOSUN_SERVE_NODE_FLAGS=none to run without them`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    if (signal) {
      // The same end as the child's. As PID 1 of a container a signal without a handler is ignored: the process then
      // ends when its event loop is empty, with the shell's code for death by that signal.
      process.exitCode = 128 + (constants.signals[signal] ?? 0);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
