import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_CONVERTER_PATH } from '../../workers/createWorker';
import { bundleOnce } from './support/bundle';

// Histories of real runs (scripts/record-histories.ts), replayed against the current workflow code. A change
// that would alter the commands of a run already in flight — or of a finished run answering a `status`
// query, which replays its history — fails here; put it behind patched() (workflows/patches.ts).
// v0-*: recorded on the code before this test existed (commit 7eb4e62); v1-*: on the code that added it.
const DIR = path.resolve(import.meta.dirname, '../fixtures/histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('replaying recorded histories against the current workflow code', () => {
  it('has the histories it promises (approved, rejected, rolled back, failed, drift retraining; old and new code)', () => {
    for (const v of ['v0', 'v1']) {
      for (const label of ['approved-deployed', 'rejected', 'rolled-back', 'failed-bad-input', 'drift-retrain']) expect(files).toContain(`${v}-${label}.json`);
    }
  });

  it.each(files)('%s replays without a nondeterminism error', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(DIR, file), 'utf8')));
    // Throws DeterminismViolationError (or the workflow's own error on replay) when the code diverges.
    await Worker.runReplayHistory({ workflowBundle: await bundleOnce(), dataConverter: { payloadConverterPath: PAYLOAD_CONVERTER_PATH } }, history, file);
  });
});
