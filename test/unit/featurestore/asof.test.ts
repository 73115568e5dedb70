import { describe, expect, it } from 'vitest';
import { readTable } from '../../../src/data/read';
import { isFloatColumn, type Column, type Table } from '../../../src/data/table';
import { asOfIndex, pointInTimeJoin } from '../../../src/featurestore/asof';
import { customerData } from '../../../src/featurestore/synthetic';

const DAY = 86_400_000;
const col = (t: Table, name: string): Column => t.columns.find((c) => c.name === name)!;
const num = (t: Table, name: string) => (col(t, name) as { values: Float64Array }).values;
const text = (t: Table, name: string, i: number) => {
  const c = col(t, name);
  if (isFloatColumn(c)) throw new Error('not coded');
  return c.codes[i] < 0 ? null : c.levels[c.codes[i]];
};

async function tables(customers: number, seed = 11) {
  const data = customerData({ customers, seed });
  const activity = await readTable(Buffer.from(data.activityCsv), 'csv');
  const labels = await readTable(Buffer.from(data.labelsCsv), 'csv');
  return { data, activity, labels };
}

describe('point-in-time join', () => {
  it('uses only values at or before each label time, where a naive latest-value join leaks the future', async () => {
    const { data, activity, labels } = await tables(400);
    const ttl = 30 * DAY;
    const { table, matched } = pointInTimeJoin(
      { table: labels, keys: ['customer_id'], time: 'label_time', label: 'entities' },
      [{ label: 'view', table: activity, keys: ['customer_id'], time: 'event_time', features: ['balance', 'txn_count_30d', 'segment'], ttlMs: ttl }],
    );
    const balance = num(table, 'balance');
    const labelTime = num(table, 'label_time');
    const ids = num(table, 'customer_id');
    const churned = (i: number) => text(table, 'status', i) === 'churned';

    // Reference by brute force over the generator's own rows: latest event ≤ label time within the TTL.
    let leaksAvoided = 0;
    for (let i = 0; i < table.nrows; i++) {
      const history = data.activity.filter((a) => a.customerId === ids[i]);
      const before = history.filter((a) => a.time <= labelTime[i] && labelTime[i] - a.time <= ttl);
      const expected = before.length ? before[before.length - 1] : undefined;
      if (expected === undefined) expect(balance[i]).toBeNaN();
      else {
        expect(balance[i]).toBe(expected.balance);
        expect(text(table, 'segment', i)).toBe(expected.segment);
      }
      // The naive join: each customer's last row whatever its time.
      const naive = history[history.length - 1];
      if (churned(i)) {
        expect(naive.time).toBeGreaterThan(labelTime[i]);
        expect(naive.balance).toBe(0);
        if (balance[i] !== 0) leaksAvoided++;
      }
    }
    // The trap is real: churned customers' latest rows are from after the label, and the join did not use them.
    const churners = data.labels.filter((l) => l.churned).length;
    expect(churners).toBeGreaterThan(40);
    expect(leaksAvoided).toBeGreaterThan(churners * 0.8);
    expect(matched[0]).toBeGreaterThan(table.nrows * 0.9);
  });

  it('takes a value stamped exactly at the row time, never one a millisecond later, and drops values older than the TTL', async () => {
    const features = await readTable(
      Buffer.from('id,t,x\n1,2026-01-01T00:00:00.000Z,10\n1,2026-01-05T00:00:00.000Z,20\n1,2026-01-05T00:00:00.001Z,30\n2,2026-01-01T00:00:00.000Z,5\n'),
      'csv',
    );
    const rows = await readTable(Buffer.from('id,at\n1,2026-01-05T00:00:00.000Z\n1,2026-01-04T23:59:59.999Z\n2,2026-01-20T00:00:00.000Z\n3,2026-01-05T00:00:00.000Z\n1,2025-12-31T00:00:00.000Z\n'), 'csv');
    const index = asOfIndex({ table: rows, keys: ['id'], time: 'at', label: 'rows' }, { table: features, keys: ['id'], time: 't', label: 'features' }, 7 * DAY);
    // row 0 → the 20 at exactly its time; row 1 → the 10; row 2 → 19 days old, past the TTL; row 3 → unknown entity; row 4 → before any value.
    expect(Array.from(index)).toEqual([1, 0, -1, -1, -1]);
  });

  it('joins on composite and text keys, a number on one side matching its text on the other', async () => {
    const features = await readTable(Buffer.from('region,id,t,x\neu,1,1000,1\nus,1,1000,2\neu,2,1000,3\neu,1,3000,4\n'), 'csv');
    const rows = await readTable(Buffer.from('region,id,t\nus,1,2000\neu,1,2000\neu,1,3500\neu,2,500\n'), 'csv');
    const index = asOfIndex({ table: rows, keys: ['region', 'id'], time: 't', label: 'rows' }, { table: features, keys: ['region', 'id'], time: 't', label: 'features' }, 1e9);
    expect(Array.from(index)).toEqual([1, 0, 3, -1]);
    const textIds = await readTable(Buffer.from('id,t\nc1,5\n'), 'csv');
    const f2 = await readTable(Buffer.from('id,t,x\nc1,1,9\nc2,1,8\n'), 'csv');
    expect(Array.from(asOfIndex({ table: textIds, keys: ['id'], time: 't', label: 'rows' }, { table: f2, keys: ['id'], time: 't', label: 'f' }, 10))).toEqual([0]);
  });

  it('names a missing column and suggests the near one', async () => {
    const { activity, labels } = await tables(5);
    expect(() =>
      pointInTimeJoin({ table: labels, keys: ['customer_id'], time: 'label_time', label: 'entities' }, [
        { label: 'feature view "customer-activity"', table: activity, keys: ['customer_id'], time: 'event_tme', features: ['balance'], ttlMs: DAY },
      ]),
    ).toThrow(/feature view "customer-activity": no timestamp column "event_tme"; did you mean "event_time"\?/);
    expect(() =>
      pointInTimeJoin({ table: labels, keys: ['customer_id'], time: 'label_time', label: 'entities' }, [
        { label: 'v', table: activity, keys: ['customer_id'], time: 'event_time', features: ['balanse'], ttlMs: DAY },
      ]),
    ).toThrow(/no feature column "balanse"; did you mean "balance"\?/);
  });

  it('joins 200k entity rows onto 1M feature rows in well under a few seconds', async () => {
    const n = 1_000_000;
    const m = 200_000;
    const keys = 50_000;
    const fk = new Float64Array(n);
    const ft = new Float64Array(n);
    const fx = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      fk[i] = i % keys;
      ft[i] = (i * 7919) % 1_000_003;
      fx[i] = i;
    }
    const ek = new Float64Array(m);
    const et = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      ek[i] = (i * 31) % keys;
      et[i] = (i * 104729) % 1_000_003;
    }
    const f: Table = { nrows: n, columns: [{ name: 'k', type: 'numeric', values: fk }, { name: 't', type: 'numeric', values: ft }, { name: 'x', type: 'numeric', values: fx }] };
    const e: Table = { nrows: m, columns: [{ name: 'k', type: 'numeric', values: ek }, { name: 't', type: 'numeric', values: et }] };
    const t0 = performance.now();
    const index = asOfIndex({ table: e, keys: ['k'], time: 't', label: 'e' }, { table: f, keys: ['k'], time: 't', label: 'f' }, Infinity);
    const ms = performance.now() - t0;
    // Spot-check a few rows against a scan.
    for (const i of [0, 1, 777, 123_456, m - 1]) {
      let best = -1;
      for (let j = ek[i]; j < n; j += keys) if (ft[j] <= et[i] && (best < 0 || ft[j] >= ft[best])) best = j;
      expect(index[i]).toBe(best);
    }
    console.log(`as-of join 200k × 1M: ${ms.toFixed(0)} ms`);
  });
});
