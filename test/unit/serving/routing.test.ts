import { describe, expect, it } from 'vitest';
import { hashRequestId, routesToChallenger } from '../../../src/serving/routing';

const ids = (n: number, prefix = 'req-') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('canary routing', () => {
  it.each([1, 10, 30, 50, 90])('sends close to %i%% of 20 000 distinct request ids to the challenger', (pct) => {
    const n = 20_000;
    const hits = ids(n).filter((id) => routesToChallenger(id, pct, 7)).length;
    // Binomial standard deviation at n=20 000 is at most 0.35 points; 1.5 points is over four of them.
    expect(Math.abs((hits / n) * 100 - pct)).toBeLessThan(1.5);
  });

  it('splits UUID-shaped ids as evenly as sequential ones', () => {
    const uuids = Array.from({ length: 10_000 }, (_, i) => `${i.toString(16).padStart(8, '0')}-7c1e-4b7a-9d2e-${(i * 7919).toString(16).padStart(12, '0')}`);
    const hits = uuids.filter((id) => routesToChallenger(id, 30)).length;
    expect(Math.abs(hits / 100 - 30)).toBeLessThan(2);
  });

  it('is stable per request id: a retried request goes the same way', () => {
    for (const id of ids(2000)) {
      const first = routesToChallenger(id, 30, 42);
      for (let k = 0; k < 3; k++) expect(routesToChallenger(id, 30, 42)).toBe(first);
    }
  });

  it('is monotone in the percentage: raising the canary share only adds ids', () => {
    for (const id of ids(5000)) {
      if (routesToChallenger(id, 10, 3)) expect(routesToChallenger(id, 30, 3)).toBe(true);
    }
  });

  it('never routes at 0% and always at 100%', () => {
    expect(ids(1000).some((id) => routesToChallenger(id, 0))).toBe(false);
    expect(ids(1000).every((id) => routesToChallenger(id, 100))).toBe(true);
  });

  it('gives each deployment (salt) its own split', () => {
    const a = ids(4000).map((id) => routesToChallenger(id, 50, 1));
    const b = ids(4000).map((id) => routesToChallenger(id, 50, 2));
    const same = a.filter((x, i) => x === b[i]).length / a.length;
    expect(same).toBeGreaterThan(0.4);
    expect(same).toBeLessThan(0.6);
  });

  it('hashes to unsigned 32-bit integers', () => {
    for (const id of ['', 'a', 'é', '🚀', 'x'.repeat(500)]) {
      const h = hashRequestId(id);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });
});
