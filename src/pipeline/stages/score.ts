/**
 * Batch scoring: every row of a dataset through a registered model (production by default), with the same
 * fitted features serving uses. The predictions are stored as a CSV artifact: one row per input row, the
 * predicted label and class probabilities (classification) or the value (regression).
 */
import { readTable } from '../../data/read';
import { getAlias, getVersion } from '../../registry/registry';
import { scoreTable } from '../../serving/batchScore';
import { decodeClass } from '../../ml/classes';
import { deserializeModel } from '../../ml/serialize';
import type { ScoreInput, ScoreResult } from '../../contract/batchScore';
import type { StageDeps } from '../deps';
import { BadInputError } from '../errors';
import { indexArtifact } from '../records';
import { fetchSource } from '../sources';

export async function scoreDataset(deps: StageDeps, input: ScoreInput): Promise<ScoreResult> {
  const row = input.version === undefined ? await getAlias(deps.db, input.modelName, 'production') : await getVersion(deps.db, input.modelName, input.version);
  if (!row) throw new BadInputError(`model "${input.modelName}" has no ${input.version === undefined ? 'production version' : `version ${input.version}`}`);
  const source = await fetchSource(input.dataUri, deps);
  const table = await readTable(source.bytes, { fileName: source.fileName, format: source.format ?? 'auto' });
  deps.progress?.({ stage: 'score', rows: table.nrows });
  let preds: Float64Array;
  try {
    preds = await scoreTable(deps.db, deps.store, input.modelName, table, { version: row.version });
  } catch (err) {
    throw new BadInputError(`scoring ${input.dataUri}: ${(err as Error).message}`);
  }
  const task = deserializeModel((await deps.store.get(row.artifactHash)).toString('utf8')).task;
  const lines: string[] = [];
  if (task.kind === 'regression') {
    lines.push('prediction');
    for (const v of preds) lines.push(String(v));
  } else {
    const k = task.classes.length;
    lines.push(['prediction', ...task.classes.map((c) => `p_${c}`)].map(csvCell).join(','));
    for (let i = 0; i < table.nrows; i++) {
      lines.push([csvCell(decodeClass(task.classes, preds, i)), ...Array.from(preds.subarray(i * k, i * k + k), String)].join(','));
    }
  }
  const ref = await deps.store.put(lines.join('\n') + '\n');
  await indexArtifact(deps.db, ref, 'predictions', 'text/csv');
  return { modelName: input.modelName, version: row.version, rows: table.nrows, predictionsHash: ref.hash };
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
