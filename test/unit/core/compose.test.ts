import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENV_SCHEMA, loadConfig } from '../../../src/config';

const compose = parse(readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, { ports?: string[]; environment?: Record<string, string>; command?: string[] }>;
};

describe('docker-compose.yml', () => {
  const defaults = loadConfig({});
  const published = (svc: string) => (compose.services[svc].ports ?? []).map((p) => Number(p.split(':')[0]));

  it('runs every part of the stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['minio', 'postgresql', 'python-worker', 'serving', 'temporal', 'temporal-ui', 'training-worker', 'worker']);
  });

  it('publishes the ports the code uses by default', () => {
    expect(published('temporal')).toContain(Number(defaults.temporal.address.split(':')[1]));
    expect(published('temporal-ui')).toContain(defaults.temporal.uiPort);
    expect(published('minio')).toContain(Number(new URL(ENV_SCHEMA.BOSUN_S3_ENDPOINT.parse(undefined)).port));
    expect(published('serving')).toContain(defaults.serve.port);
  });

  it('gives the worker and serving a configuration the loader accepts, pointing at the compose services', () => {
    for (const svc of ['worker', 'serving']) {
      const env = compose.services[svc].environment!;
      const cfg = loadConfig(env);
      expect(cfg.temporal.address).toBe('temporal:7233');
      expect(cfg.temporal.taskQueue).toBe(defaults.temporal.taskQueue);
      expect(cfg.database).toEqual({ kind: 'postgres', url: 'postgres://bosun:bosun@postgresql:5432/bosun' });
      expect(cfg.artifacts).toMatchObject({ kind: 's3', bucket: 'bosun-artifacts' });
      if (cfg.artifacts.kind === 's3') expect(cfg.artifacts.endpoint.host).toBe('minio:9000');
    }
    const minioEnv = compose.services.minio.environment!;
    expect(compose.services.worker.environment!.BOSUN_S3_ACCESS_KEY).toBe(minioEnv.MINIO_ROOT_USER);
    expect(compose.services.worker.environment!.BOSUN_S3_SECRET_KEY).toBe(minioEnv.MINIO_ROOT_PASSWORD);
  });

  it('puts pipeline work, training and Python steps on their own task queues, one service each', () => {
    const cfg = (svc: string) => loadConfig(compose.services[svc].environment!);
    for (const svc of ['worker', 'training-worker', 'python-worker', 'serving']) {
      expect(cfg(svc).temporal).toMatchObject({ taskQueue: 'bosun-pipelines', trainingTaskQueue: 'bosun-training', pythonTaskQueue: 'bosun-python' });
    }
    expect(compose.services.worker.command).toEqual(['node', 'bin/bosun.mjs', 'worker', '--queues', 'pipeline']);
    expect(compose.services['training-worker'].command).toEqual(['node', 'bin/bosun.mjs', 'worker', '--queues', 'training']);
    expect(compose.services['python-worker'].command!.join(' ')).toContain('python -m bosun_worker');
  });

  it('starts the worker and serving processes through the bosun command', () => {
    expect(compose.services.worker.command!.slice(0, 3)).toEqual(['node', 'bin/bosun.mjs', 'worker']);
    expect(compose.services.serving.command).toEqual(['node', 'bin/bosun.mjs', 'serve']);
  });
});
