// A model trained in Python: the train step is a scikit-learn function (python/breast_cancer_steps.py) run on the
// Python worker, exported to ONNX there, then evaluated, approved and served by Bosun like any model.
//   export BOSUN_PYTHON=$(bash scripts/python-env.sh)
//   BOSUN_PYTHON_STEPS=pipelines/python/breast_cancer_steps.py npx bosun dev --run pipelines/sklearn-python.ts
// Approve from another terminal (or the Web UI): npx bosun approve <run id> --reviewer dr-ada
import { definePipeline } from '../src/pipeline/spec';

export default definePipeline({
  name: 'breast-cancer-sklearn',
  description: 'Malignant vs benign by a scikit-learn StandardScaler + LogisticRegression trained in a Python step.',
  source: '../data/breast_cancer.csv',
  target: 'diagnosis',
  positiveClass: 'malignant',
  seed: 42,
  validation: { rowCount: { min: 100 }, target: { minClassCount: 20 } },
  // The scikit-learn pipeline scales by itself: it gets the raw numeric columns, as serving will feed them.
  features: { steps: [], passthrough: 'keep' },
  split: { strategy: 'stratified', testSize: 0.25 },
  // Required by the spec; with a train step below it is not fitted (the Python model takes its place).
  model: { algorithm: 'logistic_regression' },
  steps: [{ name: 'sklearn-fit', kind: 'train', python: 'breast_cancer_steps:fit_scaled_logistic', params: { c: 1 } }],
  evaluation: {
    primaryMetric: 'roc_auc',
    gates: [
      { metric: 'roc_auc', min: 0.95 },
      { metric: 'recall', min: 0.85 },
    ],
  },
  approval: { approvers: ['role:clinical-leads'], roles: { 'clinical-leads': ['dr-ada', 'dr-grace'] }, required: 1 },
});
