/**
 * The source of a worker thread that runs one of this project's TypeScript modules (new Worker(src, { eval: true })).
 *
 * A thread loads the module through tsx's CommonJS hook, which transpiles in the thread itself: the ESM hook
 * (module.register) would start a loader thread per worker as well, ~45 MB of RSS each instead of ~20.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export function tsWorkerSource(entry: URL): string {
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(fileURLToPath(entry))});`;
}
