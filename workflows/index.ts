// Every workflow the pipeline worker runs (the worker bundles this module).
export { trainingPipeline } from './trainingPipeline';
export { enginePipeline, bareChain } from './benchPipeline';
export { driftCheck } from './driftCheck';
export { batchScore } from './batchScore';
