import { describe, expect, it } from 'vitest';
import { histogramLayout, featureUnits } from '../../../src/ml/tree/histogram';
import { claimUnit, finishUnit, FINISHED, openUnits, unitStart } from '../../../src/ml/thread/workUnits.js';

describe('work units', () => {
  it('hands out each unit of the open command once, and none of an earlier command', () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    openUnits(words, 1);
    expect([claimUnit(words, 1, 3), claimUnit(words, 1, 3), claimUnit(words, 1, 3), claimUnit(words, 1, 3)]).toEqual([0, 1, 2, -1]);
    for (let u = 0; u < 3; u++) finishUnit(words, 3);
    expect(words[FINISHED]).toBe(3);
    openUnits(words, 2);
    // A thread still on command 1's message finds nothing to take from command 2.
    expect(claimUnit(words, 1, 3)).toBe(-1);
    expect(claimUnit(words, 2, 3)).toBe(0);
    expect(words[FINISHED]).toBe(0);
  });

  it('cuts a range into units that cover it exactly', () => {
    const cuts = Array.from({ length: 4 }, (_, k) => unitStart(10, 20, 3, k));
    expect(cuts[0]).toBe(10);
    expect(cuts[3]).toBe(20);
    for (let k = 0; k < 3; k++) expect(cuts[k + 1]).toBeGreaterThan(cuts[k]);
  });

  it('groups general features eight at a time and two-bin ones four, costliest first, and wider when there would be too many units', () => {
    // Features 0-9 general, 10-14 one-hot (two bins, no NaN), 15 general: the cheaper units go last.
    const bins = Int32Array.from({ length: 16 }, (_, f) => (f >= 10 && f < 15 ? 2 : 255));
    const layout = histogramLayout(bins, new Uint8Array(16));
    expect([...featureUnits(layout, 256)]).toEqual([0, 8, 8, 10, 10, 14, 14, 15, 15, 16]);
    const wide = histogramLayout(new Int32Array(2000).fill(255), new Uint8Array(2000));
    const units = featureUnits(wide, 256);
    expect(units.length / 2).toBeLessThanOrEqual(256);
    expect(units[units.length - 1]).toBe(2000);
  });
});
