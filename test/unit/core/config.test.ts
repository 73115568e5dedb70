import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_SCHEMA, loadConfig } from '../../../src/config';

describe('configuration', () => {
  it('has a default for everything a local start needs', () => {
    const c = loadConfig({ HOME: '/home/u' }, '/work/p');
    expect(c.temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default', taskQueue: 'bosun-pipelines', uiPort: 8233 });
    expect(c.database).toEqual({ kind: 'pglite', dataDir: '/work/p/.bosun/pgdata' });
    expect(c.artifacts).toEqual({ kind: 'file', root: '/work/p/.bosun/artifacts' });
    expect(c.cacheDir).toBe('/home/u/.cache/bosun');
  });

  it('selects PostgreSQL and MinIO when configured', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/bosun',
      BOSUN_ARTIFACTS_URL: 's3://bosun-artifacts/team-a',
      BOSUN_S3_ENDPOINT: 'http://minio:9000',
      BOSUN_S3_ACCESS_KEY: 'key',
      BOSUN_S3_SECRET_KEY: 'secret-key',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/bosun' });
    expect(c.artifacts).toMatchObject({ kind: 's3', bucket: 'bosun-artifacts', prefix: 'team-a', accessKey: 'key' });
  });

  it.each([
    [{ TEMPORAL_ADDRESS: 'localhost' }, /^invalid configuration:\n  TEMPORAL_ADDRESS="localhost": expected host:port/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL="mysql:\/\/x": expected a PostgreSQL URL/],
    [{ BOSUN_SERVE_PORT: '99999' }, /BOSUN_SERVE_PORT="99999"/],
    [{ BOSUN_ARTIFACTS_URL: 's3://Bad_Bucket' }, /BOSUN_ARTIFACTS_URL="s3:\/\/Bad_Bucket": expected file:\/\/<directory> or s3:\/\//],
    [{ BOSUN_ARTIFACTS_URL: 's3://bucket' }, /needs BOSUN_S3_ACCESS_KEY and BOSUN_S3_SECRET_KEY/],
    [{ BOSUN_S3_SECRET_KEY: 'short' }, /BOSUN_S3_SECRET_KEY="\*\*\*": expected at least 8 characters/],
    [{ BOSUN_NO_CACHE: 'maybe' }, /BOSUN_NO_CACHE="maybe"/],
  ])('rejects %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('never prints a database password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:hunter2@db:5432/x y' })).toThrow(/postgres:\/\/u:\*\*\*@db/);
  });

  it('documents every variable in the README with its default', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(ENV_SCHEMA)) expect(readme, `${name} missing from README`).toContain(`| \`${name}\` |`);
  });
});
