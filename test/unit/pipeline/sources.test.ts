import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { BadInputError } from '../../../src/pipeline/errors';
import { fetchSource } from '../../../src/pipeline/sources';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const deps = (env: NodeJS.ProcessEnv = {}) => ({ store: null as never, config: loadConfig({ BOSUN_HOME: '/tmp/bosun-sources-test', ...env }) });

describe('sources that cannot be read are bad input with the cause', () => {
  it('an unreachable HTTP host: a short bounded retry, then BadInput naming the host and the network error', async () => {
    const port = await closedPort();
    const err = await fetchSource(`http://127.0.0.1:${port}/train.csv`, deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toBe(
      `source http://127.0.0.1:${port}/train.csv: cannot reach 127.0.0.1:${port} (ECONNREFUSED: nothing listens on that port) after 3 attempts; check the URL and that the server is up and reachable from the worker`,
    );
  });

  it('an S3 source without keys names the variables to set', async () => {
    const err = await fetchSource('s3://data/train.csv', deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(/s3:\/\/data\/train\.csv.*BOSUN_S3_ACCESS_KEY and BOSUN_S3_SECRET_KEY/);
  });

  it('an S3 endpoint that is down: bounded retry, then BadInput naming the endpoint', async () => {
    const port = await closedPort();
    const err = await fetchSource('s3://data/train.csv', deps({ BOSUN_S3_ENDPOINT: `http://127.0.0.1:${port}`, BOSUN_S3_ACCESS_KEY: 'access-key', BOSUN_S3_SECRET_KEY: 'secret-key' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(new RegExp(`cannot reach the object store at http://127\\.0\\.0\\.1:${port}/ \\(ECONNREFUSED\\) after 3 attempts; check BOSUN_S3_ENDPOINT`));
  });
});
