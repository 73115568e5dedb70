/**
 * The `bosun` command line (bin/bosun.mjs runs this): the library's commands (src/cli/program.ts) and the three
 * that run Bosun's own processes — `dev`, `worker`, `serve` — which live here beside the workers they start, so
 * that src/ never imports workers/.
 */
import { InvalidArgumentError, Option } from 'commander';
import { WORKER_QUEUES, type WorkerQueue } from './pipelineWorker';
import { program } from '../src/cli/program';
import { reportError, reportUncaught } from '../src/cli/output';

program
  .command('dev')
  .description('start the local stack: Temporal dev server + Web UI, database, artifact store, pipeline worker')
  .option('--run <pipeline>', 'submit this pipeline file once the stack is up, and follow it')
  .option('--exit-after-run', 'stop the stack when that run ends (scripts, CI)')
  .addOption(new Option('--db-port <port>', 'port to serve the embedded database on').default(5433).argParser(Number))
  .action(async (o) => {
    const { devCommand } = await import('./dev');
    await devCommand({ run: o.run, exitAfterRun: o.exitAfterRun, dbPort: o.dbPort });
  });

program
  .command('serve')
  .description('the serving process: KServe v1 predictions for every production model, hot-swapped on promotion')
  .action(async () => {
    const { serveCommand } = await import('./serving');
    await serveCommand();
  });

program
  .command('worker')
  .description('run a pipeline worker against TEMPORAL_ADDRESS (servers; `bosun dev` starts one itself)')
  .addOption(
    new Option('--queues <queues>', 'which task queues to poll: pipeline (workflows and quick stages), training (BOSUN_TRAINING_TASK_QUEUE), or both')
      .default('pipeline,training')
      .argParser(parseQueues),
  )
  .action(async (o: { queues: WorkerQueue[] }) => {
    const { workerCommand } = await import('./pipeline');
    await workerCommand({ queues: o.queues });
  });

function parseQueues(value: string): WorkerQueue[] {
  const queues = value.split(',').map((q) => q.trim()).filter(Boolean);
  const bad = queues.filter((q) => !(WORKER_QUEUES as readonly string[]).includes(q));
  if (bad.length || !queues.length) throw new InvalidArgumentError(`expected a comma-separated list of ${WORKER_QUEUES.join(', ')}; got ${JSON.stringify(value)}`);
  return queues as WorkerQueue[];
}

reportUncaught();
program.parseAsync(process.argv).catch(reportError);
