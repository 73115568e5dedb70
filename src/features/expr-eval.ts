import type { ExprNode } from './expr';

/**
 * Evaluates an expression over whole columns at once: one typed array per tree node, no per-row objects.
 *
 * Every intermediate result that is not finite becomes NaN (missing). Division by zero, log of a negative number and
 * exp overflow therefore all yield a missing value that a later impute step can fill, instead of an Infinity that
 * would silently turn into 0 further up the tree (1 / Infinity) or poison a standardize step.
 */
export function evalExpr(node: ExprNode, nrows: number, column: (name: string) => Float64Array): Float64Array {
  switch (node.kind) {
    case 'number':
      return new Float64Array(nrows).fill(Number.isFinite(node.value) ? node.value : NaN);
    case 'column': {
      const src = column(node.name);
      const out = new Float64Array(nrows);
      for (let i = 0; i < nrows; i++) {
        const v = src[i];
        out[i] = v - v === 0 ? v : NaN;
      }
      return out;
    }
    case 'negate': {
      const out = evalExpr(node.arg, nrows, column);
      for (let i = 0; i < nrows; i++) out[i] = -out[i];
      return out;
    }
    case 'binary': {
      const a = evalExpr(node.left, nrows, column);
      const b = evalExpr(node.right, nrows, column);
      binary(node.op, a, b, nrows);
      return a;
    }
    case 'call': {
      const args = node.args.map((a) => evalExpr(a, nrows, column));
      const out = args[0];
      switch (node.fn) {
        case 'log':
          unary(out, nrows, Math.log);
          break;
        case 'exp':
          unary(out, nrows, Math.exp);
          break;
        case 'sqrt':
          unary(out, nrows, Math.sqrt);
          break;
        case 'abs':
          unary(out, nrows, Math.abs);
          break;
        case 'min':
          for (let j = 1; j < args.length; j++) {
            const b = args[j];
            for (let i = 0; i < nrows; i++) out[i] = Math.min(out[i], b[i]);
          }
          break;
        case 'max':
          for (let j = 1; j < args.length; j++) {
            const b = args[j];
            for (let i = 0; i < nrows; i++) out[i] = Math.max(out[i], b[i]);
          }
          break;
      }
      return out;
    }
  }
}

/** a = a op b, in place; non-finite results become NaN. */
function binary(op: '+' | '-' | '*' | '/', a: Float64Array, b: Float64Array, n: number): void {
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) a[i] = finite(a[i] + b[i]);
      break;
    case '-':
      for (let i = 0; i < n; i++) a[i] = finite(a[i] - b[i]);
      break;
    case '*':
      for (let i = 0; i < n; i++) a[i] = finite(a[i] * b[i]);
      break;
    case '/':
      for (let i = 0; i < n; i++) a[i] = b[i] === 0 ? NaN : finite(a[i] / b[i]);
      break;
  }
}

function unary(a: Float64Array, n: number, f: (x: number) => number): void {
  for (let i = 0; i < n; i++) a[i] = finite(f(a[i]));
}

function finite(x: number): number {
  // x - x is 0 for finite x and NaN for NaN and ±Infinity: one branch, no function call.
  return x - x === 0 ? x : NaN;
}
