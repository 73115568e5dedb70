import { describe, expect, it } from 'vitest';
import { readTable } from '../../../src/data/read';
import { viewTableDrift } from '../../../src/featurestore/drift';
import { parseFeatureView } from '../../../src/featurestore/spec';
import { customerData } from '../../../src/featurestore/synthetic';

const DAY = 86_400_000;
const start = Date.UTC(2026, 0, 1);
const view = parseFeatureView({ name: 'customer-activity', entity: 'customer_id', source: '/data/activity.csv', timestamp: 'event_time', features: ['balance', 'txn_count_30d', 'segment'], ttl: '30d' });

describe('drift of a feature view', () => {
  it('finds no drift between two windows of a stable history, and flags a feature that shifted', async () => {
    const data = customerData({ customers: 3000, seed: 2, start, days: 60 });
    const table = await readTable(Buffer.from(data.activityCsv), 'csv');
    const stable = viewTableDrift(view, table, { from: start + 20 * DAY, to: start + 30 * DAY }, { from: start + 30 * DAY, to: start + 40 * DAY });
    expect(stable.referenceRows).toBeGreaterThan(1000);
    expect(stable.features.find((f) => f.name === 'segment')!.drifted).toBe(false);

    // Every balance after day 40 tripled: the current window's balance has moved.
    const shifted = data.activity.map((a) => (a.time >= start + 40 * DAY ? { ...a, balance: a.balance * 3 } : a));
    const csv = 'customer_id,event_time,balance,txn_count_30d,segment\n' + shifted.map((a) => `${a.customerId},${new Date(a.time).toISOString()},${a.balance},${a.txnCount},${a.segment}`).join('\n');
    const moved = viewTableDrift(view, await readTable(Buffer.from(csv), 'csv'), { from: start + 20 * DAY, to: start + 40 * DAY }, { from: start + 40 * DAY, to: start + 60 * DAY });
    expect(moved.driftedFeatures).toContain('balance');
    expect(moved.driftedFeatures).not.toContain('segment');
  });

  it('says when the reference window holds no rows', async () => {
    const table = await readTable(Buffer.from(customerData({ customers: 10, start }).activityCsv), 'csv');
    expect(() => viewTableDrift(view, table, { from: 0, to: 1 }, { from: start, to: start + DAY })).toThrow(/feature view "customer-activity": no rows with event_time from 1970-01-01T00:00:00.000Z/);
  });
});
