import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyStatement, parseRow, RowEncoder, rowKey } from '../../../src/serving/logRows';

describe('prediction-log rows (COPY text)', () => {
  it('reads back every value it encodes, whatever the characters (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(
        text,
        text,
        fc.option(text),
        fc.jsonValue(),
        fc.constantFrom('', ' ', '\n', '\t', '\r\n'),
        fc.boolean(),
        fc.double({ min: 0, max: 1e6, noNaN: true }), // a latency: never negative
        (modelName, requestId, error, features, space, shadow, latencyMs) => {
          // Instance text as a client may send it: whitespace (newlines, tabs) between tokens, escapes inside strings.
          const featuresText = JSON.stringify({ v: features }, null, space === '' ? undefined : space);
          const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
          const line = new RowEncoder().row({ modelName, modelVersion: 7, requestId, features: featuresText, error, shadow, latencyMs, at }, JSON.stringify({ label: modelName }));
          expect(line).not.toMatch(/[\n\r]/);
          expect(line.split('\t')).toHaveLength(9);
          expect(rowKey(line)).toEqual({ modelName, requestId });
          expect(parseRow(line)).toEqual({
            model_name: modelName,
            model_version: 7,
            request_id: requestId,
            features: JSON.parse(featuresText),
            output: { label: modelName },
            error,
            shadow,
            latency_ms: latencyMs,
            created_at: '2026-01-02T03:04:05.678Z',
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes a non-finite latency as 0 and null as \\N', () => {
    const line = new RowEncoder().row({ modelName: 'm', modelVersion: 1, requestId: 'r', features: '', error: null, shadow: false, latencyMs: Number.NaN, at: 0 }, '{}');
    expect(line).toBe('m\t1\tr\t{}\t{}\t\\N\tf\t0\t1970-01-01T00:00:00.000Z');
  });

  it('names the table’s columns in the order of a line', () => {
    expect(copyStatement('stdin')).toBe('copy "prediction_log" ("model_name", "model_version", "request_id", "features", "output", "error", "shadow", "latency_ms", "created_at") from stdin');
  });
});
