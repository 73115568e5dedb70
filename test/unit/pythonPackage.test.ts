/**
 * The Python worker's own unit tests (python/tests, standard-library unittest) run in the suite, with the
 * interpreter the integration tests use (BOSUN_PYTHON, else the venv scripts/python-env.sh makes).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { PYTHON_PACKAGE_DIR } from '../../src/python/pythonWorker';
import { testPython } from '../integration/support/python';

it('python/tests pass (config, store layout, failure mapping)', () => {
  const run = spawnSync(testPython(), ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
    cwd: PYTHON_PACKAGE_DIR,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: [PYTHON_PACKAGE_DIR, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) },
    timeout: 300_000,
  });
  expect(run.status, `python -m unittest failed:\n${run.stdout}${run.stderr}`).toBe(0);
  // unittest's closing lines: how many ran, and OK.
  expect(run.stderr).toMatch(/Ran [1-9]\d* tests?/);
  expect(run.stderr).toMatch(/\nOK\s*$/);
}, 900_000);
