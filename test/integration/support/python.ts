/**
 * The Python interpreter for tests of the Python worker: BOSUN_PYTHON when set (.ci/run sets it), else the venv
 * scripts/python-env.sh creates or reuses under the cache directory, so `npm test` on a fresh machine installs what
 * it needs instead of skipping these tests. Python missing altogether fails with what to install.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
/** Step modules the tests serve (BOSUN_PYTHON_STEPS=bosun_test_steps). */
export const TEST_STEPS_DIR = path.join(ROOT, 'test/fixtures/python');

let python: string | undefined;

export function testPython(): string {
  if (python) return python;
  if (process.env.BOSUN_PYTHON) return (python = process.env.BOSUN_PYTHON);
  try {
    python = execFileSync('bash', [path.join(ROOT, 'scripts/python-env.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 }).trim();
  } catch (err) {
    throw new Error(
      `the Python worker's tests need Python 3.10+ with python/requirements.txt: scripts/python-env.sh failed (${(err as Error).message.split('\n')[0]}). ` +
        'Install python3 (with venv and pip), or set BOSUN_PYTHON to an interpreter that has the requirements.',
    );
  }
  return python;
}
