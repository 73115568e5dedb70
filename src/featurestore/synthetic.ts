/**
 * Seeded customers whose features change over time, and churn labels taken at known times: the data of the
 * feature-store tests, bench and docs example.
 *
 * Each customer has an activity history (`balance`, `txn_count_30d`, `segment`, one row per event, a few
 * days apart). Each customer gets one label at a random time in the second half of the period; whether they
 * churn depends on their features *as of that time*. A churned customer's account is then closed: one more
 * event an hour later with balance 0 and no transactions. That closing row is the trap — a join that takes
 * each customer's latest row would read it and "predict" churn perfectly from the future.
 */
import { mulberry32 } from '../data/random';

export interface CustomerDataOptions {
  customers: number;
  seed?: number;
  /** First event time (default 2026-01-01T00:00:00Z). */
  start?: number;
  /** Length of the history in days (default 120). */
  days?: number;
  /** Leave out events after this time (epoch ms): a history that grows later, for incremental loads. */
  until?: number;
}

export interface CustomerData {
  /** CSV: customer_id,event_time,balance,txn_count_30d,segment */
  activityCsv: string;
  /** CSV: customer_id,label_time,channel,status (status: churned | active; channel is a request-time column) */
  labelsCsv: string;
  /** Parsed forms, for tests that check joins by hand. */
  activity: { customerId: number; time: number; balance: number; txnCount: number; segment: string }[];
  labels: { customerId: number; time: number; channel: string; churned: boolean }[];
}

const DAY = 86_400_000;
const SEGMENTS = ['basic', 'plus', 'premium'];
const CHANNELS = ['web', 'app', 'branch'];

export function customerData(o: CustomerDataOptions): CustomerData {
  const rand = mulberry32(o.seed ?? 7);
  const start = o.start ?? Date.UTC(2026, 0, 1);
  const days = o.days ?? 120;
  const end = start + days * DAY;
  const activity: CustomerData['activity'] = [];
  const labels: CustomerData['labels'] = [];
  for (let c = 1; c <= o.customers; c++) {
    let t = start + Math.floor(rand() * 5 * DAY);
    let balance = Math.round(200 + rand() * 4000);
    let txn = Math.floor(rand() * 30);
    let segment = SEGMENTS[Math.floor(rand() * 3)];
    const labelTime = start + Math.floor((0.5 + rand() * 0.45) * days * DAY);
    let labelled = false;
    while (t < end) {
      if (!labelled && t > labelTime) {
        // The label, from the features as of labelTime (the last event before it).
        labelled = true;
        const last = activity[activity.length - 1];
        const asOf = last && last.customerId === c ? last : undefined;
        const score = asOf ? 1.5 - asOf.balance / 900 - asOf.txnCount / 12 + (asOf.segment === 'basic' ? 0.8 : 0) : 0;
        const churned = rand() < 1 / (1 + Math.exp(-3 * score));
        labels.push({ customerId: c, time: labelTime, channel: CHANNELS[Math.floor(rand() * 3)], churned });
        if (churned) {
          activity.push({ customerId: c, time: labelTime + 3_600_000, balance: 0, txnCount: 0, segment });
          break;
        }
      }
      activity.push({ customerId: c, time: t, balance, txnCount: txn, segment });
      t += Math.floor((1 + rand() * 4) * DAY);
      balance = Math.max(0, Math.round(balance + (rand() - 0.5) * 600));
      txn = Math.max(0, Math.round(txn + (rand() - 0.5) * 8));
      if (rand() < 0.05) segment = SEGMENTS[Math.floor(rand() * 3)];
    }
  }
  const kept = o.until === undefined ? activity : activity.filter((a) => a.time <= o.until!);
  const iso = (ms: number) => new Date(ms).toISOString();
  const activityCsv =
    'customer_id,event_time,balance,txn_count_30d,segment\n' + kept.map((a) => `${a.customerId},${iso(a.time)},${a.balance},${a.txnCount},${a.segment}`).join('\n') + '\n';
  const labelsCsv = 'customer_id,label_time,channel,status\n' + labels.map((l) => `${l.customerId},${iso(l.time)},${l.channel},${l.churned ? 'churned' : 'active'}`).join('\n') + '\n';
  return { activityCsv, labelsCsv, activity: kept, labels };
}
