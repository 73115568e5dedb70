export { computeSlices, quantileEdges, MISSING_LABEL } from './slices';
export type { SliceOptions, Slice, FairnessGap, ColumnSlices, SliceReport } from './slices';
export { permutationImportance, metricScorer } from './importance';
export type { Predictor, Scorer, PermutationImportanceOptions, FeatureImportance, PermutationImportance } from './importance';
export { decide, defaultPrimaryMetric, formatNumber, evaluationSpecSchema, parseEvaluationSpec, checkSpecForTask } from './gates';
export type { Decision, GateSubject, EvaluationSpec, Gate } from './gates';
