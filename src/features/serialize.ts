/** The fitted-features artifact on disk: versioned JSON, validated on load. Format: docs/features-format.md. */
import { FEATURES_FORMAT, FEATURES_VERSION, fittedFeaturesSchema, type FittedFeatures } from './fitted';
import { formatPath } from './spec';
import { runSteps } from './transform';

export class FeaturesArtifactError extends Error {
  constructor(problems: string[]) {
    super(`invalid features artifact:\n  - ${problems.join('\n  - ')}`);
    this.name = 'FeaturesArtifactError';
  }
}

export function serializeFeatures(fitted: FittedFeatures): string {
  // Validate first: JSON.stringify would quietly write NaN as null and the artifact would then fail to load.
  check(fitted);
  return JSON.stringify(fitted, null, 2);
}

/** Parses and validates an artifact (JSON text or an already-parsed object). */
export function deserializeFeatures(input: string | unknown): FittedFeatures {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      throw new FeaturesArtifactError([`not valid JSON (${(e as Error).message})`]);
    }
  }
  return check(raw);
}

function check(raw: unknown): FittedFeatures {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FeaturesArtifactError(['expected a JSON object']);
  const { format, version } = raw as { format?: unknown; version?: unknown };
  if (format !== FEATURES_FORMAT) {
    throw new FeaturesArtifactError([`format is ${JSON.stringify(format)}, expected "${FEATURES_FORMAT}"; this is not a fitted-features artifact`]);
  }
  if (version !== FEATURES_VERSION) {
    const newer = typeof version === 'number' && version > FEATURES_VERSION;
    throw new FeaturesArtifactError([
      newer
        ? `version ${version} is newer than this build understands (${FEATURES_VERSION}); upgrade bosun to load it`
        : `version ${JSON.stringify(version)} is not supported (this build reads version ${FEATURES_VERSION}); refit the features`,
    ]);
  }
  const parsed = fittedFeaturesSchema.safeParse(raw);
  if (!parsed.success) throw new FeaturesArtifactError(parsed.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`));
  const fitted = parsed.data;
  const problems = consistencyProblems(fitted);
  if (problems.length > 0) throw new FeaturesArtifactError(problems);
  return fitted;
}

/** Catches artifacts that parse but could not have come from a fit (hand edits, truncation, mixed-up files). */
function consistencyProblems(fitted: FittedFeatures): string[] {
  const problems: string[] = [];
  const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);
  for (const d of new Set(dupes(fitted.inputSchema.map((c) => c.name)))) problems.push(`inputSchema: column "${d}" is listed twice`);
  for (const d of new Set(dupes(fitted.outputNames))) problems.push(`outputNames: "${d}" is listed twice`);
  if (fitted.target !== null && fitted.inputSchema.some((c) => c.name === fitted.target)) {
    problems.push(`inputSchema: contains the target "${fitted.target}"`);
  }
  fitted.steps.forEach((step, i) => {
    if (step.op === 'bucketize') {
      step.columns.forEach((c, j) => {
        if (!c.boundaries.every((b, k) => k === 0 || b > c.boundaries[k - 1])) problems.push(`steps[${i}].columns[${j}].boundaries: must be strictly increasing`);
      });
    }
    if (step.op === 'clip') {
      step.columns.forEach((c, j) => {
        if (c.min !== null && c.max !== null && c.min > c.max) problems.push(`steps[${i}].columns[${j}]: min ${c.min} is greater than max ${c.max}`);
      });
    }
  });
  if (problems.length > 0) return problems;
  // Dry run on zero rows with the real apply code: every step must find its columns with the right types, and the
  // columns it ends with must be exactly outputNames.
  const empty = {
    nrows: 0,
    columns: fitted.inputSchema.map((c) =>
      c.type === 'categorical' || c.type === 'text'
        ? { name: c.name, type: c.type, codes: new Int32Array(0), levels: [] }
        : { name: c.name, type: c.type, values: new Float64Array(0) },
    ),
  };
  try {
    const frame = runSteps(fitted, empty, (row, column) => `column "${column}"`, 'artifact');
    const produced = frame.names().filter((n) => fitted.passthrough === 'keep' || frame.touched(n));
    if (produced.join('\u0000') !== fitted.outputNames.join('\u0000')) {
      problems.push(`outputNames: the steps produce [${produced.join(', ')}] but the artifact lists [${fitted.outputNames.join(', ')}]`);
    } else frame.floats(produced);
  } catch (e) {
    problems.push((e as Error).message);
  }
  return problems;
}
