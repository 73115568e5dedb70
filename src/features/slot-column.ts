import type { FloatColumn } from '../data/table';

/**
 * A one-hot output column stored as "1 where slots[i] === slot, else 0". All outputs of one onehot input share a
 * single Int32Array, so a 40-category column costs 4 bytes per row instead of 40 arrays of 8 bytes per row; the
 * matrix gather then writes only the ones. Reading `values` (a later step naming `color=red`) materializes it.
 */
export class SlotColumn implements FloatColumn {
  readonly type = 'numeric' as const;
  private dense: Float64Array | undefined;

  constructor(
    readonly name: string,
    readonly slots: Int32Array,
    readonly slot: number,
  ) {}

  get materialized(): boolean {
    return this.dense !== undefined;
  }

  get values(): Float64Array {
    if (!this.dense) {
      const out = new Float64Array(this.slots.length);
      for (let i = 0; i < out.length; i++) if (this.slots[i] === this.slot) out[i] = 1;
      this.dense = out;
    }
    return this.dense;
  }
}
