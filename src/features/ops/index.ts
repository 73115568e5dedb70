/** Dispatch from a step to its transform. Fitting learns parameters only; the frame is advanced by applying them. */
import type { FittedStep } from '../fitted';
import type { Frame, StepContext } from '../frame';
import type { FeatureStep } from '../spec';
import { applyBucketize, fitBucketize } from './bucketize';
import { applyDatetime, fitDatetime } from './datetime';
import { applyDerive, fitDerive } from './derive';
import { applyClip, applyLog1p, fitClip, fitLog1p } from './elementwise';
import { applyImpute, fitImpute } from './impute';
import { applyOnehot, fitOnehot } from './onehot';
import { applyOrdinal, fitOrdinal } from './ordinal';
import { applyMinmax, applyStandardize, fitMinmax, fitStandardize } from './scale';

export function fitStep(step: FeatureStep, frame: Frame, ctx: StepContext): FittedStep {
  switch (step.op) {
    case 'impute':
      return fitImpute(step, frame, ctx);
    case 'standardize':
      return fitStandardize(step, frame, ctx);
    case 'minmax':
      return fitMinmax(step, frame, ctx);
    case 'onehot':
      return fitOnehot(step, frame, ctx);
    case 'ordinal':
      return fitOrdinal(step, frame, ctx);
    case 'bucketize':
      return fitBucketize(step, frame, ctx);
    case 'log1p':
      return fitLog1p(step, frame, ctx);
    case 'clip':
      return fitClip(step, frame, ctx);
    case 'datetime':
      return fitDatetime(step, frame, ctx);
    case 'derive':
      return fitDerive(step, frame, ctx);
    case 'drop':
      return { op: 'drop', columns: [...step.columns] };
  }
}

export function applyStep(step: FittedStep, frame: Frame, ctx: StepContext): void {
  switch (step.op) {
    case 'impute':
      return applyImpute(step, frame, ctx);
    case 'standardize':
      return applyStandardize(step, frame, ctx);
    case 'minmax':
      return applyMinmax(step, frame, ctx);
    case 'onehot':
      return applyOnehot(step, frame, ctx);
    case 'ordinal':
      return applyOrdinal(step, frame, ctx);
    case 'bucketize':
      return applyBucketize(step, frame, ctx);
    case 'log1p':
      return applyLog1p(step, frame, ctx);
    case 'clip':
      return applyClip(step, frame, ctx);
    case 'datetime':
      return applyDatetime(step, frame, ctx);
    case 'derive':
      return applyDerive(step, frame, ctx);
    case 'drop':
      // Columns never read before the drop are not in the input schema at all, so a missing one is fine.
      for (const name of step.columns) frame.remove(name);
      return;
  }
}
