import { describe, expect, it } from 'vitest';
import { levenshtein, nearestName } from '../../../src/features';

describe('nearest column name', () => {
  it('computes edit distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('age', 'age')).toBe(0);
  });

  it('suggests typos and case slips, but not unrelated names', () => {
    const cols = ['age', 'income', 'height', 'weight', 'handicapped-infants'];
    expect(nearestName('agee', cols)).toBe('age');
    expect(nearestName('INCOME', cols)).toBe('income');
    expect(nearestName('hieght', cols)).toBe('height');
    expect(nearestName('handicaped_infants', cols)).toBe('handicapped-infants');
    expect(nearestName('zip', cols)).toBeUndefined();
    expect(nearestName('x', [])).toBeUndefined();
  });
});
