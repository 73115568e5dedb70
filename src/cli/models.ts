/** `bosun models promote|rollback`: the registry's governed moves, with what they did said in words. */
import type { AppDeps } from '../app';
import { notify } from '../notify/webhook';
import { promote, rollback, type PromoteResult } from '../registry/registry';
import { CliError } from './output';

function versionNumber(value: string, what: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new CliError(`${what}: expected a version number such as 3, got "${value}"`);
  return Number(value);
}

function skippedText(r: PromoteResult): string {
  return r.skipped?.length ? `; skipped ${r.skipped.map((s) => `v${s.version} (${s.why})`).join(', ')}` : '';
}

/**
 * Promotes a version by hand. Without an accepted approval it is refused with what to do instead, unless
 * `breakGlass` (with a reason): then the promotion is audited as break-glass and a notification goes out.
 * Returns the lines printed.
 */
export async function promoteCommand(app: Pick<AppDeps, 'config' | 'db' | 'store'>, model: string, version: string, o: { reason?: string; breakGlass?: boolean } = {}): Promise<string[]> {
  const n = versionNumber(version, 'bosun models promote <model> <version>');
  const actor = app.config.user;
  const r = await promote(app.db, model, n, { strategy: 'manual', reason: o.reason, actor, breakGlass: o.breakGlass });
  const lines: string[] = [];
  if (r.unchanged) lines.push(`${model}: v${n} is already production; nothing changed`);
  else lines.push(`${model}: production is v${r.version}${r.previousVersion !== null ? ` (was v${r.previousVersion})` : ''}: ${r.why}`);
  if (r.breakGlass) {
    const message = `${model} v${r.version} promoted to production WITHOUT approval by ${actor} (break-glass): ${o.reason}`;
    try {
      await notify({ ...app }, { runId: `break-glass:${model}:v${r.version}`, pipeline: model }, 'break_glass', message);
      lines.push('break-glass: recorded in the audit and notified');
    } catch (err) {
      process.exitCode = 1;
      lines.push(`break-glass: recorded in the audit, but the notification failed (${(err as Error).message}); tell the approvers yourself`);
    }
  }
  for (const l of lines) console.log(l);
  return lines;
}

/**
 * Rolls production back to the most recent earlier version that was approved (or break-glass promoted)
 * and never failed verification, and says which and why. `from` makes a repeated command safe: when
 * production is no longer that version, nothing changes.
 */
export async function rollbackCommand(app: Pick<AppDeps, 'db' | 'config'>, model: string, o: { reason?: string; from?: string } = {}): Promise<string[]> {
  const from = o.from === undefined ? undefined : versionNumber(o.from, '--from');
  const r = await rollback(app.db, model, { reason: o.reason ?? 'manual rollback', actor: app.config.user, from });
  const line = r.unchanged ? `${model}: ${r.why}; nothing changed` : `${model}: rolled back to v${r.version} (from v${r.previousVersion}): ${r.why}${skippedText(r)}`;
  console.log(line);
  return [line];
}
