/**
 * Helper threads for GBDT training: binning and histogram building split by feature across threads that
 * share the data through SharedArrayBuffer typed arrays; partitions and per-row steps split by rows. The
 * caller's thread takes part and blocks (Atomics.wait) until the work is done, so fitGbdt stays synchronous.
 *
 * Deterministic by construction: a feature's bins and histogram sums are computed by exactly one thread,
 * adding rows in the same order as a single thread would, so any thread count gives bit-identical trees.
 *
 * Protocol per helper: a MessageChannel carries the command (the caller posts, the helper pulls it with
 * receiveMessageOnPort while blocked), and an Int32Array over a SharedArrayBuffer carries the wake-ups:
 * ctrl[SEQ] is the command counter, ctrl[DONE] the last command finished, ctrl[STATE] ready / failed.
 * A tree's commands are cut into work units that whichever thread is free claims (see share), so the
 * caller never waits for a helper that has not started on one.
 */
import os from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { featureGroups, featureUnits, histogramLength, type HistogramLayout } from '../tree/histogram';
import type { HistogramBuilder } from '../tree/grower';
import { rowKernels, sampleThresholds, squaredGradients, type HessianKind, type Kernels, type PartitionArrays, type SplitRule } from '../tree/kernels.js';
import type { BinMapper as Mapper } from '../tree/binning';
import type { KernelArena, KernelMemory } from '../tree/wasmKernels.js';
import { FINISHED, MAX_UNITS, openUnits, rowUnit, runUnits, unitStart } from './workUnits.js';

/** Plain JavaScript: a helper starts without the TypeScript loader (~9 MB of RSS instead of ~45 MB). */
const HELPER = new URL('./trainWorker.mjs', import.meta.url);

/** A command cut into work units (workUnits.js): its epoch for claiming, and how many units. */
export interface Units {
  epoch: number;
  units: number;
}

/**
 * What a helper is asked to do (trainWorker.mjs): 'thresholds' and 'bin' work on the helper's own feature
 * group; the tree's commands and 'logistic' on the units it claims (row units of start..end, feature units
 * for 'hist', units of consecutive blocks for 'logistic').
 */
export type HelperCommand =
  | { op: 'thresholds'; X: Float64Array; cols: number; sample: Int32Array; maxBins: number; out: Float64Array; counts: Int32Array; firstFeature: number; endFeature: number }
  | { op: 'bin'; X: Float64Array; cols: number; rows: Int32Array | null; mapper: Mapper; out: Uint8Array; firstFeature: number; endFeature: number }
  /**
   * memory: the fit's kernel arena (the arrays are views into it), so the helper runs the WebAssembly loops.
   * words: the claim words (workUnits.js); results: each partition unit's left count; featureUnits: see histogram.ts.
   */
  | {
      op: 'attach';
      arrays: PartitionArrays;
      layout: HistogramLayout;
      target: Float64Array;
      featureUnits: Int32Array;
      words: Int32Array;
      results: Int32Array;
      memory: KernelMemory | null;
    }
  | ({ op: 'hist'; start: number; end: number; hessians: HessianKind; rowsInOrder: boolean } & Units)
  | ({ op: 'split'; rule: SplitRule; start: number; end: number } & Units)
  /** leftDest[u], rightDest[u]: where unit u's lefts and rights go (its left count is results[u]). */
  | ({ op: 'place'; hasHess: boolean; start: number; end: number; leftDest: Int32Array; rightDest: Int32Array } & Units)
  | ({ op: 'gradients'; kernel: 'binomial' | 'squared'; y: Float64Array | Uint8Array; raw: Float64Array; g: Float32Array; h: Float32Array | null } & Units)
  | ({ op: 'leaves'; raw: Float64Array; idx: Int32Array; leafStart: Int32Array; leafEnd: Int32Array; leafValue: Float64Array } & Units)
  /** The fit is over: drop the attached arrays, so a helper kept for the next fit holds no memory. */
  | { op: 'release' }
  | LogisticCommand;

/** Logistic-regression blocks in work units of consecutive blocks, claimed with `words` (see logisticObjective). */
export interface LogisticCommand extends Units {
  op: 'logistic';
  words: Int32Array;
  X: Float64Array;
  y: Float64Array;
  w: Float64Array;
  p: number;
  rows: number;
  blockRows: number;
  nBlocks: number;
  /** nBlocks × (p + 2): block k's gradient at k * (p + 2), its loss sum at k * (p + 2) + p + 1. */
  partials: Float64Array;
}

export const SEQ = 0;
export const DONE = 1;
export const STATE = 2;
export const READY = 1;
export const FAILED = 2;

/** Polls of a control word before sleeping on it (~20-50 µs). */
const SPIN = 20_000;
/** How long to wait for a helper thread to load Bosun's modules before training without it. */
const START_TIMEOUT_MS = 60_000;
/**
 * Rows per work unit of a partition or a per-row step, at least: enough that claiming one (an atomic
 * compare-and-swap) is noise, and a node of this many rows is cut into one unit per thread at least.
 */
const UNIT_ROWS = 8192;
/** Below this many (rows × features) a helper's start-up (~0.3 s) costs more than it saves. */
const MIN_CELLS_FOR_THREADS = 2_000_000;

/**
 * Threads for one fit: `requested` (the fit option) wins, then BOSUN_TRAIN_THREADS, then the machine's
 * available parallelism — the latter only for data big enough to repay starting a thread.
 */
export function trainThreads(requested: number | undefined, rows: number, features: number): number {
  const env = process.env.BOSUN_TRAIN_THREADS;
  let n: number;
  if (requested !== undefined) n = requested;
  else if (env !== undefined && env !== '') {
    n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`BOSUN_TRAIN_THREADS must be a whole number >= 1, got "${env}"; unset it to use every core`);
    }
  } else n = rows * features >= MIN_CELLS_FOR_THREADS ? os.availableParallelism() : 1;
  return Math.max(1, Math.min(Math.floor(n), features));
}

interface Helper {
  worker: Worker;
  port: MessagePort;
  ctrl: Int32Array;
  seq: number;
}

/**
 * Helpers of ended fits, kept for the next fit on this thread: a helper's start-up (~30-80 ms, more on a
 * busy machine) would otherwise be paid by every fit, and for logistic regression it is on the critical
 * path. An idle helper sleeps in Atomics.wait (no CPU), is unref'd and holds no data (see 'release'), so it
 * costs its isolate's few MB until this thread ends.
 */
const spare: Helper[] = [];
/** At most this many spare helpers: what a fit on every core needs. */
const MAX_SPARE = Math.max(1, os.availableParallelism() - 1);

function startHelper(): Helper {
  const ctrl = new Int32Array(new SharedArrayBuffer(12));
  const { port1, port2 } = new MessageChannel();
  const slots = { SEQ, DONE, STATE, READY, FAILED };
  // The helper allocates next to nothing itself: a minimal young generation keeps its isolate small.
  const worker = new Worker(HELPER, { workerData: { ctrl, port: port2, slots }, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: 1 } });
  // A helper must never keep the process alive, nor take it down: failures surface through ctrl.
  worker.unref();
  worker.on('error', () => Atomics.store(ctrl, STATE, FAILED));
  worker.on('exit', () => {
    Atomics.store(ctrl, STATE, FAILED);
    const i = spare.findIndex((h) => h.worker === worker);
    if (i >= 0) spare.splice(i, 1);
  });
  return { worker, port: port1, ctrl, seq: 0 };
}

export class TrainThreads implements HistogramBuilder {
  /** The histogram `fill` writes (shared: each thread fills its features' slots). */
  target: Float64Array = new Float64Array(0);
  private bounds: Int32Array;
  private fillOwn: ((start: number, end: number, hessians: HessianKind, rowsInOrder: boolean, firstFeature: number, endFeature: number) => void) | null = null;
  private arrays: PartitionArrays | null = null;
  private kernels: Kernels | null = null;
  private featureUnits: Int32Array = new Int32Array(0);
  /** The claim words of share (workUnits.js) and the partition units' left counts, seen by every helper. */
  private readonly words = new Int32Array(new SharedArrayBuffer(8));
  private readonly results = new Int32Array(new SharedArrayBuffer(MAX_UNITS * 4));
  private epoch = 0;

  private constructor(
    private readonly helpers: Helper[],
    readonly nFeatures: number,
  ) {
    this.bounds = featureGroups(nFeatures, helpers.length + 1);
  }

  /**
   * Starts spare helpers up to what a fit on `threads` threads takes, and waits until they are up: a thread
   * kept warm for fitting (prewarmFitThread) does it at start, so its first fit starts no helper either.
   */
  static prewarm(threads: number): void {
    const started: Helper[] = [];
    while (spare.length + started.length < Math.min(threads - 1, MAX_SPARE)) started.push(startHelper());
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (const h of started) {
      while (Atomics.load(h.ctrl, STATE) === 0 && Date.now() < deadline) Atomics.wait(h.ctrl, STATE, 0, 100);
      if (Atomics.load(h.ctrl, STATE) === READY) spare.push(h);
      else end(h);
    }
  }

  /** Takes threads - 1 helpers, spare ones first; new ones load in the background (`ready` waits for them). */
  static start(threads: number, nFeatures: number): TrainThreads {
    const helpers: Helper[] = [];
    for (let k = 1; k < threads; k++) {
      let h = spare.pop();
      while (h && Atomics.load(h.ctrl, STATE) === FAILED) h = spare.pop();
      helpers.push(h ?? startHelper());
    }
    return new TrainThreads(helpers, nFeatures);
  }

  get threads(): number {
    return this.helpers.length + 1;
  }

  /** Waits until every helper is up; on a helper that fails to start, continues with fewer threads. */
  ready(): void {
    const alive: Helper[] = [];
    for (const h of this.helpers) {
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (Atomics.load(h.ctrl, STATE) === 0 && Date.now() < deadline) Atomics.wait(h.ctrl, STATE, 0, 100);
      if (Atomics.load(h.ctrl, STATE) === READY) alive.push(h);
      else end(h);
    }
    if (alive.length !== this.helpers.length) {
      this.helpers.splice(0, this.helpers.length, ...alive);
      this.bounds = featureGroups(this.nFeatures, alive.length + 1);
    }
  }

  /** Bin thresholds fitted on the rows `sample` of X (shared), into `out` and `counts` (shared), each thread its own features. */
  sampleThresholds(X: Float64Array, cols: number, sample: Int32Array, maxBins: number, out: Float64Array, counts: Int32Array): void {
    this.run(
      (k) => ({ op: 'thresholds', X, cols, sample, maxBins, out, counts, firstFeature: this.bounds[k], endFeature: this.bounds[k + 1] }),
      () => sampleThresholds(X, cols, sample, maxBins, this.bounds[0], this.bounds[1], out, counts),
    );
  }

  /** Bins rows of X (shared) into `out` (shared), each thread its own features. */
  binRows(
    X: Float64Array,
    cols: number,
    rows: Int32Array | null,
    mapper: Mapper,
    out: Uint8Array,
    own: (firstFeature: number, endFeature: number) => void,
  ): void {
    this.run((k) => ({ op: 'bin', X, cols, rows, mapper, out, firstFeature: this.bounds[k], endFeature: this.bounds[k + 1] }), () =>
      own(this.bounds[0], this.bounds[1]),
    );
  }

  /** Hands the grower's shared arrays to the helpers; `fill` then builds histograms from them. */
  attach(
    /** The grower's arrays, the arena they live in (if any) and the caller's kernels over it, for its own share. */
    arrays: PartitionArrays & { readonly arena: KernelArena | null; readonly kernels: Kernels },
    layout: HistogramLayout,
    own: (hist: Float64Array, start: number, end: number, hessians: HessianKind, rowsInOrder: boolean, firstFeature: number, endFeature: number) => void,
  ): void {
    this.featureUnits = featureUnits(layout, MAX_UNITS);
    const { arena } = arrays;
    this.target = arena ? arena.float64(histogramLength(layout)) : new Float64Array(new SharedArrayBuffer(histogramLength(layout) * 8));
    const memory = arena ? arena.memory : null;
    const target = this.target;
    const { binned, nRows, sampleIdx, orderedGrad, orderedHess, scratchIdx, scratchGrad, scratchHess } = arrays;
    this.arrays = { binned, nRows, sampleIdx, orderedGrad, orderedHess, scratchIdx, scratchGrad, scratchHess };
    const { words, results } = this;
    const units = this.featureUnits;
    this.run(() => ({ op: 'attach', arrays: this.arrays!, layout, target, featureUnits: units, words, results, memory }), () => {});
    this.kernels = arrays.kernels;
    this.fillOwn = (start, end, hessians, rowsInOrder, firstFeature, endFeature) => own(target, start, end, hessians, rowsInOrder, firstFeature, endFeature);
  }

  fill(start: number, end: number, hessians: HessianKind, rowsInOrder: boolean): void {
    const fu = this.featureUnits;
    this.share(
      fu.length / 2,
      (u) => ({ op: 'hist', start, end, hessians, rowsInOrder, ...u }),
      (u) => this.fillOwn!(start, end, hessians, rowsInOrder, fu[2 * u], fu[2 * u + 1]),
    );
  }

  partition(start: number, end: number, rule: SplitRule): number {
    const a = this.arrays!;
    const nLeft = this.results;
    const units = this.rowUnits(end - start);
    this.shareRows(
      units,
      start,
      end,
      (u) => ({ op: 'split', rule, start, end, ...u }),
      (u, from, to) => (nLeft[u] = this.kernels!.splitChunk(a, rule, from, to)),
    );
    let totalLeft = 0;
    for (let u = 0; u < units; u++) totalLeft += nLeft[u];
    // Unit u's lefts follow the lefts of units before it, its rights the rights before it: stable overall.
    const leftDest = new Int32Array(units);
    const rightDest = new Int32Array(units);
    let l = start;
    let r = start + totalLeft;
    for (let u = 0; u < units; u++) {
      leftDest[u] = l;
      rightDest[u] = r;
      l += nLeft[u];
      r += unitStart(start, end, units, u + 1) - unitStart(start, end, units, u) - nLeft[u];
    }
    this.shareRows(
      units,
      start,
      end,
      (u) => ({ op: 'place', hasHess: rule.hasHess, start, end, leftDest, rightDest, ...u }),
      (u, from, to) => this.kernels!.placeChunk(a, rule.hasHess, from, to, nLeft[u], leftDest[u], rightDest[u]),
    );
    return totalLeft;
  }

  /**
   * Gradients (and hessians) of rows 0..n, in row units across the threads (arrays in shared memory; with
   * the WebAssembly kernels, binomial's in the arena and the labels as bytes). `meanwhile` runs here
   * before this thread takes any unit (work that only reads raw, such as the loss, while helpers start).
   */
  gradients(kernel: 'binomial' | 'squared', y: Float64Array | Uint8Array, raw: Float64Array, g: Float32Array, h: Float32Array | null, meanwhile?: () => void): void {
    const n = y.length;
    this.shareRows(
      this.rowUnits(n),
      0,
      n,
      (u) => ({ op: 'gradients', kernel, y, raw, g, h, ...u }),
      (_u, from, to) => (kernel === 'binomial' ? rowKernels(this.kernels!, y).binomialGradients(y, raw, g, h, from, to) : squaredGradients(y as Float64Array, raw, g, from, to)),
      meanwhile,
    );
  }

  /** One tree's leaf values added to the training predictions, in units of positions across the threads (with the WebAssembly kernels, every array in the arena). */
  addLeafValues(raw: Float64Array, idx: Int32Array, leafStart: Int32Array, leafEnd: Int32Array, leafValue: Float64Array): void {
    const n = idx.length;
    this.shareRows(
      this.rowUnits(n),
      0,
      n,
      (u) => ({ op: 'leaves', raw, idx, leafStart, leafEnd, leafValue, ...u }),
      (_u, from, to) => this.kernels!.addLeafValues(raw, idx, leafStart, leafEnd, leafValue, from, to),
    );
  }

  /** Units of a row-wise command over n rows: about UNIT_ROWS each, but one per thread at least. */
  private rowUnits(n: number): number {
    return Math.min(MAX_UNITS, Math.max(this.threads, Math.ceil(n / UNIT_ROWS)));
  }

  /**
   * Runs a logistic-regression objective's blocks across the threads in work units of consecutive blocks that
   * whichever thread is free claims (`blocks(from, to)` for those claimed here): a helper still compiling the
   * loop, or descheduled, is not waited for. Every block's partial has its own slot, so the sums do not
   * depend on who ran it.
   */
  logistic(command: Omit<LogisticCommand, 'op' | 'words' | keyof Units>, blocks: (from: number, to: number) => void): void {
    const units = Math.min(MAX_UNITS, command.nBlocks);
    this.shareRows(units, 0, command.nBlocks, (u) => ({ op: 'logistic', ...command, words: this.words, ...u }), (_u, from, to) => blocks(from, to));
  }

  /** The fit is over: healthy helpers drop its arrays and wait as spares for the next fit; others end. */
  close(): void {
    for (const h of this.helpers) {
      // Not waited for: the helper does it before any later command (commands run in order).
      if (Atomics.load(h.ctrl, STATE) === READY && spare.length < MAX_SPARE) {
        post(h, { op: 'release' });
        spare.push(h);
      } else {
        end(h);
      }
    }
    this.helpers.length = 0;
  }

  /** Ends the helpers (after a failure: a helper that may be mid-command is never reused). */
  private terminate(): void {
    for (const h of this.helpers) end(h);
    this.helpers.length = 0;
  }

  /** Posts each helper its command, does the caller's share, then waits for every helper. */
  private run(command: (helperGroup: number) => HelperCommand, own: () => void): void {
    this.helpers.forEach((h, i) => post(h, command(i + 1)));
    own();
    for (const h of this.helpers) {
      // A helper usually finishes within microseconds of the caller: poll a little before sleeping.
      for (let spin = 0; spin < SPIN && Atomics.load(h.ctrl, DONE) !== h.seq; spin++);
      for (;;) {
        const done = Atomics.load(h.ctrl, DONE);
        if (done === h.seq) break;
        this.checkHelpers();
        Atomics.wait(h.ctrl, DONE, done, 1000);
      }
    }
  }

  /**
   * Runs a command's `units` units on whichever thread claims each first (workUnits.js): posts it to the
   * helpers, takes units here until none is left, then waits only for the units a helper is still on. A
   * helper that is slow to wake (its core busy with another process) is not waited for: it finds nothing
   * left to claim. Which thread runs a unit never changes its result, so the trees stay the same.
   */
  private share(units: number, command: (u: Units) => HelperCommand, unit: (u: number) => void, meanwhile?: () => void): void {
    const { words } = this;
    const epoch = ++this.epoch;
    openUnits(words, epoch);
    for (const h of this.helpers) post(h, command({ epoch, units }));
    meanwhile?.();
    runUnits(words, epoch, units, unit);
    for (let spin = 0; spin < SPIN && Atomics.load(words, FINISHED) !== units; spin++);
    for (;;) {
      const done = Atomics.load(words, FINISHED);
      if (done === units) return;
      this.checkHelpers();
      Atomics.wait(words, FINISHED, done, 1000);
    }
  }

  /** share over rows start..end cut into `units` equal ranges: `rows(u, from, to)` for the units claimed here. */
  private shareRows(
    units: number,
    start: number,
    end: number,
    command: (u: Units) => HelperCommand,
    rows: (u: number, from: number, to: number) => void,
    meanwhile?: () => void,
  ): void {
    this.share(units, command, rowUnit(start, end, units, rows), meanwhile);
  }

  /** Throws (ending every helper) when one has failed: its work will never be done. */
  private checkHelpers(): void {
    for (const h of this.helpers) {
      if (Atomics.load(h.ctrl, STATE) !== FAILED) continue;
      const reply = receiveMessageOnPort(h.port)?.message as { error?: string } | undefined;
      this.terminate();
      throw new Error(`a GBDT training thread failed: ${reply?.error ?? 'it exited unexpectedly'}; set BOSUN_TRAIN_THREADS=1 to train on one thread`);
    }
  }
}

/** Hands a helper its next command: the message, then the wake-up (a helper handles them in order). */
function post(h: Helper, command: HelperCommand): void {
  h.port.postMessage(command);
  h.seq++;
  Atomics.store(h.ctrl, SEQ, h.seq);
  Atomics.notify(h.ctrl, SEQ);
}

function end(h: Helper): void {
  h.port.close();
  void h.worker.terminate();
}
