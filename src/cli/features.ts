/** `bosun features materialize|list|show|get`: feature views, their online store and its schedule. */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { featureMaterializations, featureOnline } from '../db/schema';
import { MATERIALIZE_FEATURES, type MaterializeFeaturesWorkflow, type MaterializeResult } from '../featurestore/contract';
import { featureViewDrift } from '../featurestore/drift';
import { entityKey } from '../featurestore/keys';
import { findFeatureView, listFeatureViews, registerFromCode } from '../featurestore/registry';
import { ensureMaterializeSchedule, materializeScheduleId } from '../featurestore/schedule';
import { shortVersion } from '../featurestore/spec';
import type { StageDeps } from '../pipeline/deps';
import { readPipelineFile } from '../pipeline/loadPipeline';
import { CliError, printJson, printTable } from './output';

const looksLikeFile = (ref: string) => /\.(ts|mts|js|mjs|json)$/.test(ref) || existsSync(ref);

/** A view file is registered (its version recorded) first; a name or version refers to what is registered. */
async function resolveRef(db: Db, ref: string): Promise<{ name: string; version: string }> {
  if (looksLikeFile(ref)) {
    const v = await registerFromCode(db, await readPipelineFile(ref), ref);
    return { name: v.view.name, version: v.version };
  }
  const v = await findFeatureView(db, ref);
  return { name: v.view.name, version: v.version };
}

export async function materializeCommand(
  client: Client,
  db: Db,
  config: Config,
  ref: string,
  o: { cron?: string; catchupWindow?: string; batchSize?: number; json?: boolean },
): Promise<void> {
  const { name, version } = await resolveRef(db, ref);
  if (o.cron) {
    const id = await ensureMaterializeSchedule(client, { taskQueue: config.temporal.taskQueue, view: name, version, cron: o.cron, catchupWindow: o.catchupWindow, batchSize: o.batchSize });
    if (o.json) return printJson({ schedule: id, view: name, version });
    console.log(`schedule ${id}: materializes "${name}" (version ${shortVersion(version)}) on "${o.cron}"`);
    return;
  }
  const r: MaterializeResult = await client.workflow.execute<MaterializeFeaturesWorkflow>(MATERIALIZE_FEATURES, {
    taskQueue: config.temporal.taskQueue,
    workflowId: `materialize-${name}-manual-${randomBytes(3).toString('hex')}`,
    args: [{ view: `${name}@${version}`, batchSize: o.batchSize }],
  });
  if (o.json) return printJson(r);
  console.log(
    `✓ ${r.view} (version ${shortVersion(r.version)}): ${r.entities} entities with newer events, ${r.changed} online rows written; ` +
      `watermark ${r.previousWatermark ?? '(none)'} → ${r.watermark ?? '(none)'}; ${r.onlineRows} entities online`,
  );
}

export async function listCommand(db: Db, json: boolean): Promise<void> {
  const rows = (await listFeatureViews(db)).map((r) => ({ view: r.name, version: shortVersion(r.version), registered: r.createdAt, watermark: r.watermark, online_rows: r.rows }));
  if (json) printJson(rows);
  else printTable(rows);
}

export async function showCommand(db: Db, client: Client | null, ref: string, json: boolean): Promise<void> {
  const v = await findFeatureView(db, ref);
  const [state] = await db.select().from(featureMaterializations).where(eq(featureMaterializations.viewVersion, v.version));
  let schedule: { id: string; cron?: string; version?: string } | null = null;
  if (client) {
    try {
      const d = await client.schedule.getHandle(materializeScheduleId(v.view.name)).describe();
      const memo = d.memo as { cron?: string; version?: string } | undefined;
      schedule = { id: d.scheduleId, cron: memo?.cron, version: memo?.version };
    } catch {
      schedule = null;
    }
  }
  const out = { ...v.view, version: v.version, watermark: state?.watermark ?? null, onlineRows: state?.rows ?? 0, lastRun: state?.lastRunId ?? null, schedule };
  if (json) return printJson(out);
  console.log(`feature view ${v.view.name}  version ${shortVersion(v.version)}`);
  console.log(`  entity     ${v.view.entity.join(', ')}`);
  console.log(`  timestamp  ${v.view.timestamp}   ttl ${v.view.ttl}`);
  console.log(`  features   ${v.view.features.join(', ')}`);
  console.log(`  source     ${JSON.stringify(v.view.source)}`);
  console.log(`  online     ${out.onlineRows} entities, watermark ${out.watermark?.toISOString() ?? '(never materialized)'}`);
  console.log(`  schedule   ${schedule ? `${schedule.id} "${schedule.cron}" (version ${schedule.version})` : '(none)'}`);
}

export async function getCommand(db: Db, ref: string, keyValues: string[], json: boolean): Promise<void> {
  const v = await findFeatureView(db, ref);
  if (keyValues.length !== v.view.entity.length) {
    throw new CliError(`feature view "${v.view.name}" is keyed by ${v.view.entity.join(', ')}: give ${v.view.entity.length} key value${v.view.entity.length > 1 ? 's' : ''}, got ${keyValues.length}`);
  }
  const [row] = await db
    .select()
    .from(featureOnline)
    .where(and(eq(featureOnline.viewVersion, v.version), eq(featureOnline.entityKey, entityKey(keyValues))));
  const key = v.view.entity.map((k, i) => `${k}=${keyValues[i]}`).join(', ');
  if (!row) throw new CliError(`${key} is not in the online store of feature view "${v.view.name}" (version ${shortVersion(v.version)}); run \`bosun features materialize ${v.view.name}\` or check the key`);
  if (json) return printJson({ view: v.view.name, version: v.version, key: Object.fromEntries(v.view.entity.map((k, i) => [k, keyValues[i]])), eventTime: row.eventTime, values: row.values });
  console.log(`${v.view.name} ${key}  (event time ${row.eventTime.toISOString()})`);
  printTable(Object.entries(row.values as Record<string, unknown>).map(([feature, value]) => ({ feature, value })));
}

/** `2026-01-01/2026-02-01`: an event-time window, start inclusive, end exclusive. */
export function parseWindow(text: string, flag: string): { from: number; to: number } {
  const [a, b] = text.split('/');
  const from = Date.parse(a ?? '');
  const to = Date.parse(b ?? '');
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) throw new CliError(`${flag} "${text}": expected <start>/<end> as ISO dates, start before end, e.g. 2026-01-01/2026-02-01`);
  return { from, to };
}

export async function driftCommand(app: Pick<StageDeps, 'db' | 'store' | 'config'>, ref: string, o: { reference: string; current: string; json?: boolean }): Promise<boolean> {
  const r = await featureViewDrift(app, ref, parseWindow(o.reference, '--reference'), parseWindow(o.current, '--current'));
  if (o.json) printJson(r);
  else {
    console.log(`${r.drifted ? '✗ drift' : '✓ no drift'} in feature view ${r.view} (${r.referenceRows} reference rows, ${r.currentRows} current): ${r.summary}`);
    printTable(r.features.map((f) => ({ feature: f.name, psi: f.psi, js: f.js, drifted: f.drifted, why: f.reasons.join('; ') })));
  }
  return !r.drifted;
}
