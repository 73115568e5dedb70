import type { FittedStep } from '../fitted';
import type { FeatureStep } from '../spec';

export type StepOf<K extends FeatureStep['op']> = Extract<FeatureStep, { op: K }>;
export type FittedOf<K extends FittedStep['op']> = Extract<FittedStep, { op: K }>;

