// A model trained elsewhere, registered as an ONNX file: evaluated against the champion with the same gates,
// approved, deployed and served like a model Bosun fits. See docs/onnx.md.
//   npx bosun dev --run pipelines/onnx-model.ts
// models/breast-cancer-lr.onnx is shaped like a scikit-learn export (skl2onnx): one unnamed float input
// [N, 30], an int64 label and ZipMap probabilities keyed 0 and 1; models/make-breast-cancer-onnx.ts writes it.
import { definePipeline } from '../src/pipeline/spec';

export default definePipeline({
  name: 'breast-cancer-onnx',
  description: 'Malignant vs benign, scored by an externally trained StandardScaler + LogisticRegression (ONNX).',
  source: '../data/breast_cancer.csv',
  target: 'diagnosis',
  positiveClass: 'malignant',
  validation: { rowCount: { min: 100 }, target: { minClassCount: 20 } },
  // The model does its own scaling: feed it the raw numeric columns.
  features: { steps: [], passthrough: 'keep' },
  split: { strategy: 'stratified', testSize: 0.25 },
  model: {
    onnx: './models/breast-cancer-lr.onnx',
    framework: 'sklearn.pipeline.Pipeline(StandardScaler, LogisticRegression)',
    // The file's one input does not name its columns: these are they, in the order it was trained on.
    inputs: [
      'mean radius',
      'mean texture',
      'mean perimeter',
      'mean area',
      'mean smoothness',
      'mean compactness',
      'mean concavity',
      'mean concave points',
      'mean symmetry',
      'mean fractal dimension',
      'radius error',
      'texture error',
      'perimeter error',
      'area error',
      'smoothness error',
      'compactness error',
      'concavity error',
      'concave points error',
      'symmetry error',
      'fractal dimension error',
      'worst radius',
      'worst texture',
      'worst perimeter',
      'worst area',
      'worst smoothness',
      'worst compactness',
      'worst concavity',
      'worst concave points',
      'worst symmetry',
      'worst fractal dimension',
    ],
    // Its ZipMap keys the probabilities 0 and 1; in the data they are these labels.
    classes: ['benign', 'malignant'],
  },
  evaluation: {
    primaryMetric: 'roc_auc',
    gates: [
      { metric: 'roc_auc', min: 0.95 },
      { metric: 'recall', min: 0.85 },
    ],
    champion: { mustBeatBy: 0 },
  },
  approval: { approvers: ['role:clinical-leads'], roles: { 'clinical-leads': ['dr-ada', 'dr-grace'] }, required: 1 },
});
