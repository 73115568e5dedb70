/**
 * Canary routing: which requests the challenger answers. The choice is a pure function of the request id (and the
 * deployment), never a coin flip, so a client retrying a request with the same `x-request-id` lands on the same
 * version, and the split over many distinct ids is `trafficPercent`% to within sampling noise.
 */

/** Resolution of the split: percentages are whole numbers, buckets give two decimals of headroom. */
const BUCKETS = 10_000;

/**
 * A 32-bit hash of `s` (FNV-1a over UTF-16 code units, then a murmur3 finaliser so ids that differ only in their
 * last characters — req-1, req-2, … — still spread over every bucket). `salt` makes each deployment's split
 * independent of the previous one's.
 */
export function hashRequestId(s: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** True when the challenger of deployment `salt` answers the request `requestId` at `trafficPercent` (0-100). */
export function routesToChallenger(requestId: string, trafficPercent: number, salt = 0): boolean {
  if (trafficPercent <= 0) return false;
  if (trafficPercent >= 100) return true;
  return hashRequestId(requestId, salt) % BUCKETS < trafficPercent * (BUCKETS / 100);
}
