/**
 * Every 4xx the serving process sends is `{ "error": "<what was wrong, where, what to do>" }`. This module words the
 * errors that Fastify raises before a handler runs (body parsing, schema validation, size limit), so they read like
 * the ones the handler raises for instances (`instances[3].age: expected a number, got "abc"`).
 */
import type { FastifyError } from 'fastify';
import { InstanceValidationError } from '../features';

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

export interface Limits {
  bodyLimit: number;
  maxInstances: number;
}

/** Status and body for an error raised while handling a request. */
export function describeError(err: FastifyError | Error, limits: Limits, contentLength?: string): { status: number; body: ErrorBody } {
  if (err instanceof InstanceValidationError) {
    const messages = err.issues.map((i) => i.message);
    const more = messages.length > 1 ? ` (and ${messages.length - 1} more problem${messages.length > 2 ? 's' : ''}, listed in "issues")` : '';
    return { status: 400, body: { error: messages[0] + more, ...(messages.length > 1 ? { issues: messages } : {}) } };
  }
  if (err instanceof MalformedJsonError) return { status: 400, body: { error: err.message } };
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
  const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  if (status < 500) return { status, body: { error: e.message } };
  return { status, body: { error: `internal error: ${e.message}; see the serving process's log` } };
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
