import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { findProgram } from '../../src/stack/binaries';
import { freePort } from '../../src/stack/process';
import { startTemporalServer, type TemporalService } from '../../src/stack/temporalServer';
import { expectFinishedOnce, slowTrainingSpec, startFaultHarness, waitForTraining, type FaultHarness } from './support/faults';
import { uniqueName } from './support/stack';

describe('the Temporal server killed with SIGKILL in the middle of training', () => {
  let temporal: TemporalService | undefined;
  let h: FaultHarness | undefined;
  afterAll(async () => {
    await h?.close();
    await temporal?.stop();
  });

  it('comes back on the same database file and port, and the run finishes exactly once', async () => {
    const cfg = loadConfig();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bosun-fault-temporal-'));
    const options = {
      binary: findProgram('temporal', { explicit: cfg.temporal.cliPath, cacheDir: cfg.cacheDir }),
      port: await freePort(),
      uiPort: await freePort(),
      // A file, so that workflows survive the server.
      dbFile: path.join(dir, 'temporal.db'),
      logFile: path.join(dir, 'temporal.log'),
    };
    temporal = await startTemporalServer(options);
    h = await startFaultHarness({ temporalAddress: temporal.address });
    const name = uniqueName('fault-temporal');
    const handle = await h.submit(slowTrainingSpec(name));
    await waitForTraining(handle);

    const killedAt = Date.now();
    process.kill(temporal.pid, 'SIGKILL');
    expect(await temporal.exited).toBe('SIGKILL');
    temporal = await startTemporalServer(options);

    await expectFinishedOnce(h, handle, name);
    // The workflow's history saw one train stage scheduled: the server's restart lost nothing and
    // repeated nothing that had been recorded.
    const history = await handle.fetchHistory();
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
    for (const stage of ['ingest', 'validate', 'features', 'train', 'evaluate']) expect(scheduled.filter((n) => n === stage)).toHaveLength(1);
    // …and the kill did land mid-training: the train stage completed only after it.
    const trainScheduledId = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'train')!.eventId!.toString();
    const trainDone = history.events!.find((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === trainScheduledId)!;
    expect(Number(trainDone.eventTime!.seconds) * 1000).toBeGreaterThan(killedAt - 1000);
  }, 300_000);
});
