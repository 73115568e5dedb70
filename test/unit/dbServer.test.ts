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

/**
 * PGlite is one session for every client: the front must run each client's unit of work whole, or one
 * client's Parse replaces another's unnamed statement and queries run inside someone else's transaction.
 */
describe('serveEmbeddedDb with concurrent clients', () => {
  let pglite: PGlite;
  let server: EmbeddedDbServer;
  beforeAll(async () => {
    pglite = new PGlite('memory://');
    await pglite.waitReady;
    server = await serveEmbeddedDb(pglite, await freePort(), 'pw', { idleInUnitMs: 1_500 });
    await pglite.exec('create table items (id int primary key, label text)');
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await pglite?.close();
  });

  // prepare: false: every query through the unnamed statement, the one a stray Parse would replace.
  const connect = (max = 4) => postgres(server.url, { max, prepare: false, onnotice: () => {}, connect_timeout: 5 });

  it('keeps parameterised queries of different shapes from several clients and the process itself apart', async () => {
    const a = connect();
    const b = connect();
    try {
      const work: Promise<void>[] = [];
      for (let i = 0; i < 120; i++) {
        work.push(a`select ${i}::int + ${2 * i}::int as s`.then(([r]) => expect(r.s).toBe(3 * i)));
        work.push(b`select ${i}::int as s`.then(([r]) => expect(r.s).toBe(i)));
        work.push(b`select ${i}::int * ${i}::int * ${3}::int as s`.then(([r]) => expect(r.s).toBe(3 * i * i)));
        work.push(pglite.query<{ s: number }>('select $1::int - $2::int as s', [i, 1]).then(({ rows }) => expect(rows[0].s).toBe(i - 1)));
      }
      await Promise.all(work);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it("runs nobody else's query inside a client's open transaction", async () => {
    const a = connect(1);
    const b = connect(1);
    try {
      let seenInside = -1;
      let waiting: Promise<number>[] = [];
      await a.begin(async (tx) => {
        await tx`insert into items values (1, 'uncommitted')`;
        // Both would see the uncommitted row if they ran inside a's transaction; they wait for its end.
        const other = b`select count(*)::int as n from items where label = 'uncommitted'`;
        const own = pglite.query<{ n: number }>(`select count(*)::int as n from items where label = 'uncommitted'`);
        await new Promise((r) => setTimeout(r, 200));
        [{ n: seenInside }] = await tx`select count(*)::int as n from items`;
        await tx`update items set label = 'committed' where id = 1`;
        waiting = [other.then(([r]) => r.n), own.then(({ rows }) => rows[0].n)];
      });
      expect(seenInside).toBe(1);
      expect(await Promise.all(waiting)).toEqual([0, 0]);
      const [{ n }] = await b`select count(*)::int as n from items where label = 'committed'`;
      expect(n).toBe(1);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('rolls back what a vanished client left open, and lets the others in', async () => {
    const a = connect(1);
    const b = connect(1);
    try {
      const reserved = await a.reserve();
      await reserved`begin`;
      await reserved`insert into items values (2, 'left open')`;
      await a.end({ timeout: 0 }); // closes the socket mid-transaction
      const [{ n }] = await b`select count(*)::int as n from items where id = 2`;
      expect(n).toBe(0);
      expect(pglite.isInTransaction()).toBe(false);
    } finally {
      await b.end();
    }
  });

  it('disconnects a client that sits in a transaction past the limit, and rolls it back', async () => {
    let closed = false;
    const a = postgres(server.url, { max: 1, onnotice: () => {}, connect_timeout: 5, onclose: () => (closed = true) });
    const b = connect(1);
    try {
      const reserved = await a.reserve();
      await reserved`begin`;
      await reserved`insert into items values (3, 'idle')`;
      const started = Date.now();
      const [{ n }] = await b`select count(*)::int as n from items where id = 3`; // waits for the limit
      expect(n).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(closed).toBe(true);
      expect(pglite.isInTransaction()).toBe(false);
    } finally {
      await a.end({ timeout: 0 });
      await b.end();
    }
  });

  it('stops only once what its clients left open is rolled back, so PGlite can close next', async () => {
    const second = await serveEmbeddedDb(pglite, await freePort(), 'pw2');
    const c = postgres(second.url, { max: 1, prepare: false, onnotice: () => {}, connect_timeout: 5 });
    try {
      const reserved = await c.reserve();
      await reserved`begin`;
      await reserved`insert into items values (4, 'at stop')`;
      expect(pglite.isInTransaction()).toBe(true);
      await second.stop();
      expect(pglite.isInTransaction()).toBe(false);
      expect((await pglite.query<{ n: number }>('select count(*)::int as n from items where id = 4')).rows[0].n).toBe(0);
    } finally {
      await c.end({ timeout: 0 });
    }
  });
});
