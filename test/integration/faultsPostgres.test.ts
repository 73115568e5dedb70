import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/stack/process';
import { startPostgres, type PostgresService } from '../../src/stack/postgresServer';
import { expectFinishedOnce, killTree, slowTrainingSpec, startFaultHarness, waitForTrainFailure, waitForTraining, type FaultHarness } from './support/faults';
import { uniqueName } from './support/stack';

describe('PostgreSQL killed with SIGKILL in the middle of a run', () => {
  let pg: PostgresService | undefined;
  let h: FaultHarness | undefined;
  afterAll(async () => {
    await h?.close().catch(() => {});
    await pg?.stop();
  });

  it('comes back on the same data directory, and the run finishes exactly once with the database consistent', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-fault-pg-'));
    // PostgreSQL runs as its own user when we are root: it must be able to reach its data directory.
    chmodSync(dir, 0o755);
    const options = { dataDir: path.join(dir, 'pg'), port: await freePort(), logFile: path.join(dir, 'postgres.log') };
    pg = await startPostgres(options);
    h = await startFaultHarness({ databaseUrl: pg.databaseUrl });
    const name = uniqueName('fault-pg');
    const handle = await h.submit(slowTrainingSpec(name));
    await waitForTraining(handle);

    // The server and its backends die at once, as in a crash; it stays down until the train stage has
    // failed against it (training ended and could not record its model), then comes back.
    killTree(pg.postmasterPid());
    const failure = await waitForTrainFailure(handle);
    expect(failure).toMatch(/ECONNREFUSED|connect|terminat|closed/i);
    pg = await startPostgres(options);

    await expectFinishedOnce(h, handle, name);
  }, 300_000);
});
