/** `bosun models promote|rollback|export`: the registry's governed moves, with what they did said in words, and ONNX export. */
import { writeFileSync } from 'node:fs';
import type { AppDeps } from '../app';
import { notify } from '../notify/webhook';
import { exportOnnx, OnnxExportError } from '../ml/onnx/export';
import { deserializeModel } from '../ml/serialize';
import { OnnxModel } from '../ml/onnx/model';
import { getAlias, getVersion, listVersions, promote, rollback, type PromoteResult } from '../registry/registry';
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

/**
 * Writes a registered version as an ONNX file: `version` (default: production, else the newest version). The file
 * takes the version's feature columns (its fitted features' outputs, named in its metadata) and gives Bosun's
 * probabilities to within 1e-6; see src/ml/onnx/export.ts for which algorithms export.
 */
export async function exportCommand(app: Pick<AppDeps, 'db' | 'store'>, model: string, o: { version?: string; out: string }): Promise<string[]> {
  const row = o.version !== undefined ? await getVersion(app.db, model, versionNumber(o.version, '--version')) : ((await getAlias(app.db, model, 'production')) ?? (await listVersions(app.db, model))[0]);
  if (!row) throw new CliError(`model "${model}" has ${o.version ? `no version ${o.version}` : 'no versions'}; see \`bosun models list ${model}\``);
  const loaded = deserializeModel((await app.store.get(row.artifactHash)).toString('utf8'));
  let bytes: Uint8Array;
  if (loaded instanceof OnnxModel) {
    // Registered from ONNX in the first place: hand back the file as it came.
    bytes = loaded.bytes;
  } else {
    try {
      bytes = exportOnnx(loaded, { name: `${model}_v${row.version}`, docString: `Bosun model ${model} v${row.version} (run ${row.runId})` });
    } catch (err) {
      if (err instanceof OnnxExportError) throw new CliError(`${model} v${row.version}: ${err.message}`);
      throw err;
    }
  }
  writeFileSync(o.out, bytes);
  const line = `${model} v${row.version} (${loaded.algorithm}, ${loaded.nFeatures} inputs) written to ${o.out} as ONNX (${bytes.length} bytes)`;
  console.log(line);
  return [line];
}
