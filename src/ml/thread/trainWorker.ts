/**
 * A GBDT helper thread (see trainThreads.ts): waits on its control word, pulls the command from its port,
 * does its feature group's share, and signals done. Its loop blocks the thread, so it reacts to nothing
 * but commands; the caller terminates it when the fit ends.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { matrix } from '../matrix';
import { binRows, type BinMapper } from '../tree/binning';
import { buildHistogram, type HistogramLayout } from '../tree/histogram';
import { DONE, FAILED, READY, SEQ, STATE } from './trainThreads';

export type HelperCommand =
  | { op: 'bin'; X: Float64Array; cols: number; rows: Int32Array; mapper: BinMapper; out: Uint8Array; firstFeature: number; endFeature: number }
  | {
      op: 'attach';
      binned: Uint8Array;
      nRows: number;
      sampleIdx: Int32Array;
      orderedGrad: Float64Array;
      orderedHess: Float64Array;
      layout: HistogramLayout;
      target: Float64Array;
      firstFeature: number;
      endFeature: number;
    }
  | { op: 'hist'; start: number; end: number; hasHess: boolean };

const ctrl = workerData.ctrl as Int32Array;
const port = workerData.port as MessagePort;
let attached: Extract<HelperCommand, { op: 'attach' }> | null = null;

function execute(c: HelperCommand): void {
  switch (c.op) {
    case 'bin':
      binRows(matrix(c.X.length / c.cols, c.cols, c.X), c.rows, c.mapper, c.out, c.firstFeature, c.endFeature);
      return;
    case 'attach':
      attached = c;
      return;
    case 'hist': {
      const a = attached!;
      buildHistogram(a.target, a.layout, a.binned, a.nRows, a.sampleIdx, c.start, c.end, a.orderedGrad, c.hasHess ? a.orderedHess : null, a.firstFeature, a.endFeature);
      return;
    }
  }
}

Atomics.store(ctrl, STATE, READY);
Atomics.notify(ctrl, STATE);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, SEQ, seen);
  const seq = Atomics.load(ctrl, SEQ);
  if (seq === seen) continue;
  const received = receiveMessageOnPort(port);
  try {
    if (!received) throw new Error('woken without a command');
    execute(received.message as HelperCommand);
  } catch (err) {
    port.postMessage({ error: (err as Error).message });
    Atomics.store(ctrl, STATE, FAILED);
    Atomics.notify(ctrl, DONE);
    break;
  }
  seen = seq;
  Atomics.store(ctrl, DONE, seq);
  Atomics.notify(ctrl, DONE);
}
