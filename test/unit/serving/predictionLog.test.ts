import { describe, expect, it } from 'vitest';
import { logBatchSizeFor, outputOf, PredictionLog, type PredictionRecord } from '../../../src/serving/predictionLog';

const rec = (i: number, extra: Partial<PredictionRecord> = {}): PredictionRecord => ({
  modelName: 'm',
  modelVersion: 1,
  requestId: `r${i}`,
  features: JSON.stringify({ x: i }),
  output: i,
  scores: null,
  row: 0,
  render: null,
  error: null,
  shadow: false,
  latencyMs: 0.1,
  at: 0,
  ...extra,
});

describe('PredictionLog', () => {
  it('drops the oldest records when full and counts the drops', () => {
    let reported = 0;
    const log = new PredictionLog({ write: async () => {}, capacity: 3, onDropped: (n) => (reported += n) });
    for (let i = 0; i < 5; i++) log.push(rec(i));
    expect(log.depth).toBe(3);
    expect(log.dropped).toBe(2);
    expect(reported).toBe(2);
    expect(log.take().requestIds).toEqual(['r2', 'r3', 'r4']);
    expect(log.depth).toBe(0);
  });

  it('keeps order across wrap-around of the ring', () => {
    const log = new PredictionLog({ write: async () => {}, capacity: 4 });
    for (let i = 0; i < 3; i++) log.push(rec(i));
    expect(log.take(2).requestIds).toEqual(['r0', 'r1']);
    for (let i = 3; i < 9; i++) log.push(rec(i));
    expect(log.take().requestIds).toEqual(['r5', 'r6', 'r7', 'r8']);
    expect(log.dropped).toBe(3);
  });

  it('writes in batches on flush and on close', async () => {
    const batches: string[][] = [];
    const log = new PredictionLog({ write: async (rs) => void batches.push(rs.requestIds), capacity: 100, batchSize: 4 });
    for (let i = 0; i < 10; i++) log.push(rec(i));
    await log.flush();
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    log.push(rec(10));
    await log.close();
    expect(batches.flat()).toEqual(Array.from({ length: 11 }, (_, i) => `r${i}`));
    expect(log.written).toBe(11);
  });

  it('writes small batches to the embedded PGlite (it runs on the serving thread) and large ones to PostgreSQL', async () => {
    const sizes = async (kind: 'pglite' | 'postgres') => {
      const batches: number[] = [];
      const log = new PredictionLog({ write: async (rs) => void batches.push(rs.length), capacity: 5000, batchSize: logBatchSizeFor(kind) });
      for (let i = 0; i < 4200; i++) log.push(rec(i));
      await log.flush();
      return batches;
    };
    expect(await sizes('postgres')).toEqual([2000, 2000, 200]);
    const pglite = await sizes('pglite');
    expect(pglite).toHaveLength(168);
    expect(Math.max(...pglite)).toBe(25);
  });

  it('keeps a batch whose write failed and writes it, in order, on the next flush', async () => {
    let fail = true;
    const written: string[] = [];
    const errors: string[] = [];
    const log = new PredictionLog({
      write: async (rs) => {
        if (fail) throw new Error('connection refused');
        written.push(...rs.requestIds);
      },
      capacity: 10,
      onWriteError: (e) => errors.push(e.message),
    });
    for (let i = 0; i < 3; i++) log.push(rec(i));
    await log.flush();
    expect(errors).toEqual(['connection refused']);
    expect(log.depth).toBe(3);
    log.push(rec(3));
    fail = false;
    await log.flush();
    expect(written).toEqual(['r0', 'r1', 'r2', 'r3']);
  });

  it('drops the oldest of a failed batch when newer records filled the room meanwhile', async () => {
    let release!: () => void;
    const log = new PredictionLog({
      write: () => new Promise<void>((_, reject) => (release = () => reject(new Error('timeout')))),
      capacity: 4,
    });
    for (let i = 0; i < 4; i++) log.push(rec(i));
    const flushing = log.flush();
    for (let i = 4; i < 7; i++) log.push(rec(i)); // pushed while r0..r3 are being written
    release();
    await flushing;
    expect(log.dropped).toBe(3);
    expect(log.take().requestIds).toEqual(['r3', 'r4', 'r5', 'r6']);
  });

  it('writes records one by one after the database refused a value, dropping only the bad one', async () => {
    const written: string[] = [];
    const log = new PredictionLog({
      write: async (rs) => {
        if (rs.requestIds.includes('r1')) throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
        written.push(...rs.requestIds);
      },
      capacity: 10,
    });
    for (let i = 0; i < 3; i++) log.push(rec(i));
    await log.flush();
    expect(written).toEqual(['r0', 'r2']);
    expect(log.dropped).toBe(1);
    expect(log.depth).toBe(0);
  });

  it('renders lazily stored outputs when writing, and stores {} for error records', () => {
    const scores = Float64Array.of(1, 2, 3);
    expect(outputOf(rec(0, { output: null, scores, row: 2, render: (s, i) => ({ v: s[i] }) }))).toEqual({ v: 3 });
    expect(outputOf(rec(0, { output: null, error: 'boom' }))).toEqual({});
  });

  it('reports an outage once when it starts and once when it ends, with the drops in between', async () => {
    let down = true;
    const events: string[] = [];
    const log = new PredictionLog({
      write: async () => {
        if (down) throw new Error('connection refused');
      },
      capacity: 3,
      onWriteError: (e, first) => events.push(`error ${e.message} first=${first}`),
      onRecovered: (failed, dropped) => events.push(`recovered after ${failed}, dropped ${dropped}`),
    });
    for (let round = 0; round < 3; round++) {
      log.push(rec(round * 2));
      log.push(rec(round * 2 + 1));
      await log.flush();
    }
    expect(log.dropped).toBe(3); // 6 records, room for 3
    down = false;
    await log.flush();
    expect(events).toEqual(['error connection refused first=true', 'error connection refused first=false', 'error connection refused first=false', 'recovered after 3, dropped 3']);
    expect(log.written).toBe(3);
    expect(log.written + log.dropped).toBe(6);
  });

  it('counts what close could not write as dropped instead of losing it silently', async () => {
    let reported = 0;
    const log = new PredictionLog({ write: async () => Promise.reject(new Error('down')), capacity: 10, onDropped: (n) => (reported += n) });
    for (let i = 0; i < 4; i++) log.push(rec(i));
    await log.close();
    expect(log.depth).toBe(0);
    expect(log.dropped).toBe(4);
    expect(reported).toBe(4);
  });

  it('lists the request ids of the batch being written (out of the queue, not yet in the table)', async () => {
    let commit!: () => void;
    const log = new PredictionLog({ write: () => new Promise<void>((resolve) => (commit = resolve)), capacity: 10 });
    log.push(rec(0));
    log.push(rec(1));
    const flushing = log.flush();
    expect(log.depth).toBe(2); // still waiting to be written, though out of the queue
    expect([...log.queuedRequestIds('m')]).toEqual(['r0', 'r1']);
    commit();
    await flushing;
    expect(log.queuedRequestIds('m').size).toBe(0);
    expect(log.depth).toBe(0);
  });

  it('lists the request ids of a model that are queued, not yet written', () => {
    const log = new PredictionLog({ write: async () => {}, capacity: 3 });
    for (let i = 0; i < 4; i++) log.push(rec(i, { modelName: i === 2 ? 'other' : 'm' }));
    expect([...log.queuedRequestIds('m')]).toEqual(['r1', 'r3']);
  });
});

describe('PredictionLog memory', () => {
  it('holds records as encoded rows off the heap and drops the oldest when its bytes are full', async () => {
    const big = (i: number) => rec(i, { features: JSON.stringify({ pad: 'x'.repeat(300), i }) });
    const log = new PredictionLog({ write: async () => {}, capacity: 100, bytes: 2048 });
    for (let i = 0; i < 20; i++) log.push(big(i));
    // ~400 bytes a row: five fit in 2048 bytes, the older fifteen were dropped and counted.
    expect(log.depth).toBeLessThanOrEqual(5);
    expect(log.dropped + log.depth).toBe(20);
    const rows = log.take().records();
    expect(rows.at(-1)).toMatchObject({ model_name: 'm', request_id: 'r19', features: { i: 19 }, output: 19, shadow: false });
  });
});
