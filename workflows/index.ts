// Every workflow the pipeline worker runs (the worker bundles this module).
import type { BatchScoreWorkflow, DriftCheckWorkflow, TrainingPipelineWorkflow } from '../src/contract';
import { batchScore } from './batchScore';
import { driftCheck } from './driftCheck';
import { trainingPipeline } from './trainingPipeline';

export { trainingPipeline, driftCheck, batchScore };
export { enginePipeline, bareChain } from './benchPipeline';
export { pythonStep } from './pythonStep';
export { materializeFeatures } from './materializeFeatures';

// Clients start workflows by name with the contract's signatures (src/contract): these keep the two in step.
const _contract: [TrainingPipelineWorkflow, DriftCheckWorkflow, BatchScoreWorkflow] = [trainingPipeline, driftCheck, batchScore];
