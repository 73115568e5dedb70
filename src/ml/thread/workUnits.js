// Work units that any thread may take (see TrainThreads.share in trainThreads.ts): a command is cut into
// units fixed by the command alone, and each thread claims the next unclaimed one until none is left. A
// thread that is late (descheduled on a busy machine, or still sleeping) then costs nothing: the others
// do its share instead of waiting for it. Plain JavaScript, as the helper threads load it without a
// TypeScript loader. Types: workUnits.d.ts.
//
// The words (an Int32Array over shared memory): CLAIM = (epoch << UNIT_BITS) | next unclaimed unit, so a
// thread still holding an earlier command's message cannot claim a unit of the current one; FINISHED =
// units done of the current command.
const CLAIM = 0;
const FINISHED = 1;
const UNIT_BITS = 8;
const MAX_UNITS = 1 << UNIT_BITS;
const EPOCH_MASK = (1 << (31 - UNIT_BITS)) - 1;

/** Opens command `epoch` with `units` units (the caller first makes sure no unit of the last one is in progress). */
function openUnits(words, epoch) {
  Atomics.store(words, FINISHED, 0);
  Atomics.store(words, CLAIM, (epoch & EPOCH_MASK) << UNIT_BITS);
}

/** The next unit of command `epoch` for this thread, or -1 when none is left (or the command is over). */
function claimUnit(words, epoch, units) {
  const tag = (epoch & EPOCH_MASK) << UNIT_BITS;
  for (;;) {
    const w = Atomics.load(words, CLAIM);
    const next = w & (MAX_UNITS - 1);
    if ((w & ~(MAX_UNITS - 1)) !== tag || next >= units) return -1;
    if (Atomics.compareExchange(words, CLAIM, w, w + 1) === w) return next;
  }
}

/** Records a unit as done; the thread that finishes the last one wakes a waiting caller. */
function finishUnit(words, units) {
  if (Atomics.add(words, FINISHED, 1) + 1 === units) Atomics.notify(words, FINISHED);
}

/** Start of unit k when rows (or positions) start..end are cut into `units` equal units. */
function unitStart(start, end, units, k) {
  return start + Math.round((k * (end - start)) / units);
}

/** Claims units of command `epoch` until none is left, running `unit(u)` on each and counting it finished. */
function runUnits(words, epoch, units, unit) {
  for (let u = claimUnit(words, epoch, units); u >= 0; u = claimUnit(words, epoch, units)) {
    unit(u);
    finishUnit(words, units);
  }
}

/** A unit's work over rows start..end cut into `units` equal ranges: `rows(u, from, to)` for unit u. */
function rowUnit(start, end, units, rows) {
  return (u) => rows(u, unitStart(start, end, units, u), unitStart(start, end, units, u + 1));
}

export { CLAIM, FINISHED, MAX_UNITS, claimUnit, finishUnit, openUnits, rowUnit, runUnits, unitStart };
