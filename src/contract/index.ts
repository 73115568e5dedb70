/**
 * The workflow contract, one leaf module imported by workflows, activities, clients and the library alike:
 * inputs, outputs and plans, signals and queries, search attributes, and each workflow's signature. It imports
 * nothing of Bosun but types, so `src/` never needs `workflows/`, `activities/` or `workers/` (eslint.config.js).
 */
export * from './types';
export * from './messages';
export * from './searchAttributes';
export * from './trainingPipeline';
export * from './driftCheck';
export * from './batchScore';
export * from './steps';
