/**
 * The `bosun` command line (bin/bosun.mjs runs this): the library's commands (src/cli/program.ts) and the three
 * that run Bosun's own processes — `dev`, `worker`, `serve` — which live here beside the workers they start, so
 * that src/ never imports workers/.
 */
import { Option } from 'commander';
import { program } from '../src/cli/program';
import { reportError } from '../src/cli/output';

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
  .action(async () => {
    const { workerCommand } = await import('./pipeline');
    await workerCommand();
  });

program.parseAsync(process.argv).catch(reportError);
