/**
 * The Node flags a benchmark's server process is forked with: those `bosun serve` runs with
 * (BOSUN_SERVE_NODE_FLAGS, src/serving/nodeFlags.ts), so that Bosun is measured as shipped and its references like
 * for like (ratios then measure code, not runtime tuning), and tsx to run the TypeScript.
 */
import { serveNodeFlags } from '../src/serving/nodeFlags';

export function serverExecArgv(...extra: string[]): string[] {
  return [...(serveNodeFlags(process.env) ?? []), '--import', import.meta.resolve('tsx'), ...extra];
}
