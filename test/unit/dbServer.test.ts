import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveEmbeddedDb, type EmbeddedDbServer } from '../../src/dbServer';
import { freePort } from '../../src/stack/process';

/** The embedded database's TCP front: a real PGlite behind it, real postgres.js clients in front. */
describe('serveEmbeddedDb', () => {
  let pglite: PGlite;
  let server: EmbeddedDbServer;
  let port: number;
  beforeAll(async () => {
    pglite = new PGlite('memory://');
    await pglite.waitReady;
    port = await freePort();
    server = await serveEmbeddedDb(pglite, port, 'right-password');
  }, 60_000); // PGlite compiles its WebAssembly first: seconds on a busy 2-core machine
  afterAll(async () => {
    await server?.stop();
    await pglite?.close();
  });

  const connect = (url: string) => postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });

  it('answers a client that gives the password, across several connections and a transaction', async () => {
    expect(server.url).toBe(`postgres://postgres:right-password@127.0.0.1:${port}/postgres`);
    const a = connect(server.url);
    const b = connect(server.url);
    try {
      await a`create table t (x int)`;
      await a.begin(async (tx) => {
        await tx`insert into t values (1), (2)`;
      });
      const [{ n }] = await b`select count(*)::int as n from t`;
      expect(n).toBe(2);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it.each([
    ['a wrong password', `postgres://postgres:wrong@127.0.0.1:PORT/postgres`, '28P01'],
    ['no password', `postgres://postgres@127.0.0.1:PORT/postgres`, '28P01'],
    ['another user', `postgres://admin:right-password@127.0.0.1:PORT/postgres`, '28000'],
  ])('refuses %s', async (_label, template, code) => {
    const c = connect(template.replace('PORT', String(port)));
    try {
      await expect(c`select 1`).rejects.toMatchObject({ code });
    } finally {
      await c.end();
    }
    // The refusal did not disturb the database for the others.
    const ok = connect(server.url);
    try {
      expect((await ok`select 1 as one`)[0].one).toBe(1);
    } finally {
      await ok.end();
    }
  });
});
