/** The `bosun` command line. Each command is a small module; this file only wires them to commander. */
import { Command } from 'commander';
import { openApp } from '../app';
import { loadConfig } from '../config';
import { listVersions } from '../registry/registry';
import { connectTemporal } from '../temporal/connection';
import { CliError, printJson, printTable } from './output';
import { writeFileSync } from 'node:fs';
import { and, desc, eq } from 'drizzle-orm';
import { driftReports, steps } from '../db/schema';

export const program = new Command('bosun').description('Pipeline orchestrator for machine-learning models, on Temporal').showHelpAfterError();

/** Runs a command with Temporal (and optionally the database and store), closing them afterwards. */
export async function withTemporal<T>(fn: (c: Awaited<ReturnType<typeof connectTemporal>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const t = await connectTemporal(config.temporal);
  try {
    return await fn(t);
  } finally {
    await t.connection.close();
  }
}

export async function withApp<T>(fn: (app: Awaited<ReturnType<typeof openApp>>) => Promise<T>): Promise<T> {
  const app = await openApp(loadConfig());
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

program
  .command('init')
  .description('write a working pipeline file from a data file')
  .requiredOption('--from <file>', 'CSV, JSON Lines or Parquet file')
  .requiredOption('--target <column>', 'the column to predict')
  .option('--name <name>', 'pipeline name (default: from the file name)')
  .option('--out <file>', 'where to write it (default: pipelines/<name>.ts)')
  .option('--force', 'overwrite an existing file')
  .action(async (o) => {
    const { initCommand } = await import('./init');
    const out = await initCommand(o);
    console.log(`wrote ${out}\nnext: npx bosun run ${out} --follow`);
  });

program
  .command('run <pipeline>')
  .description('start a run of a pipeline file and print its id')
  .option('--data <uri>', 'use this data instead of the spec source (file path, s3://, http(s)://)')
  .option('--follow', 'show live per-stage progress until the run ends or waits for approval')
  .option('--json', 'machine-readable output')
  .option('--no-cache', 'recompute every step even when its inputs are unchanged')
  .action(async (file, o) => {
    const { runAndFollow } = await import('./run');
    const ok = await withTemporal(({ client }) =>
      withApp((app) => runAndFollow({ file, client, store: app.store, config: app.config, data: o.data, follow: o.follow, json: o.json, noCache: o.cache === false })),
    );
    if (!ok) process.exitCode = 1;
  });

program
  .command('status <run>')
  .description('stage, timings, evidence and approval audit of a run')
  .option('--json', 'machine-readable output')
  .action(async (run, o) => {
    const { statusCommand } = await import('./runs');
    await withTemporal(({ client }) => withApp((app) => statusCommand(client, run, !!o.json, app.db)));
  });

program
  .command('runs')
  .description('list runs (newest first)')
  .option('--pipeline <name>', 'only this pipeline')
  .option('--limit <n>', 'at most this many', (v) => Number(v), 20)
  .option('--json', 'machine-readable output')
  .action(async (o) => {
    const { listRuns } = await import('./runs');
    await withTemporal(({ client }) => listRuns(client, { pipeline: o.pipeline, json: !!o.json, limit: o.limit }));
  });

program
  .command('pending')
  .description('list runs waiting for approval')
  .option('--json', 'machine-readable output')
  .action(async (o) => {
    const { listRuns } = await import('./runs');
    await withTemporal(({ client }) => listRuns(client, { pending: true, json: !!o.json, limit: 100 }));
  });

for (const kind of ['approve', 'reject'] as const) {
  program
    .command(`${kind} <run>`)
    .description(`${kind} the candidate waiting in a run (same signal as the Web UI's)`)
    .requiredOption('--reviewer <id>', 'who decides')
    .option('--comment <text>', 'why')
    .option('--model-version <n>', 'the candidate version you reviewed (refused if another is waiting)')
    .option('--model-sha256 <hash>', "the model artifact's sha256 you reviewed (evidence.modelSha256; refused if it differs)")
    .option('--key <file>', 'sign the decision with this ed25519 private key (PEM); default: BOSUN_REVIEWER_KEY, else BOSUN_HOME/keys/<reviewer>.key if it exists')
    .option('--print', 'print the signed decision JSON (to paste into the Web UI\'s "Send a Signal") instead of sending it')
    .action(async (run, o) => {
      const { decideCommand } = await import('./approve');
      await withTemporal(({ client }) =>
        decideCommand(client, kind, run, { reviewer: o.reviewer, comment: o.comment, modelVersion: o.modelVersion, modelSha256: o.modelSha256 }, { keyFile: o.key, home: loadConfig().home, printOnly: !!o.print }),
      );
    });
}

const reviewers = program.command('reviewers').description("reviewers' public keys: a decision signed with a registered key proves who made it");
reviewers
  .command('add <id>')
  .description('register a public key for a reviewer; without --public-key, generate a key pair and write the private key to BOSUN_HOME/keys/<id>.key (mode 0600)')
  .option('--public-key <file>', 'the ed25519 public key: PEM (`openssl pkey -in key.pem -pubout`) or base64 of the raw 32 bytes')
  .action(async (id, o) =>
    withApp(async (app) => {
      const { reviewersAddCommand } = await import('./reviewers');
      await reviewersAddCommand(app, id, { publicKey: o.publicKey });
    }),
  );
reviewers
  .command('list')
  .description('registered reviewer keys (active ones; --all adds revoked ones)')
  .option('--all', 'include revoked keys')
  .option('--json', 'machine-readable output')
  .action(async (o) =>
    withApp(async (app) => {
      const { reviewersListCommand } = await import('./reviewers');
      await reviewersListCommand(app, { json: !!o.json, all: !!o.all });
    }),
  );
reviewers
  .command('revoke <id>')
  .description("revoke a reviewer's active keys (or only --key-id N): decisions signed with them are refused from then on")
  .option('--key-id <n>', 'only this key (the id `bosun reviewers list` shows)', (v) => Number(v))
  .action(async (id, o) =>
    withApp(async (app) => {
      const { reviewersRevokeCommand } = await import('./reviewers');
      await reviewersRevokeCommand(app, id, { keyId: o.keyId });
    }),
  );

program
  .command('reproduce <model> <version>')
  .description('rebuild a version from what was recorded (data, spec, seed, params) as a durable run and compare the artifact sha256; exit code 1 if it differs')
  .option('--data <uri>', 'rebuild from this data instead of the recorded dataset version (file path, s3://, http(s)://)')
  .option('--json', 'machine-readable output')
  .action(async (model, version, o) =>
    withTemporal(({ client }) =>
      withApp(async (app) => {
        const { reproduceCommand } = await import('./reproduce');
        await reproduceCommand(app, client, app.config, model, version, { data: o.data, json: !!o.json });
      }),
    ),
  );

program
  .command('lineage <model> <version>')
  .description('dataset → features → model → evaluation → approval → deployment of a version, with hashes')
  .option('--json', 'machine-readable output')
  .action(async (model, version, o) =>
    withApp(async (app) => {
      const { lineageCommand } = await import('./lineage');
      await lineageCommand(app, model, version, { json: !!o.json });
    }),
  );

program
  .command('report <run>')
  .description("write a run's evaluation report (self-contained HTML), or its model card (Markdown), to a file")
  .option('--out <file>', 'where to write it (default: <run>.html or <run>.model-card.md)')
  .option('--model-card', 'the model card instead of the report')
  .action(async (run, o) =>
    withApp(async ({ db, store }) => {
      const [row] = await db.select().from(steps).where(and(eq(steps.runId, run), eq(steps.name, 'evaluate')));
      const output = row?.output as { reportHash?: string; modelCardHash?: string } | undefined;
      const hash = o.modelCard ? output?.modelCardHash : output?.reportHash;
      if (!hash) throw new CliError(`run ${run} has no ${o.modelCard ? 'model card' : 'evaluation report'} (it may not have reached the evaluate stage)`);
      const out = o.out ?? (o.modelCard ? `${run}.model-card.md` : `${run}.html`);
      writeFileSync(out, await store.get(hash));
      console.log(`wrote ${out}`);
    }),
  );

const models = program.command('models').description('the model registry');
models
  .command('list [model]')
  .description('model versions and their status')
  .option('--json', 'machine-readable output')
  .action(async (model, o) =>
    withApp(async ({ db }) => {
      const rows = (await listVersions(db, model)).map((v) => ({ model: v.modelName, version: v.version, status: v.status, algorithm: v.algorithm, run: v.runId, created: v.createdAt }));
      if (o.json) printJson(rows);
      else printTable(rows);
    }),
  );
models
  .command('show <model> <version>')
  .description('one version: params, metrics, artifacts')
  .action(async (model, version) =>
    withApp(async ({ db }) => {
      const row = (await listVersions(db, model)).find((v) => v.version === Number(version));
      if (!row) throw new CliError(`model "${model}" has no version ${version}; see \`bosun models list ${model}\``);
      printJson(row);
    }),
  );
models
  .command('promote <model> <version>')
  .description('make a version the production model (atomic); needs an accepted approval, or --break-glass with --reason')
  .option('--reason <text>', 'recorded with the deployment and in the audit')
  .option('--break-glass', 'promote without an accepted approval (emergencies): audited as break-glass and notified; needs --reason')
  .action(async (model, version, o) =>
    withApp(async (app) => {
      const { promoteCommand } = await import('./models');
      await promoteCommand(app, model, version, { reason: o.reason, breakGlass: !!o.breakGlass });
    }),
  );
models
  .command('rollback <model>')
  .description('restore the most recent earlier production version that was approved and never failed verification')
  .option('--reason <text>', 'recorded with the deployment and in the audit')
  .option('--from <version>', 'only if production is still this version (a repeated command changes nothing)')
  .action(async (model, o) =>
    withApp(async (app) => {
      const { rollbackCommand } = await import('./models');
      await rollbackCommand(app, model, { reason: o.reason, from: o.from });
    }),
  );
models
  .command('export <model>')
  .description('write a version as an ONNX file (logistic and linear regression; a model registered from ONNX is written back as it came)')
  .option('--version <n>', 'the version (default: production, else the newest)')
  .requiredOption('--out <file.onnx>', 'where to write it')
  .action(async (model, o) =>
    withApp(async (app) => {
      const { exportCommand } = await import('./models');
      await exportCommand(app, model, { version: o.version, out: o.out });
    }),
  );

program
  .command('audit')
  .description('the tamper-evident audit')
  .command('verify [model]')
  .description("recompute each model's audit hash chain and name the first broken link (exit code 1 if any)")
  .option('--json', 'machine-readable output')
  .action(async (model, o) =>
    withApp(async (app) => {
      const { auditVerifyCommand } = await import('./audit');
      await auditVerifyCommand(app, model, { json: !!o.json });
    }),
  );

const schedule = program.command('schedule').description('cron retraining and drift-check schedules (Temporal Schedules)');
schedule
  .command('create <pipeline>')
  .description('retrain a pipeline on a cron (schedule id: train-<name>); updates it if it exists')
  .requiredOption('--cron <expr>', 'cron expression, e.g. "0 2 * * 1"')
  .option('--paused', 'create it paused')
  .option('--catchup-window <duration>', 'run a missed action if at most this late', '1h')
  .action(async (file, o) => {
    const { createSchedule } = await import('./schedule');
    const id = await withTemporal(({ client }) => withApp((app) => createSchedule(client, app.store, app.config, file, { cron: o.cron, paused: o.paused, catchupWindow: o.catchupWindow })));
    console.log(`schedule ${id}: ${o.cron}`);
  });
schedule
  .command('list')
  .description("Bosun's schedules: train-<pipeline> and drift-<model>")
  .option('--json', 'machine-readable output')
  .action(async (o) => {
    const { listSchedules } = await import('./schedule');
    await withTemporal(({ client }) => listSchedules(client, !!o.json));
  });
schedule
  .command('describe <id>')
  .description('spec, policies, next and recent actions')
  .action(async (id) => {
    const { describeSchedule } = await import('./schedule');
    await withTemporal(({ client }) => describeSchedule(client, id));
  });
for (const action of ['pause', 'unpause', 'trigger', 'delete'] as const) {
  schedule
    .command(`${action} <id>`)
    .description(`${action} a schedule${action === 'trigger' ? ' (run its action now)' : ''}`)
    .option('--note <text>', 'recorded on the schedule (pause/unpause)')
    .action(async (id, o) => {
      const { scheduleAction } = await import('./schedule');
      await withTemporal(({ client }) => scheduleAction(client, id, action, o.note));
    });
}
schedule
  .command('backfill <id>')
  .description('run the actions a schedule would have taken in a past interval')
  .requiredOption('--from <time>', 'ISO start time')
  .requiredOption('--to <time>', 'ISO end time')
  .action(async (id, o) => {
    const { backfillSchedule } = await import('./schedule');
    await withTemporal(({ client }) => backfillSchedule(client, id, o.from, o.to));
  });

const features = program.command('features').description('feature views: online store, materialization schedule, lookups (src/featurestore)');
features
  .command('materialize <view>')
  .description('load the newest values of a view file (or registered name) into the online store, now or on --cron')
  .option('--cron <expr>', 'create or update the Temporal Schedule features-<view> instead of running once')
  .option('--catchup-window <duration>', 'with --cron: a run missed while Temporal was down still runs if at most this late', '1h')
  .option('--batch-size <n>', 'entities per upsert', (v) => Number(v))
  .option('--json', 'machine-readable output')
  .action(async (view, o) => {
    const { materializeCommand } = await import('./features');
    await withTemporal(({ client }) => withApp((app) => materializeCommand(client, app.db, app.config, view, o)));
  });
features
  .command('list')
  .description('registered feature view versions with their watermark and online rows')
  .option('--json', 'machine-readable output')
  .action(async (o) => {
    const { listCommand } = await import('./features');
    await withApp((app) => listCommand(app.db, !!o.json));
  });
features
  .command('show <view>')
  .description('a view (name, name@version or version): spec, materialization state, schedule')
  .option('--json', 'machine-readable output')
  .action(async (view, o) => {
    const { showCommand } = await import('./features');
    await withTemporal(({ client }) => withApp((app) => showCommand(app.db, client, view, !!o.json)));
  });
features
  .command('get <view> <key...>')
  .description("an entity's stored features (one value per key column)")
  .option('--json', 'machine-readable output')
  .action(async (view, key, o) => {
    const { getCommand } = await import('./features');
    await withApp((app) => getCommand(app.db, view, key, !!o.json));
  });
features
  .command('drift <view>')
  .description("drift of a view's own values: rows in a --current event-time window against a --reference window")
  .requiredOption('--reference <from/to>', 'reference window, e.g. 2026-01-01/2026-02-01')
  .requiredOption('--current <from/to>', 'current window, e.g. 2026-02-01/2026-02-08')
  .option('--json', 'machine-readable output')
  .action(async (view, o) => {
    const { driftCommand } = await import('./features');
    if (!(await withApp((app) => driftCommand(app, view, o)))) process.exitCode = 1;
  });

const drift = program.command('drift').description('drift monitoring');
drift
  .command('check <model>')
  .description("check the production model's recent traffic (or a dataset) for drift now")
  .option('--window <duration>', 'look back this far in the prediction log (default: the spec\'s monitor.window)')
  .option('--data <uri>', 'check this dataset instead of the prediction log')
  .option('--json', 'machine-readable output')
  .action(async (model, o) => {
    const { driftCheckCommand } = await import('./drift');
    await withTemporal(({ client }) => driftCheckCommand(client, loadConfig(), model, o));
  });
drift
  .command('report <id>')
  .description('write a drift report (HTML) to a file')
  .option('--out <file>', 'where to write it (default: drift-<id>.html)')
  .action(async (id, o) =>
    withApp(async ({ db, store }) => {
      const [row] = await db.select().from(driftReports).where(eq(driftReports.id, Number(id)));
      if (!row?.reportHash) throw new CliError(`no drift report ${id}; see \`bosun drift list\``);
      const out = o.out ?? `drift-${id}.html`;
      writeFileSync(out, await store.get(row.reportHash));
      console.log(`wrote ${out}`);
    }),
  );
drift
  .command('list [model]')
  .description('recent drift reports')
  .option('--json', 'machine-readable output')
  .action(async (model, o) =>
    withApp(async ({ db }) => {
      const q = db.select().from(driftReports);
      const rows = (await (model ? q.where(eq(driftReports.modelName, model)) : q).orderBy(desc(driftReports.id)).limit(50)).map((r) => ({
        id: r.id,
        model: r.modelName,
        version: r.modelVersion,
        rows: r.sampleSize,
        drifted: r.drifted,
        retrain: r.retrainRunId,
        at: r.createdAt,
      }));
      if (o.json) printJson(rows);
      else printTable(rows);
    }),
  );

program
  .command('labels')
  .description('ground truth')
  .command('ingest <file>')
  .description('record ground-truth labels (CSV, JSON Lines or Parquet with a request id and a label column)')
  .requiredOption('--model <name>', 'the model the predictions came from')
  .option('--id-column <name>', 'column holding the request id', 'request_id')
  .option('--label-column <name>', 'column holding the label', 'label')
  .action(async (file, o) =>
    withApp(async ({ db }) => {
      const { readLabelFile } = await import('./labels');
      const { recordLabels } = await import('../monitor/labels');
      const n = await recordLabels(db, o.model, await readLabelFile(file, o.idColumn, o.labelColumn));
      console.log(`recorded ${n} labels for ${o.model}`);
    }),
  );

program
  .command('score <model>')
  .description('score every row of a dataset with a registered model (a durable batch run)')
  .requiredOption('--data <uri>', 'file path, s3://bucket/key or http(s):// URL')
  .option('--version <n>', 'model version (default: production)')
  .option('--out <file>', 'write the predictions CSV here')
  .action(async (model, o) => {
    const { scoreCommand } = await import('./score');
    await withTemporal(({ client }) => withApp((app) => scoreCommand(client, app, model, o)));
  });
