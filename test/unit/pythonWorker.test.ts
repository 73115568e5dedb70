import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { PYTHON_PACKAGE_DIR, pythonSettings, pythonWorkerEnv } from '../../src/python/pythonWorker';

describe('pythonSettings', () => {
  it('starts nothing without BOSUN_PYTHON_STEPS, even with BOSUN_PYTHON set (CI sets it for the tests)', () => {
    expect(pythonSettings({ BOSUN_PYTHON: process.execPath })).toBeNull();
  });

  it('asks for BOSUN_PYTHON when step modules are named, and for a file that exists', () => {
    expect(() => pythonSettings({ BOSUN_PYTHON_STEPS: 'credit_steps' })).toThrow(ConfigError);
    expect(() => pythonSettings({ BOSUN_PYTHON_STEPS: 'credit_steps' })).toThrow(/BOSUN_PYTHON=\(unset\).*scripts\/python-env\.sh/);
    expect(() => pythonSettings({ BOSUN_PYTHON_STEPS: 'a', BOSUN_PYTHON: '/no/such/python' })).toThrow(/BOSUN_PYTHON="\/no\/such\/python": no such file/);
  });

  it('reads the modules and the task queue (default bosun-python)', () => {
    expect(pythonSettings({ BOSUN_PYTHON: process.execPath, BOSUN_PYTHON_STEPS: ' a.steps, b ,' })).toEqual({ python: process.execPath, stepModules: ['a.steps', 'b'], taskQueue: 'bosun-python' });
    expect(pythonSettings({ BOSUN_PYTHON: process.execPath, BOSUN_PYTHON_STEPS: 'a', BOSUN_PYTHON_TASK_QUEUE: 'py-2' })?.taskQueue).toBe('py-2');
  });

  it('takes a .py file by path: served as its stem, its directory on PYTHONPATH; a missing file is named', () => {
    const repo = path.resolve(import.meta.dirname, '../..');
    expect(pythonSettings({ BOSUN_PYTHON: process.execPath, BOSUN_PYTHON_STEPS: 'pipelines/python/breast_cancer_steps.py,b' }, repo)).toEqual({
      python: process.execPath,
      stepModules: ['breast_cancer_steps', 'b'],
      taskQueue: 'bosun-python',
      pythonPath: [path.join(repo, 'pipelines/python')],
    });
    expect(() => pythonSettings({ BOSUN_PYTHON: process.execPath, BOSUN_PYTHON_STEPS: 'steps/nope.py' }, repo)).toThrow(/BOSUN_PYTHON_STEPS: "steps\/nope\.py" is a path, but .*steps\/nope\.py does not exist/);
  });
});

describe('pythonWorkerEnv', () => {
  const settings = { python: '/usr/bin/python3', stepModules: ['a', 'b.c'], taskQueue: 'q' };

  it('passes the S3 store as the same variables the TypeScript side reads, prefix included', () => {
    const config = loadConfig({
      BOSUN_HOME: '/tmp/h',
      TEMPORAL_ADDRESS: 'temporal:7233',
      BOSUN_ARTIFACTS_URL: 's3://bucket-1/team/x',
      BOSUN_S3_ENDPOINT: 'http://127.0.0.1:9000',
      BOSUN_S3_ACCESS_KEY: 'key',
      BOSUN_S3_SECRET_KEY: 'secret-123',
    });
    const env = pythonWorkerEnv({ ...settings, config, logFile: '/tmp/x.log', pythonPath: ['/steps'] });
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      BOSUN_ARTIFACTS_URL: 's3://bucket-1/team/x',
      BOSUN_S3_ENDPOINT: 'http://127.0.0.1:9000',
      BOSUN_S3_ACCESS_KEY: 'key',
      BOSUN_S3_SECRET_KEY: 'secret-123',
      BOSUN_PYTHON_TASK_QUEUE: 'q',
      BOSUN_PYTHON_STEPS: 'a,b.c',
    });
    // Round trip: the variables given to Python load to the same store in this loader.
    expect(loadConfig(env).artifacts).toEqual(config.artifacts);
    expect(env.PYTHONPATH!.split(path.delimiter).slice(0, 2)).toEqual([PYTHON_PACKAGE_DIR, '/steps']);
  });

  it('passes a filesystem store as its absolute file:// URL', () => {
    const config = loadConfig({ BOSUN_HOME: 'rel-home' }, '/work/x');
    expect(pythonWorkerEnv({ ...settings, config, logFile: '/tmp/x.log' }).BOSUN_ARTIFACTS_URL).toBe('file:///work/x/rel-home/artifacts');
  });
});
