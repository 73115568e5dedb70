/**
 * What every rule sees: the table, its schema, the parsed spec, where to put issues, and per-column statistics
 * computed at most once however many rules ask.
 */
import type { Schema, SchemaColumn } from '../../data/schema';
import { columnStats, type ColumnStats } from '../../data/stats';
import type { Column, Table } from '../../data/table';
import type { Expectations } from '../expectations';
import type { IssueSink } from '../report';

export type Task = 'classification' | 'regression';

export interface RuleOptions {
  /** Target column (wins over the spec's target.column). */
  target?: string;
  /** Learning task for target rules; inferred from the target's type when omitted. */
  task?: Task;
  /** Schema of the previous run on the same source, for schema-change rules. */
  previousSchema?: Schema;
}

export class RuleContext {
  private readonly columns: Map<string, Column>;
  private readonly schemaColumns: Map<string, SchemaColumn>;
  private readonly statsCache = new Map<string, ColumnStats>();

  constructor(
    readonly table: Table,
    readonly schema: Schema,
    readonly spec: Expectations,
    readonly sink: IssueSink,
    readonly options: RuleOptions,
  ) {
    this.columns = new Map(table.columns.map((c) => [c.name, c]));
    this.schemaColumns = new Map(schema.columns.map((c) => [c.name, c]));
  }

  get target(): string | undefined {
    return this.options.target ?? this.spec.target?.column;
  }

  column(name: string): Column | undefined {
    return this.columns.get(name);
  }

  /** The declared/inferred schema entry, falling back to the table's own column type. */
  schemaColumn(name: string): SchemaColumn | undefined {
    const s = this.schemaColumns.get(name);
    if (s) return s;
    const c = this.columns.get(name);
    return c ? { name, type: c.type, nullable: true } : undefined;
  }

  stats(name: string): ColumnStats {
    let s = this.statsCache.get(name);
    if (s === undefined) {
      const c = this.columns.get(name);
      if (!c) throw new Error(`internal: stats requested for absent column "${name}"`);
      s = columnStats(c, { topK: 5 });
      this.statsCache.set(name, s);
    }
    return s;
  }
}
