// Generates src/ml/tree/kernels.wasm, the WebAssembly (SIMD) versions of GBDT's hottest loops: histogram
// building and the partition of a node's rows (splitChunk and placeChunk). The loops are unrolled over features, so they are written
// by this generator rather than by hand; each mirrors a loop of kernels.js operation for operation (the
// same additions in the same order), so the two give bit-identical histograms and partitions.
//
//     node scripts/build-kernels-wasm.mjs          writes src/ml/tree/kernels.wasm
//     node scripts/build-kernels-wasm.mjs --wat    prints the WebAssembly text instead
//
// The .wasm is committed, so neither installing nor running Bosun needs this script or wabt (a dev
// dependency); test/unit/ml/wasmKernels.test.ts fails if the committed file differs from what this writes.
//
// Memory: one shared memory imported as env.mem (see src/ml/tree/wasmKernels.js). Every pointer argument
// is a byte address in it. Histogram entries are (gradient f64, hessian f64, count f64), 24 bytes, so one
// f64x2 addition updates a bin's gradient and hessian sums together.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const range = (n) => Array.from({ length: n }, (_, k) => k);

/** Address of element $i of a 4-byte array at $p. */
const at4 = (p) => `(i32.add (local.get $${p}) (i32.shl (local.get $i) (i32.const 2)))`;

/**
 * The pair (g[i], h[i]) as f64x2. hessians 'constant': (g[i], 0), so the hessian sums stay 0; 'derived': h
 * from g as kernels.js's derivedHessians does it, |g|(1 - |g|) rounded to float32.
 */
function loadPair(hessians) {
  const g = `(f64.promote_f32 (f32.load ${at4('g')}))`;
  if (hessians === 'derived') {
    return `(local.set $gi ${g})
      (local.set $a (f64.abs (local.get $gi)))
      (local.set $v (f64x2.replace_lane 1 (f64x2.splat (local.get $gi))
        (f64.promote_f32 (f32.demote_f64 (f64.mul (local.get $a) (f64.sub (f64.const 1) (local.get $a)))))))`;
  }
  const h = hessians === 'array' ? `(f64.promote_f32 (f32.load ${at4('h')}))` : '(f64.const 0)';
  return `(local.set $v (f64x2.replace_lane 1 (f64x2.splat ${g}) ${h}))`;
}

const SUFFIX = { array: '', constant: 'Constant', derived: 'Derived' };

/** This row's index: sampleIdx[i], or i itself at the root (rows in order). */
function loadRow(root) {
  return root ? '(local.set $s (local.get $i))' : `(local.set $s (i32.load ${at4('idx')}))`;
}

const featureParams = (K) => range(K).map((k) => `(param $c${k} i32) (param $o${k} i32)`).join(' ');
const rowParams = '(param $idx i32) (param $start i32) (param $end i32) (param $g i32) (param $h i32)';

/**
 * accumulate{K}{Root}{Constant} of kernels.js: K general features per pass over the rows. Feature k's bins
 * start at $ck, its histogram at $ok; each row adds (g, h) and 1 to the entry of its bin.
 */
function accumulate(K, root, hessians) {
  const name = `accumulate${K}${root ? 'Root' : ''}${SUFFIX[hessians]}`;
  const perFeature = range(K).map(
    (k) => `
      (local.set $b (i32.add (local.get $o${k}) (i32.mul (i32.load8_u (i32.add (local.get $c${k}) (local.get $s))) (i32.const 24))))
      (v128.store (local.get $b) (f64x2.add (v128.load (local.get $b)) (local.get $v)))
      (f64.store offset=16 (local.get $b) (f64.add (f64.load offset=16 (local.get $b)) (f64.const 1)))`,
  );
  return `
  (func (export "${name}") ${featureParams(K)} ${rowParams}
    (local $i i32) (local $s i32) (local $b i32) (local $v v128) (local $a f64) (local $gi f64)
    (local.set $i (local.get $start))
    (if (i32.ge_u (local.get $i) (local.get $end)) (then (return)))
    (loop $rows
      ${loadRow(root)}
      ${loadPair(hessians)}${perFeature.join('')}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $end)))))`;
}

/**
 * twoBin4{Root}{Constant} of kernels.js: four two-bin features per pass. Bin 1's sums stay in registers
 * (b * (g, h) is (g, h) or 0: the exact row-order sum); bin 0 is the pass's total minus bin 1.
 */
function twoBin4(root, hessians) {
  const name = `twoBin4${root ? 'Root' : ''}${SUFFIX[hessians]}`;
  const perFeature = range(4).map(
    (k) => `
      (local.set $b (i32.load8_u (i32.add (local.get $c${k}) (local.get $s))))
      (local.set $a${k} (f64x2.add (local.get $a${k}) (f64x2.mul (local.get $v) (f64x2.splat (f64.convert_i32_u (local.get $b))))))
      (local.set $n${k} (i32.add (local.get $n${k}) (local.get $b)))`,
  );
  const store = range(4).map(
    (k) => `
    (v128.store (local.get $o${k}) (f64x2.sub (local.get $total) (local.get $a${k})))
    (f64.store offset=16 (local.get $o${k}) (f64.convert_i32_u (i32.sub (local.get $n) (local.get $n${k}))))
    (v128.store offset=24 (local.get $o${k}) (local.get $a${k}))
    (f64.store offset=40 (local.get $o${k}) (f64.convert_i32_u (local.get $n${k})))`,
  );
  return `
  (func (export "${name}") ${featureParams(4)} ${rowParams}
    (local $i i32) (local $s i32) (local $b i32) (local $n i32) (local $v v128) (local $total v128) (local $a f64) (local $gi f64)
    ${range(4).map((k) => `(local $a${k} v128) (local $n${k} i32)`).join(' ')}
    (local.set $n (i32.sub (local.get $end) (local.get $start)))
    (local.set $i (local.get $start))
    (if (i32.lt_u (local.get $i) (local.get $end)) (then
      (loop $rows
        ${loadRow(root)}
        ${loadPair(hessians)}
        (local.set $total (f64x2.add (local.get $total) (local.get $v)))${perFeature.join('')}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $i) (local.get $end))))))${store.join('')})`;
}

/**
 * splitChunk of kernels.js, branch-free: rows of [cs, ce) going left are written to scratch from cs up,
 * those going right from ce - 1 down; returns how many went left. Gradients are copied as their bits.
 */
function splitChunk(hess) {
  const name = `splitChunk${hess ? '' : 'Constant'}`;
  const copy = (from, to) => `(i32.store (i32.add (local.get $${to}) (local.get $o4)) (i32.load ${at4(from)}))`;
  return `
  (func (export "${name}") (param $col i32) (param $bin i32) (param $missingBin i32) (param $missingLeft i32)
        (param $idx i32) (param $g i32) (param $h i32) (param $sIdx i32) (param $sG i32) (param $sH i32)
        (param $cs i32) (param $ce i32) (result i32)
    (local $i i32) (local $s i32) (local $b i32) (local $left i32) (local $l i32) (local $r i32) (local $o4 i32)
    (local.set $l (local.get $cs))
    (local.set $r (i32.sub (local.get $ce) (i32.const 1)))
    (local.set $i (local.get $cs))
    (if (i32.lt_u (local.get $i) (local.get $ce)) (then
      (loop $rows
        (local.set $s (i32.load ${at4('idx')}))
        (local.set $b (i32.load8_u (i32.add (local.get $col) (local.get $s))))
        (local.set $left (select (local.get $missingLeft) (i32.le_u (local.get $b) (local.get $bin))
          (i32.eq (local.get $b) (local.get $missingBin))))
        (local.set $o4 (i32.shl (select (local.get $l) (local.get $r) (local.get $left)) (i32.const 2)))
        (i32.store (i32.add (local.get $sIdx) (local.get $o4)) (local.get $s))
        ${copy('g', 'sG')}${hess ? `
        ${copy('h', 'sH')}` : ''}
        (local.set $l (i32.add (local.get $l) (local.get $left)))
        (local.set $r (i32.sub (local.get $r) (i32.xor (local.get $left) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $i) (local.get $ce))))))
    (i32.sub (local.get $l) (local.get $cs)))`;
}

/**
 * placeChunk of kernels.js: a chunk's lefts (scratch from cs up) copied to leftDest, its rights (scratch
 * from ce - 1 down) copied in reverse to rightDest, restoring their order: 4-byte elements, four at a time
 * reversed by one shuffle.
 */
const PLACE_CHUNK = `
  (func $reverseCopy (param $src i32) (param $dst i32) (param $m i32)
    ;; dst[k] = src[m - 1 - k] for k in [0, m): src and dst are byte addresses of 4-byte arrays.
    (local $k i32)
    (block $done
      (loop $quads
        (br_if $done (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $m)))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 2)))
          (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3
            (v128.load (i32.add (local.get $src) (i32.shl (i32.sub (local.get $m) (i32.add (local.get $k) (i32.const 4))) (i32.const 2))))
            (v128.const i32x4 0 0 0 0)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $quads)))
    (block $end
      (loop $rest
        (br_if $end (i32.ge_u (local.get $k) (local.get $m)))
        (i32.store (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 2)))
          (i32.load (i32.add (local.get $src) (i32.shl (i32.sub (i32.sub (local.get $m) (local.get $k)) (i32.const 1)) (i32.const 2)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rest))))
  (func $place (param $from i32) (param $to i32) (param $cs i32) (param $ce i32) (param $nLeft i32) (param $leftDest i32) (param $rightDest i32)
    (memory.copy (i32.add (local.get $to) (i32.shl (local.get $leftDest) (i32.const 2)))
      (i32.add (local.get $from) (i32.shl (local.get $cs) (i32.const 2))) (i32.shl (local.get $nLeft) (i32.const 2)))
    (call $reverseCopy (i32.add (local.get $from) (i32.shl (i32.add (local.get $cs) (local.get $nLeft)) (i32.const 2)))
      (i32.add (local.get $to) (i32.shl (local.get $rightDest) (i32.const 2)))
      (i32.sub (i32.sub (local.get $ce) (local.get $cs)) (local.get $nLeft))))
  (func (export "placeChunk") (param $idx i32) (param $g i32) (param $h i32) (param $sIdx i32) (param $sG i32) (param $sH i32)
        (param $hasHess i32) (param $cs i32) (param $ce i32) (param $nLeft i32) (param $leftDest i32) (param $rightDest i32)
    (call $place (local.get $sIdx) (local.get $idx) (local.get $cs) (local.get $ce) (local.get $nLeft) (local.get $leftDest) (local.get $rightDest))
    (call $place (local.get $sG) (local.get $g) (local.get $cs) (local.get $ce) (local.get $nLeft) (local.get $leftDest) (local.get $rightDest))
    (if (local.get $hasHess) (then
      (call $place (local.get $sH) (local.get $h) (local.get $cs) (local.get $ce) (local.get $nLeft) (local.get $leftDest) (local.get $rightDest)))))`;

// kernels.js's expNonPositive constants, computed by the same expressions so they are the same doubles
// (a number's shortest decimal form reads back as exactly that double).
const LN2_32_INV = 32 / Math.LN2;
const LN2_32_HI = 6.93147180369123816490e-1 / 32;
const LN2_32_LO = 1.90821492927058770002e-10 / 32;
const f64 = (v) => `(f64.const ${v})`;
const local = (n) => `(local.get $${n})`;

/**
 * binomialGradients of kernels.js, operation for operation: gradient p - y and (unless $h is 0) hessian
 * p(1 - p) of rows [start, end), p the sigmoid of raw[i] from expNonPositive. Labels are bytes (0 or 1).
 * $exp2: the 32 doubles 2^(j/32) then the 1023 doubles 2^-i, kernels.js's tables copied into the memory.
 * Math.round(t) is floor(t), plus 1 when t - floor(t) >= 0.5 (exact: ties go up, as Math.round's do).
 */
const BINOMIAL_GRADIENTS = `
  (func (export "binomialGradients") (param $y i32) (param $raw i32) (param $g i32) (param $h i32) (param $exp2 i32)
        (param $start i32) (param $end i32)
    (local $i i32) (local $r f64) (local $x f64) (local $t f64) (local $kf f64) (local $k i32) (local $j i32)
    (local $f f64) (local $e f64) (local $p f64)
    (local.set $i (local.get $start))
    (if (i32.ge_u (local.get $i) (local.get $end)) (then (return)))
    (loop $rows
      (local.set $r (f64.load (i32.add ${local('raw')} (i32.shl ${local('i')} (i32.const 3)))))
      (local.set $x (f64.neg (f64.abs ${local('r')})))
      (if (f64.lt ${local('x')} ${f64(-708)})
        (then (local.set $e (f64.const 0)))
        (else
          (local.set $t (f64.mul ${local('x')} ${f64(LN2_32_INV)}))
          (local.set $kf (f64.floor ${local('t')}))
          (if (f64.ge (f64.sub ${local('t')} ${local('kf')}) (f64.const 0.5)) (then (local.set $kf (f64.add ${local('kf')} (f64.const 1)))))
          (local.set $k (i32.trunc_f64_s ${local('kf')}))
          (local.set $f (f64.sub (f64.sub ${local('x')} (f64.mul ${local('kf')} ${f64(LN2_32_HI)})) (f64.mul ${local('kf')} ${f64(LN2_32_LO)})))
          (local.set $j (i32.and ${local('k')} (i32.const 31)))
          (local.set $e (f64.mul
            (f64.mul
              (f64.load offset=256 (i32.add ${local('exp2')} (i32.shl (i32.shr_s (i32.sub ${local('j')} ${local('k')}) (i32.const 5)) (i32.const 3))))
              (f64.load (i32.add ${local('exp2')} (i32.shl ${local('j')} (i32.const 3)))))
            (f64.add (f64.const 1) (f64.mul ${local('f')} (f64.add (f64.const 1) (f64.mul ${local('f')} (f64.add ${f64(1 / 2)} (f64.mul ${local('f')}
              (f64.add ${f64(1 / 6)} (f64.mul ${local('f')} (f64.add ${f64(1 / 24)} (f64.mul ${local('f')} (f64.add ${f64(1 / 120)} (f64.mul ${local('f')} ${f64(1 / 720)}))))))))))))))))
      (local.set $p (f64.div (select (f64.const 1) ${local('e')} (f64.ge ${local('r')} (f64.const 0))) (f64.add (f64.const 1) ${local('e')})))
      (f32.store ${at4('g')} (f32.demote_f64 (f64.sub ${local('p')} (f64.convert_i32_u (i32.load8_u (i32.add ${local('y')} ${local('i')}))))))
      (if ${local('h')} (then (f32.store ${at4('h')} (f32.demote_f64 (f64.mul ${local('p')} (f64.sub (f64.const 1) ${local('p')}))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $end)))))`;

/**
 * addLeafValues of kernels.js: raw[idx[i]] += the value of the leaf holding position i, for positions
 * [cs, ce) (leaf k holds leafStart[k]..leafEnd[k]), leaf by leaf in order.
 */
const ADD_LEAF_VALUES = `
  (func (export "addLeafValues") (param $raw i32) (param $idx i32) (param $leafStart i32) (param $leafEnd i32) (param $leafValue i32)
        (param $nLeaves i32) (param $cs i32) (param $ce i32)
    (local $leaf i32) (local $i i32) (local $end i32) (local $v f64) (local $at i32)
    (block $leaves (loop $next
      (br_if $leaves (i32.ge_u (local.get $leaf) (local.get $nLeaves)))
      (local.set $v (f64.load (i32.add (local.get $leafValue) (i32.shl (local.get $leaf) (i32.const 3)))))
      (local.set $i (i32.load (i32.add (local.get $leafStart) (i32.shl (local.get $leaf) (i32.const 2)))))
      (local.set $end (i32.load (i32.add (local.get $leafEnd) (i32.shl (local.get $leaf) (i32.const 2)))))
      (if (i32.lt_s (local.get $i) (local.get $cs)) (then (local.set $i (local.get $cs))))
      (if (i32.gt_s (local.get $end) (local.get $ce)) (then (local.set $end (local.get $ce))))
      (block $done (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $end)))
        (local.set $at (i32.add (local.get $raw) (i32.shl (i32.load ${at4('idx')}) (i32.const 3))))
        (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $v)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
      (local.set $leaf (i32.add (local.get $leaf) (i32.const 1)))
      (br $next))))`;

export function kernelsWat() {
  const funcs = [];
  for (const root of [false, true]) {
    for (const hessians of ['array', 'constant', 'derived']) {
      // One feature a pass only for leftovers; at the root those use the gather loop (sampleIdx is the identity).
      for (const K of root ? [8, 4] : [8, 4, 1]) funcs.push(accumulate(K, root, hessians));
      funcs.push(twoBin4(root, hessians));
    }
  }
  for (const hess of [true, false]) funcs.push(splitChunk(hess));
  funcs.push(PLACE_CHUNK, BINOMIAL_GRADIENTS, ADD_LEAF_VALUES);
  return `;; Generated by scripts/build-kernels-wasm.mjs: edit that, not this.
(module
  (import "env" "mem" (memory 1 65536 shared))${funcs.join('\n')})
`;
}

/** The module's bytes, assembled by wabt (a dev dependency: only this script and its test need it). */
export async function kernelsWasm() {
  const { default: init } = await import('wabt');
  const wabt = await init();
  const module = wabt.parseWat('kernels.wat', kernelsWat(), { simd: true, threads: true });
  try {
    return Buffer.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

export const WASM_PATH = fileURLToPath(new URL('../src/ml/tree/kernels.wasm', import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--wat') process.stdout.write(kernelsWat());
  else {
    const bytes = await kernelsWasm();
    writeFileSync(WASM_PATH, bytes);
    console.log(`wrote ${WASM_PATH} (${bytes.length} bytes)`);
  }
}
