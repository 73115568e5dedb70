// The demo pipeline: `npx bosun dev --run pipelines/breast-cancer.ts` runs it end to end.
import { definePipeline } from '../src/pipeline/spec';

export default definePipeline({
  name: 'breast-cancer',
  description: 'Malignant vs benign from 30 cell-nucleus measurements (Wisconsin Diagnostic Breast Cancer).',
  source: '../data/breast_cancer.csv',
  target: 'diagnosis',
  positiveClass: 'malignant',
  seed: 42,
  validation: {
    rowCount: { min: 100 },
    target: { minClassCount: 20 },
  },
  features: 'auto',
  split: { strategy: 'stratified', testSize: 0.25 },
  model: {
    algorithm: 'logistic_regression',
    search: { strategy: 'grid', space: { c: [0.1, 1, 10] }, metric: 'roc_auc' },
  },
  evaluation: {
    primaryMetric: 'roc_auc',
    gates: [
      { metric: 'roc_auc', min: 0.95 },
      { metric: 'recall', min: 0.85 },
    ],
    champion: { mustBeatBy: 0 },
  },
  approval: { approvers: ['role:clinical-leads'], roles: { 'clinical-leads': ['dr-ada', 'dr-grace'] }, required: 1, fourEyes: true },
});
