/**
 * POST /v1/models/<name>/feedback: ground truth for earlier predictions, joined to them by request id
 * (the `x-request-id` a client sent, or the one serving returned; instance i of a multi-instance request is
 * `<id>/<i>`). Drift checks use it to measure live performance against the evaluation baseline.
 *
 *   {"labels": [{"request_id": "r-1", "label": "malignant"}, …]}   or   {"request_id": "r-1", "label": 3.5}
 *
 * Everything is checked before anything is written, and a refusal is a 400 naming the field:
 * - a request id is 1 to 128 characters of text without control characters (they cannot be stored, or would
 *   never match the id a prediction was logged under);
 * - a label is one of the model's classes (a number or boolean is read as its text, `1` for class "1"), or for a
 *   regression model a finite number;
 * - the same request id twice in one body with the same label counts once; with different labels it is refused;
 * - a request id this model never answered (not in the prediction log, nor queued for it) is refused: a label for
 *   nothing would silently never join.
 *
 * This module checks bodies and finds answered ids; the route is plugins/feedback.ts.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { predictionLog } from '../db/schema';
import type { LabelRecord } from '../monitor/labels';
import { ClientError } from './errors';
import type { ModelSlot } from './modelCache';

export const MAX_LABELS = 10_000;
export const MAX_FEEDBACK_ID_LENGTH = 128;

/** What labels are checked against: the classes of the served versions, or none for regression. */
export interface LabelTarget {
  model: string;
  /** null for regression. */
  classes: readonly string[] | null;
}

/** A labelled request id, with where it was in the body (for messages). */
export interface ParsedLabel extends LabelRecord {
  field: string;
}

const SHAPE = 'send {"labels": [{"request_id": "<id>", "label": <value>}, ...]}';

/** Control characters (C0, DEL, C1) and lone surrogates: not text a request id can be. */
const NOT_TEXT = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

/** A value as quoted in a message: strings shortened, anything else by its kind. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Checks a feedback body and returns its labels, deduplicated; throws a 400 ClientError naming the field. */
export function parseFeedback(body: unknown, target: LabelTarget): ParsedLabel[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ClientError(400, `body: expected a JSON object; ${SHAPE}`);
  const b = body as Record<string, unknown>;
  let items: unknown[];
  let at: (i: number) => string;
  if ('labels' in b) {
    const extra = Object.keys(b).find((k) => k !== 'labels');
    if (extra !== undefined) throw new ClientError(400, `body: unexpected field ${JSON.stringify(extra)} next to "labels"; ${SHAPE}`);
    if (!Array.isArray(b.labels)) throw new ClientError(400, `labels: expected an array, got ${show(b.labels)}; ${SHAPE}`);
    if (b.labels.length === 0) throw new ClientError(400, 'labels: empty; send at least one label');
    if (b.labels.length > MAX_LABELS) throw new ClientError(400, `labels: ${b.labels.length} in one request, at most ${MAX_LABELS}; split them into several requests`);
    items = b.labels;
    at = (i) => `labels[${i}]`;
  } else {
    items = [b];
    at = () => 'body';
  }
  const out: ParsedLabel[] = [];
  const seen = new Map<string, { field: string; label: unknown }>();
  items.forEach((item, i) => {
    const where = at(i);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ClientError(400, `${where}: expected an object {"request_id": ..., "label": ...}, got ${show(item)}`);
    const o = item as Record<string, unknown>;
    const extra = Object.keys(o).find((k) => k !== 'request_id' && k !== 'label');
    if (extra !== undefined) throw new ClientError(400, `${where}: unexpected field ${JSON.stringify(extra)}; a label has only "request_id" and "label"`);
    const requestId = checkRequestId(o.request_id, `${where}.request_id`);
    const label = checkLabel(o.label, `${where}.label`, target);
    const before = seen.get(requestId);
    if (before) {
      if (before.label === label) return; // the same label sent twice: one row
      throw new ClientError(400, `${where}.request_id: ${show(requestId)} already has label ${show(before.label)} at ${before.field}; send one label per request id`);
    }
    seen.set(requestId, { field: where, label });
    out.push({ requestId, label, field: where });
  });
  return out;
}

function checkRequestId(v: unknown, field: string): string {
  if (v === undefined) throw new ClientError(400, `${field}: missing; give the x-request-id of the prediction`);
  if (typeof v !== 'string') throw new ClientError(400, `${field}: expected a string, got ${show(v)}`);
  if (v.length === 0) throw new ClientError(400, `${field}: empty; give the x-request-id of the prediction`);
  if (v.length > MAX_FEEDBACK_ID_LENGTH) throw new ClientError(400, `${field}: ${v.length} characters, at most ${MAX_FEEDBACK_ID_LENGTH} allowed`);
  const bad = NOT_TEXT.exec(v);
  if (bad) {
    const code = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new ClientError(400, `${field}: contains the control character ${code} at position ${bad.index}; request ids are printable text`);
  }
  return v;
}

function checkLabel(v: unknown, field: string, t: LabelTarget): string | number {
  if (v === undefined || v === null) throw new ClientError(400, `${field}: missing; give the true ${t.classes ? 'class' : 'value'}`);
  if (t.classes === null) {
    if (typeof v !== 'number') throw new ClientError(400, `${field}: expected a number (model "${t.model}" is a regression), got ${show(v)}`);
    if (!Number.isFinite(v)) throw new ClientError(400, `${field}: expected a finite number, got ${v}`);
    return v;
  }
  // Classes are text; a number or boolean names the class with that text ("1", "true").
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  if (text === null || !t.classes.includes(text)) {
    const list = t.classes.length > 20 ? `${t.classes.slice(0, 20).join(', ')}, ...` : t.classes.join(', ');
    throw new ClientError(400, `${field}: ${show(v)} is not a class of model "${t.model}" (classes: ${list})`);
  }
  return text;
}

/** The classes labels may take: those of production and of a challenger (which could have more). */
export function labelTarget(slot: ModelSlot): LabelTarget {
  const versions = [slot.production, ...(slot.challenger ? [slot.challenger.version] : [])];
  if (versions.every((v) => v.task.kind === 'regression')) return { model: slot.name, classes: null };
  const classes = new Set<string>();
  for (const v of versions) if (v.task.kind !== 'regression') for (const c of v.task.classes) classes.add(c);
  return { model: slot.name, classes: [...classes] };
}

/** Request ids among `ids` that `model` has a prediction for, logged or still queued. */
export async function answeredIds(db: Db, model: string, ids: string[], queued: Set<string>): Promise<Set<string>> {
  const known = new Set(ids.filter((id) => queued.has(id)));
  const rest = ids.filter((id) => !known.has(id));
  for (let i = 0; i < rest.length; i += 1000) {
    const chunk = rest.slice(i, i + 1000);
    const rows = await db
      .selectDistinct({ id: predictionLog.requestId })
      .from(predictionLog)
      .where(and(eq(predictionLog.modelName, model), inArray(predictionLog.requestId, chunk)));
    for (const r of rows) known.add(r.id);
  }
  return known;
}
