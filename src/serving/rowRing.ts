/**
 * The prediction log's queue: rows already encoded as the COPY text they are written as, stored as UTF-8 in one
 * off-heap buffer, oldest first, with room for `capacity` rows and `bytes` bytes; when either is full, the oldest
 * rows make room.
 *
 * Why off-heap: a queued record used to be a dozen heap objects (the record, its instance text, its request's
 * scores) that lived until the next write, up to 200 ms. Every young-generation collection copied all of them, and
 * at thousands of requests a second those copies were the serving latency tail's largest cause. Bytes in a Buffer
 * are never copied by the garbage collector; a queued row costs the heap nothing.
 */
export class RowRing {
  private readonly slab: Buffer;
  /** Per row slot: byte offset and length of the row in `slab`, and its model's index in `models`. */
  private readonly start: Int32Array;
  private readonly length: Int32Array;
  private readonly model: Int32Array;
  private readonly models: string[] = [];
  private readonly modelIndex = new Map<string, number>();
  private head = 0;
  private count = 0;
  /** Where the next row's bytes go. */
  private tail = 0;

  constructor(
    readonly capacity: number,
    readonly bytes: number,
  ) {
    if (!(capacity >= 1)) throw new Error(`prediction log capacity must be at least 1 row, got ${capacity}`);
    if (!(bytes >= 1024)) throw new Error(`prediction log buffer must be at least 1024 bytes, got ${bytes}`);
    // allocUnsafeSlow: the slab's pages are only touched (and so only count as memory) as rows first reach them.
    this.slab = Buffer.allocUnsafeSlow(bytes);
    this.start = new Int32Array(capacity);
    this.length = new Int32Array(capacity);
    this.model = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Appends a row; returns how many of the oldest rows were dropped to make room, or -1 (nothing stored) when the
   * row is larger than the whole buffer. Each row is stored with a newline after it, so that consecutive rows are
   * already the data of one COPY (see take).
   */
  push(modelName: string, row: string): number {
    const n = Buffer.byteLength(row) + 1;
    if (n > this.bytes) return -1;
    let dropped = 0;
    if (this.count === this.capacity) {
      this.dropOldest();
      dropped++;
    }
    let at = this.placeFor(n);
    while (at < 0) {
      this.dropOldest();
      dropped++;
      at = this.placeFor(n);
    }
    this.slab.write(row, at, n - 1, 'utf8');
    this.slab[at + n - 1] = 0x0a; // '\n'
    const slot = (this.head + this.count) % this.capacity;
    this.start[slot] = at;
    this.length[slot] = n;
    this.model[slot] = this.indexOf(modelName);
    this.count++;
    this.tail = at + n;
    return dropped;
  }

  /**
   * Removes up to `max` of the oldest rows and returns them as one batch: their bytes copied out in one piece
   * (a memcpy, not a string per row), which are the COPY data as they are.
   */
  take(max = this.count): RowBatch {
    const n = Math.min(max, this.count);
    const lengths = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += lengths[i] = this.length[(this.head + i) % this.capacity];
    const bytes = Buffer.allocUnsafe(total);
    let at = 0;
    // Rows sit in at most two runs (the ring wraps once): copy run by run.
    for (let i = 0; i < n; ) {
      const slot = (this.head + i) % this.capacity;
      let end = this.start[slot] + this.length[slot];
      let j = i + 1;
      while (j < n && this.start[(this.head + j) % this.capacity] === end) end += this.length[(this.head + j++) % this.capacity];
      at += this.slab.copy(bytes, at, this.start[slot], end);
      i = j;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    if (this.count === 0) this.tail = 0;
    return new RowBatch(bytes, lengths);
  }

  /** The queued rows of one model, as text, oldest first (a scan: for the feedback route, not the hot path). */
  rowsOf(modelName: string): string[] {
    const m = this.modelIndex.get(modelName);
    const out: string[] = [];
    if (m === undefined) return out;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      if (this.model[slot] === m) out.push(this.slab.toString('utf8', this.start[slot], this.start[slot] + this.length[slot] - 1));
    }
    return out;
  }

  /** Drops the oldest row (the caller counts it). */
  dropOldest(): void {
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    if (this.count === 0) this.tail = 0;
  }

  /** Byte offset where n bytes fit without touching a queued row, or -1. Rows sit in one run that may wrap once. */
  private placeFor(n: number): number {
    if (this.count === 0) return 0;
    const oldest = this.start[this.head];
    if (this.tail > oldest) {
      // Not wrapped: free space after the newest row, then before the oldest.
      if (this.tail + n <= this.bytes) return this.tail;
      return n <= oldest ? 0 : -1;
    }
    // Wrapped (the newest rows start at 0): free space between the newest row and the oldest.
    return this.tail + n <= oldest ? this.tail : -1;
  }

  private indexOf(modelName: string): number {
    let i = this.modelIndex.get(modelName);
    if (i === undefined) {
      i = this.models.length;
      this.models.push(modelName);
      this.modelIndex.set(modelName, i);
    }
    return i;
  }
}

/** Rows taken from a RowRing: their UTF-8 bytes, each followed by a newline, and each one's byte length. */
export class RowBatch {
  constructor(
    /** The rows' UTF-8 bytes, each followed by a newline. */
    readonly bytes: Buffer,
    private readonly lengths: Int32Array,
  ) {}

  get length(): number {
    return this.lengths.length;
  }

  /** Each row's text (for the slow paths: a failed write, the feedback scan, tests). */
  rows(): string[] {
    const out = new Array<string>(this.lengths.length);
    let at = 0;
    for (let i = 0; i < out.length; i++) {
      out[i] = this.bytes.toString('utf8', at, at + this.lengths[i] - 1);
      at += this.lengths[i];
    }
    return out;
  }
}
