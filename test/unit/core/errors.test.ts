import { ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { CliError, isReportable } from '../../../src/cli/output';
import { ConfigError } from '../../../src/config';
import { DataError } from '../../../src/data/errors';
import { DatabaseError } from '../../../src/db/client';
import { isUserError, UserError } from '../../../src/errors';
import { BadInputError } from '../../../src/pipeline/errors';
import { PipelineFileError } from '../../../src/pipeline/loadPipeline';
import { SpecError } from '../../../src/pipeline/spec';
import { PromotionRefusedError, RegistryError } from '../../../src/registry/registry';
import { MissingProgramError } from '../../../src/stack/binaries';
import { LocalDataError } from '../../../src/storage/localUpload';
import { ObjectStoreError } from '../../../src/storage/s3Store';
import { TemporalUnreachableError } from '../../../src/temporal/connection';

describe('errors a person fixes', () => {
  it('are UserErrors by class, whatever their message says', () => {
    const users = [
      new ConfigError('x'),
      new SpecError(['x']),
      new BadInputError('x'),
      new CliError('x'),
      new PipelineFileError('x'),
      new LocalDataError('x'),
      new RegistryError('x'),
      new PromotionRefusedError('x'),
      new DatabaseError('x'),
      new ObjectStoreError('x'),
      new TemporalUnreachableError('x'),
      new MissingProgramError('x'),
    ];
    for (const e of users) expect([e.name, isUserError(e)]).toEqual([e.name, true]);
    // A bug stays a bug even if its message reads like a user's mistake.
    expect(isUserError(Object.assign(new Error('config: bad value'), { name: 'ConfigError' }))).toBe(false);
  });

  it('keep their names; BadInputError keeps "BadInput", the type workflows refuse to retry', () => {
    expect(new BadInputError('x').name).toBe('BadInput');
    expect(new PipelineFileError('x').name).toBe('PipelineFileError');
    expect(new CliError('x').name).toBe('CliError');
    class Custom extends UserError {}
    expect(new Custom('x').name).toBe('Custom');
  });

  it('the CLI prints without a stack: user errors, data errors and Temporal\'s not-found errors, nothing else', () => {
    expect(isReportable(new LocalDataError('x'))).toBe(true);
    expect(isReportable(new DataError('empty-input', 'x'))).toBe(true);
    expect(isReportable(new WorkflowNotFoundError('x', 'wf', undefined))).toBe(true);
    expect(isReportable(new ScheduleNotFoundError('x', 'sched'))).toBe(true);
    expect(isReportable(new TypeError('x'))).toBe(false);
    expect(isReportable('a string')).toBe(false);
  });
});
