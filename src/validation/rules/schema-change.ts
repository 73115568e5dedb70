/**
 * Schema drift against the previous run on the same source: a removed column or changed type usually breaks the
 * trained features, so both are errors by default; a new column is only a warning.
 */
import { columnLabel } from '../report';
import type { RuleContext } from './context';

export function checkSchemaChange(ctx: RuleContext): void {
  const previous = ctx.options.previousSchema;
  if (!previous) return;
  const rules = ctx.spec.schemaChange;
  const before = new Map(previous.columns.map((c) => [c.name, c]));
  const now = new Map(ctx.schema.columns.map((c) => [c.name, c]));
  for (const [name, old] of before) {
    const cur = now.get(name);
    if (!cur) {
      ctx.sink.add(rules.removed, {
        rule: 'schemaChange.removed',
        column: name,
        message: `${columnLabel(name)} was removed since the previous schema (it was ${old.type})`,
        observed: 'absent',
        allowed: old.type,
      });
    } else if (cur.type !== old.type) {
      ctx.sink.add(rules.typeChanged, {
        rule: 'schemaChange.typeChanged',
        column: name,
        message: `${columnLabel(name)}: type changed from ${old.type} to ${cur.type} since the previous schema`,
        observed: cur.type,
        allowed: old.type,
      });
    }
  }
  for (const [name, cur] of now) {
    if (!before.has(name)) {
      ctx.sink.add(rules.added, {
        rule: 'schemaChange.added',
        column: name,
        message: `${columnLabel(name)} is new since the previous schema (${cur.type})`,
        observed: cur.type,
        allowed: 'absent',
      });
    }
  }
}
