// Types of wasmKernels.js (plain JavaScript, see its header).
import type { Kernels } from './kernels.js';

/** A shared WebAssembly.Memory (Node's types here have no WebAssembly namespace, so its shape as used). */
export interface KernelMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}

/** One shared WebAssembly memory for a fit's kernel arrays; a bump allocator, freed all at once. */
export declare class KernelArena {
  /** null when `bytes` exceeds wasm32's 4 GiB: the caller then uses the JavaScript loops. */
  static create(bytes: number): KernelArena | null;
  readonly memory: KernelMemory;
  uint8(n: number): Uint8Array;
  int32(n: number): Int32Array;
  float32(n: number): Float32Array;
  float64(n: number): Float64Array;
}

/** buildHistogram's loops, splitChunk and placeChunk in WebAssembly over `memory`; every array given them must be a view into it. */
export declare function wasmKernels(memory: KernelMemory): Kernels;
