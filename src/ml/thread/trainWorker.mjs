// A GBDT helper thread (see trainThreads.ts): waits on its control word, pulls the command from its port,
// does its share (its feature group, or its chunk of a partition), and signals done. Plain JavaScript, so
// the thread starts without a TypeScript loader; its loop blocks the thread, so it reacts to nothing but
// commands; between fits it sleeps as a spare (see trainThreads.ts) until its thread ends.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { addLeafValues, binomialGradients, binRows, buildHistogram, hessiansOf, jsKernels, logisticBlock, squaredGradients } from '../tree/kernels.js';
import { wasmKernels } from '../tree/wasmKernels.js';

const { ctrl, port, slots } = workerData;
const { SEQ, DONE, STATE, RESULT, READY, FAILED } = slots;
let attached = null;
const SPIN = 20_000;

function execute(c) {
  switch (c.op) {
    case 'bin':
      binRows({ rows: c.X.length / c.cols, cols: c.cols, data: c.X }, c.rows, c.mapper, c.out, c.firstFeature, c.endFeature);
      return;
    case 'attach':
      attached = { ...c, kernels: c.memory ? wasmKernels(c.memory) : jsKernels };
      return;
    case 'hist': {
      const { arrays: a, layout, target, firstFeature, endFeature, kernels } = attached;
      buildHistogram(target, layout, a.binned, a.nRows, a.sampleIdx, c.start, c.end, a.orderedGrad, hessiansOf(c.hessians, a.orderedHess), firstFeature, endFeature, c.rowsInOrder, kernels.loops);
      return;
    }
    case 'split':
      Atomics.store(ctrl, RESULT, attached.kernels.splitChunk(attached.arrays, c.rule, c.cs, c.ce));
      return;
    case 'place':
      attached.kernels.placeChunk(attached.arrays, c.hasHess, c.cs, c.ce, c.nLeft, c.leftDest, c.rightDest);
      return;
    case 'gradients':
      if (c.kernel === 'binomial') binomialGradients(c.y, c.raw, c.g, c.h, c.cs, c.ce);
      else squaredGradients(c.y, c.raw, c.g, c.cs, c.ce);
      return;
    case 'leaves':
      addLeafValues(c.raw, c.idx, c.leafStart, c.leafEnd, c.leafValue, c.cs, c.ce);
      return;
    case 'release':
      attached = null;
      return;
    case 'logistic':
      // Blocks first, first + stride, ...: each block's partial lands in its own slot of `partials`.
      for (let k = c.first; k < c.nBlocks; k += c.stride) {
        const o = k * (c.p + 2);
        const out = c.partials.subarray(o, o + c.p + 1);
        out.fill(0);
        const end = Math.min(c.rows, (k + 1) * c.blockRows);
        c.partials[o + c.p + 1] = logisticBlock(c.X, c.p, c.y, c.w, k * c.blockRows, end, out);
      }
      return;
    default:
      throw new Error(`unknown command ${JSON.stringify(c.op)}`);
  }
}

Atomics.store(ctrl, STATE, READY);
Atomics.notify(ctrl, STATE);
let seen = 0;
for (;;) {
  // Spin briefly before sleeping: commands come in quick bursts while a tree grows, and a futex wake-up
  // costs far more than a few microseconds of polling.
  for (let spin = 0; spin < SPIN && Atomics.load(ctrl, SEQ) === seen; spin++);
  Atomics.wait(ctrl, SEQ, seen);
  const seq = Atomics.load(ctrl, SEQ);
  if (seq === seen) continue;
  const received = receiveMessageOnPort(port);
  try {
    if (!received) throw new Error('woken without a command');
    execute(received.message);
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    Atomics.store(ctrl, STATE, FAILED);
    Atomics.notify(ctrl, DONE);
    break;
  }
  seen = seq;
  Atomics.store(ctrl, DONE, seq);
  Atomics.notify(ctrl, DONE);
}
