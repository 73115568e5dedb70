// Types of build-kernels-wasm.mjs (a plain Node script, see its header).
/** The WebAssembly text of the GBDT kernels. */
export declare function kernelsWat(): string;
/** The assembled module (needs the wabt dev dependency). */
export declare function kernelsWasm(): Promise<Buffer>;
/** Where the committed module lives: src/ml/tree/kernels.wasm. */
export declare const WASM_PATH: string;
