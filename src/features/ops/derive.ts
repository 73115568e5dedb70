import { ExprSyntaxError, exprColumns, parseExpr } from '../expr';
import { evalExpr } from '../expr-eval';
import type { Frame, StepContext } from '../frame';
import type { FittedOf, StepOf } from './types';

export function fitDerive(step: StepOf<'derive'>, frame: Frame, ctx: StepContext): FittedOf<'derive'> {
  for (const ref of exprColumns(parse(step.expr, ctx))) frame.float(ref, 'derive', ctx);
  return { op: 'derive', name: step.name, expr: step.expr };
}

export function applyDerive(fitted: FittedOf<'derive'>, frame: Frame, ctx: StepContext): void {
  const tree = parse(fitted.expr, ctx);
  const values = evalExpr(tree, frame.nrows, (ref) => frame.float(ref, 'derive', ctx).values);
  frame.adopt(values);
  frame.append({ name: fitted.name, type: 'numeric', values }, ctx.where);
}

function parse(expr: string, ctx: StepContext) {
  try {
    return parseExpr(expr);
  } catch (e) {
    if (e instanceof ExprSyntaxError) throw new Error(`${ctx.where}: ${e.message}`);
    throw e;
  }
}
