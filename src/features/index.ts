/**
 * Feature engineering: a spec of transform steps is validated against the table schema at submit time, fitted on the
 * training split, serialized as a versioned artifact, and applied by the same code to tables and to serving instances.
 */
export {
  featuresSpecSchema,
  featureStepSchema,
  parseFeaturesSpec,
  featuresSpecToInput,
  formatPath,
  FeaturesSpecError,
  DATETIME_PARTS,
  DEFAULT_DATETIME_PARTS,
  FEATURE_OPS,
} from './spec';
export type {
  FeaturesSpec,
  StepsFeaturesSpec,
  AutoFeaturesSpec,
  FeatureStep,
  FeatureOp,
  DatetimePart,
  ImputeStrategy,
  HandleUnknown,
  Passthrough,
} from './spec';
export { validateFeaturesSpec, planFeatures } from './validate';
export type { ColumnInfo, ValidateOptions, FeaturesPlan } from './validate';
export { autoFeaturesSpec, AUTO_MAX_CATEGORIES } from './auto';
export type { AutoFeatures } from './auto';
export { fitFeatures } from './fit';
export type { FitOptions } from './fit';
export { transformTable } from './transform';
export { transformInstances, instancesToTable, InstanceValidationError } from './instances';
export type { InstanceIssue } from './instances';
export { serializeFeatures, deserializeFeatures, FeaturesArtifactError } from './serialize';
export { FEATURES_FORMAT, FEATURES_VERSION, fittedFeaturesSchema } from './fitted';
export type { FittedFeatures, FittedStep } from './fitted';
export { parseExpr, exprColumns, ExprSyntaxError, EXPR_FUNCTIONS } from './expr';
export type { ExprNode, ExprFunction } from './expr';
export { nearestName, levenshtein } from './nearest';
