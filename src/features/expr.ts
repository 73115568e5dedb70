/**
 * A tiny arithmetic language for derived columns, e.g. `weight / (height * height)`.
 *
 * Grammar (usual precedence, left-associative):
 *   expr    := term (("+" | "-") term)*
 *   term    := unary (("*" | "/") unary)*
 *   unary   := ("-" | "+") unary | primary
 *   primary := number | function "(" expr ("," expr)* ")" | column | "(" expr ")"
 *   column  := identifier | `any name in backticks`
 *
 * Parsed by hand rather than evaluated with `eval`/`Function`, because the text comes from user-written pipeline specs
 * and must never be able to run code.
 */
export type ExprNode =
  | { kind: 'number'; value: number }
  | { kind: 'column'; name: string }
  | { kind: 'negate'; arg: ExprNode }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: ExprNode; right: ExprNode }
  | { kind: 'call'; fn: ExprFunction; args: ExprNode[] };

export const EXPR_FUNCTIONS = {
  log: { minArgs: 1, maxArgs: 1 },
  exp: { minArgs: 1, maxArgs: 1 },
  sqrt: { minArgs: 1, maxArgs: 1 },
  abs: { minArgs: 1, maxArgs: 1 },
  min: { minArgs: 2, maxArgs: Infinity },
  max: { minArgs: 2, maxArgs: Infinity },
} as const;
export type ExprFunction = keyof typeof EXPR_FUNCTIONS;

export class ExprSyntaxError extends Error {
  constructor(
    readonly expr: string,
    readonly position: number,
    detail: string,
  ) {
    super(`expr "${expr}": ${detail} at position ${position + 1}`);
    this.name = 'ExprSyntaxError';
  }
}

type Token =
  | { t: 'num'; value: number; pos: number }
  | { t: 'ident'; name: string; quoted: boolean; pos: number }
  | { t: 'op'; op: '+' | '-' | '*' | '/' | '(' | ')' | ','; pos: number }
  | { t: 'end'; pos: number };

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const IDENT = /^[\p{L}_][\p{L}\p{N}_.]*/u;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if ('+-*/(),'.includes(ch)) {
      tokens.push({ t: 'op', op: ch as '+', pos: i });
      i++;
      continue;
    }
    if (ch === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new ExprSyntaxError(src, i, 'unclosed backtick in column name');
      if (close === i + 1) throw new ExprSyntaxError(src, i, 'empty column name in backticks');
      tokens.push({ t: 'ident', name: src.slice(i + 1, close), quoted: true, pos: i });
      i = close + 1;
      continue;
    }
    const rest = src.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      tokens.push({ t: 'num', value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      tokens.push({ t: 'ident', name: id[0], quoted: false, pos: i });
      i += id[0].length;
      continue;
    }
    const hint =
      ch === '^' ? '; there is no power operator, write x * x or exp(y * log(x))' : '; column names with symbols go in backticks, e.g. `my-column`';
    throw new ExprSyntaxError(src, i, `unexpected character "${ch}"${hint}`);
  }
  tokens.push({ t: 'end', pos: src.length });
  return tokens;
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'num':
      return `number ${tok.value}`;
    case 'ident':
      return `"${tok.name}"`;
    case 'op':
      return `"${tok.op}"`;
    case 'end':
      return 'end of expression';
  }
}

/** Parses `src` into a syntax tree; throws ExprSyntaxError naming the position and what was expected. */
export function parseExpr(src: string): ExprNode {
  const tokens = tokenize(src);
  let k = 0;
  const peek = () => tokens[k];
  const isOp = (op: string) => {
    const tok = tokens[k];
    return tok.t === 'op' && tok.op === op;
  };
  const fail = (tok: Token, expected: string): never => {
    throw new ExprSyntaxError(src, tok.pos, `unexpected ${describe(tok)}; expected ${expected}`);
  };

  function expr(): ExprNode {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[k++] as { op: '+' | '-' }).op;
      left = { kind: 'binary', op, left, right: term() };
    }
    return left;
  }
  function term(): ExprNode {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = (tokens[k++] as { op: '*' | '/' }).op;
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  }
  function unary(): ExprNode {
    if (isOp('-')) {
      k++;
      return { kind: 'negate', arg: unary() };
    }
    if (isOp('+')) {
      k++;
      return unary();
    }
    return primary();
  }
  function primary(): ExprNode {
    const tok = peek();
    if (tok.t === 'num') {
      k++;
      return { kind: 'number', value: tok.value };
    }
    if (tok.t === 'ident') {
      k++;
      if (!tok.quoted && isOp('(')) return call(tok.name, tok.pos);
      return { kind: 'column', name: tok.name };
    }
    if (isOp('(')) {
      k++;
      const inner = expr();
      if (!isOp(')')) fail(peek(), '")"');
      k++;
      return inner;
    }
    return fail(tok, 'a number, a column name, a function call or "("');
  }
  function call(name: string, pos: number): ExprNode {
    if (!Object.hasOwn(EXPR_FUNCTIONS, name)) {
      const known = Object.keys(EXPR_FUNCTIONS).join(', ');
      throw new ExprSyntaxError(src, pos, `unknown function "${name}"; available functions: ${known}`);
    }
    const fn = name as ExprFunction;
    k++; // "("
    const args = [expr()];
    while (isOp(',')) {
      k++;
      args.push(expr());
    }
    if (!isOp(')')) fail(peek(), '"," or ")"');
    k++;
    const { minArgs, maxArgs } = EXPR_FUNCTIONS[fn];
    if (args.length < minArgs || args.length > maxArgs) {
      const want = minArgs === maxArgs ? `${minArgs}` : `at least ${minArgs}`;
      throw new ExprSyntaxError(src, pos, `${fn}() takes ${want} argument${minArgs === 1 ? '' : 's'}, got ${args.length}`);
    }
    return { kind: 'call', fn, args };
  }

  if (peek().t === 'end') throw new ExprSyntaxError(src, 0, 'the expression is empty');
  const tree = expr();
  if (peek().t !== 'end') fail(peek(), 'an operator (+ - * /) or the end of the expression');
  return tree;
}

/** Column names the expression reads, in first-use order, without duplicates. */
export function exprColumns(node: ExprNode, out: string[] = []): string[] {
  switch (node.kind) {
    case 'column':
      if (!out.includes(node.name)) out.push(node.name);
      break;
    case 'negate':
      exprColumns(node.arg, out);
      break;
    case 'binary':
      exprColumns(node.left, out);
      exprColumns(node.right, out);
      break;
    case 'call':
      for (const a of node.args) exprColumns(a, out);
      break;
    case 'number':
      break;
  }
  return out;
}
