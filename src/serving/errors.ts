/**
 * Every 4xx the serving process sends is `{ "error": "<what was wrong, where, what to do>" }`. This module words the
 * errors that Fastify raises before a handler runs (body parsing, schema validation, size limit), so they read like
 * the ones the handler raises for instances (`instances[3].age: expected a number, got "abc"`).
 *
 * A 5xx body never carries an error's own message: a database error's text is the SQL and its parameters (drizzle
 * puts both in the message), and others can hold stack frames, paths or URLs with credentials. It says
 * `internal error` and the request id; the log line with the real error carries the same id (Fastify's request
 * logger binds it as `reqId`), so an operator finds it from what the client saw.
 */
import type { FastifyError } from 'fastify';
import { InstanceValidationError } from '../features';
import { nearestName } from '../features/nearest';
import type { ModelCache } from './modelCache';

/** Longer ids are refused: they end up in the log and in label joins. */
export const MAX_REQUEST_ID_LENGTH = 128;

export interface ErrorBody {
  error: string;
  /** Every problem found, when there were several (instance validation reports up to 50). */
  issues?: string[];
}

/** Raised by the JSON body parser: the message says where the JSON broke. */
export class MalformedJsonError extends Error {
  readonly statusCode = 400;
  constructor(detail: string) {
    super(`body: malformed JSON (${detail}); send {"instances": [{...}, ...]} with Content-Type: application/json`);
    this.name = 'MalformedJsonError';
  }
}

/**
 * A model produced NaN or Infinity for an instance (its inputs, each valid on its own, overflow the model's
 * arithmetic): an answer that cannot be given, so the request is refused (422) naming the instance and the cause.
 */
export class NonFiniteOutputError extends Error {
  readonly statusCode = 422;
  constructor(readonly index: number, detail: string) {
    super(`instances[${index}]: ${detail}`);
    this.name = 'NonFiniteOutputError';
  }
}

/** A 4xx (or a deliberate 503) whose message is already worded for the client and safe to show. */
export class ClientError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** A request id as echoed in an error body: a client's x-request-id can be long, the body stays bounded. */
export function shownId(id: string): string {
  return id.length > MAX_REQUEST_ID_LENGTH ? `${id.slice(0, MAX_REQUEST_ID_LENGTH)}...` : id;
}

/**
 * The answer for a request naming a model the cache has no slot for: 503 while it could still appear (its versions
 * fail to load, or the registry was not read yet), else 404 with the served models and the nearest name.
 */
export function notServedAnswer(cache: Pick<ModelCache, 'problems' | 'initialized' | 'served'>, name: string): { status: number; body: ErrorBody } {
  const problem = cache.problems().get(name);
  if (problem) return { status: 503, body: { error: `model "${name}" is served but not loaded here: ${problem}; retrying` } };
  if (!cache.initialized) return { status: 503, body: { error: `model "${name}": this server has not read the model registry yet; retry shortly` } };
  const served = cache.served();
  const near = nearestName(name, served);
  const list = served.length ? `served models: ${served.join(', ')}` : 'no model has a production version yet; promote one first';
  return { status: 404, body: { error: `model "${name}" is not served here${near ? `; did you mean "${near}"?` : ''} (${list})` } };
}

/** The body of every 500: nothing of the error itself, the request id to find it in the log. */
export function internalErrorBody(requestId: string): ErrorBody {
  return { error: `internal error (request id ${requestId}); the details are in the serving process's log under this id` };
}

/**
 * One line about `err` that is safe to show a client (in a 503 or /readyz): the driver's cause rather than drizzle's
 * "Failed query: <sql> params: <values>" wrapper, the first line only, URLs without credentials, bounded.
 */
export function publicMessage(err: unknown): string {
  let e = err as { message?: unknown; cause?: unknown } | null;
  if (e && typeof e.message === 'string' && e.message.startsWith('Failed query:')) {
    const cause = e.cause as { message?: unknown } | undefined;
    e = cause && typeof cause.message === 'string' ? cause : { message: 'a database query failed' };
  }
  const text = e && typeof e.message === 'string' ? e.message : String(err);
  return scrub(text);
}

/** Keeps the first line of `text`, without the SQL of a failed query, credentials in URLs, or more than 300 chars. */
export function scrub(text: string): string {
  let line = text.split('\n', 1)[0];
  const sqlAt = line.indexOf('Failed query:');
  if (sqlAt >= 0) line = `${line.slice(0, sqlAt)}a database query failed`;
  line = line.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

export interface Limits {
  bodyLimit: number;
  maxInstances: number;
}

/** Status and body for an error raised while handling a request. */
export function describeError(err: FastifyError | Error, limits: Limits, requestId: string, contentLength?: string): { status: number; body: ErrorBody } {
  if (err instanceof InstanceValidationError) {
    const messages = err.issues.map((i) => i.message);
    const more = messages.length > 1 ? ` (and ${messages.length - 1} more problem${messages.length > 2 ? 's' : ''}, listed in "issues")` : '';
    return { status: 400, body: { error: messages[0] + more, ...(messages.length > 1 ? { issues: messages } : {}) } };
  }
  if (err instanceof MalformedJsonError || err instanceof NonFiniteOutputError) return { status: err.statusCode, body: { error: err.message } };
  if (err instanceof ClientError) return { status: err.statusCode, body: { error: err.message } };
  const e = err as FastifyError;
  if (e.validation) return { status: 400, body: { error: describeValidation(e.validation[0], limits) } };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: {
          error:
            `body: ${contentLength ? `${contentLength} bytes is` : 'too large:'} over the ${limits.bodyLimit}-byte limit; ` +
            'send fewer instances per request (or raise BOSUN_SERVE_MAX_BODY_BYTES on the server)',
        },
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: { error: 'body: empty; send {"instances": [{...}, ...]}' } };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: { error: 'body: malformed JSON; send {"instances": [{...}, ...]}' } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: { error: `content-type: not supported; send the body as JSON with Content-Type: application/json` } };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: { error: 'content-length: does not match the body that was sent' } };
  }
  // An error that set a 4xx status did so for the client (Fastify's FST_ERR_* ones, say); anything else is ours.
  const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
  if (status < 500) return { status, body: { error: scrub(e.message) } };
  return { status: 500, body: internalErrorBody(requestId) };
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Words the first JSON-schema violation of the request envelope. */
function describeValidation(v: AjvIssue, limits: Limits): string {
  const shape = 'send {"instances": [{...}, ...]}';
  const path = v.instancePath;
  if (path === '') {
    if (v.keyword === 'required') return `body: missing "${String(v.params.missingProperty)}"; ${shape}`;
    if (v.keyword === 'additionalProperties') return `body: unexpected field "${String(v.params.additionalProperty)}"; the body holds only "instances": ${shape}`;
    return `body: expected a JSON object; ${shape}`;
  }
  if (path === '/instances') {
    if (v.keyword === 'minItems') return 'instances: empty; send at least one instance';
    if (v.keyword === 'maxItems') return `instances: more than ${limits.maxInstances} in one request; split the batch into requests of at most ${limits.maxInstances}`;
    return `instances: expected an array of objects; ${shape}`;
  }
  const m = /^\/instances\/(\d+)$/.exec(path);
  if (m) return `instances[${m[1]}]: expected an object of field values`;
  return `body${path.replaceAll('/', '.')}: ${v.message ?? 'invalid'}`;
}
