// Types of workUnits.js (plain JavaScript, see its header).

/** Slots of the words array: the claim word and the count of finished units. */
export declare const CLAIM: number;
export declare const FINISHED: number;
/** Most units one command can have. */
export declare const MAX_UNITS: number;
/** Opens command `epoch` for claiming (no unit of the previous command may still be in progress). */
export declare function openUnits(words: Int32Array, epoch: number): void;
/** The next unit of command `epoch` of `units` for this thread, or -1 when none is left. */
export declare function claimUnit(words: Int32Array, epoch: number, units: number): number;
/** Records a unit as done (wakes a caller waiting on FINISHED when it was the last). */
export declare function finishUnit(words: Int32Array, units: number): void;
/** Start of unit k when start..end is cut into `units` equal units (unitStart(.., units) is end). */
export declare function unitStart(start: number, end: number, units: number, k: number): number;
/** Claims units of command `epoch` until none is left, running `unit(u)` on each and counting it finished. */
export declare function runUnits(words: Int32Array, epoch: number, units: number, unit: (u: number) => void): void;
/** A unit's work over rows start..end cut into `units` equal ranges: `rows(u, from, to)` for unit u. */
export declare function rowUnit(start: number, end: number, units: number, rows: (u: number, from: number, to: number) => void): (u: number) => void;
