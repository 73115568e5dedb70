export { renderEvaluationReport } from './render';
export type { EvaluationReportInput, ReportModel, RunMetadata } from './render';
