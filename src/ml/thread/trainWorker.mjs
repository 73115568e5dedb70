// A GBDT helper thread (see trainThreads.ts): waits on its control word, pulls the command from its port,
// does its share (its feature group, or the units of a tree's command it claims), and signals done. Plain
// JavaScript, so the thread starts without a TypeScript loader; its loop blocks the thread, so it reacts to
// nothing but commands; between fits it sleeps as a spare (see trainThreads.ts) until its thread ends.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { binRows, buildHistogram, hessiansOf, jsKernels, logisticBlocks, rowKernels, sampleThresholds, squaredGradients } from '../tree/kernels.js';
import { wasmKernels } from '../tree/wasmKernels.js';
import { rowUnit, runUnits } from './workUnits.js';

const { ctrl, port, slots } = workerData;
const { SEQ, DONE, STATE, READY, FAILED } = slots;
let attached = null;
const SPIN = 20_000;

// The units of a tree's command this thread claims (workUnits.js); none are left when it comes late.
const share = (c, unit) => runUnits(attached.words, c.epoch, c.units, unit);
const shareRows = (c, start, end, rows) => share(c, rowUnit(start, end, c.units, rows));

function execute(c) {
  switch (c.op) {
    case 'thresholds':
      sampleThresholds(c.X, c.cols, c.sample, c.maxBins, c.firstFeature, c.endFeature, c.out, c.counts);
      return;
    case 'bin':
      binRows({ rows: c.X.length / c.cols, cols: c.cols, data: c.X }, c.rows, c.mapper, c.out, c.firstFeature, c.endFeature);
      return;
    case 'attach':
      attached = { ...c, kernels: c.memory ? wasmKernels(c.memory) : jsKernels };
      return;
    case 'hist': {
      const { arrays: a, layout, target, featureUnits: fu, kernels } = attached;
      const h = hessiansOf(c.hessians, a.orderedHess);
      share(c, (u) => buildHistogram(target, layout, a.binned, a.nRows, a.sampleIdx, c.start, c.end, a.orderedGrad, h, fu[2 * u], fu[2 * u + 1], c.rowsInOrder, kernels.loops));
      return;
    }
    case 'split': {
      const { arrays, kernels, results } = attached;
      shareRows(c, c.start, c.end, (u, from, to) => (results[u] = kernels.splitChunk(arrays, c.rule, from, to)));
      return;
    }
    case 'place': {
      const { arrays, kernels, results } = attached;
      shareRows(c, c.start, c.end, (u, from, to) => kernels.placeChunk(arrays, c.hasHess, from, to, results[u], c.leftDest[u], c.rightDest[u]));
      return;
    }
    case 'gradients':
      if (c.kernel === 'binomial') shareRows(c, 0, c.y.length, (_u, from, to) => rowKernels(attached.kernels, c.y).binomialGradients(c.y, c.raw, c.g, c.h, from, to));
      else shareRows(c, 0, c.y.length, (_u, from, to) => squaredGradients(c.y, c.raw, c.g, from, to));
      return;
    case 'leaves':
      shareRows(c, 0, c.idx.length, (_u, from, to) => attached.kernels.addLeafValues(c.raw, c.idx, c.leafStart, c.leafEnd, c.leafValue, from, to));
      return;
    case 'release':
      attached = null;
      return;
    case 'logistic':
      // The units this thread claims (no fit is attached: the claim words come with the command).
      runUnits(c.words, c.epoch, c.units, rowUnit(0, c.nBlocks, c.units, (_u, from, to) => logisticBlocks(c.X, c.p, c.y, c.w, c.rows, c.blockRows, c.partials, from, to)));
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
  if (Atomics.load(ctrl, SEQ) === seen) continue;
  // One message per command, in order: the caller does not wait for a tree's commands to be taken here
  // (see share), so several may be queued when this thread comes late.
  const seq = seen + 1;
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
