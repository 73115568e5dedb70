/**
 * What an approver's signal may carry, bounded and checked before any of it touches workflow state, the
 * audit table or history-visible results. Anyone who can send a signal can send anything: a NUL byte
 * (PostgreSQL text refuses it), a megabyte of comment, bidi overrides that make one reviewer id look like
 * another, or a payload the data converter could not decode. None of that may fail or wedge a run: it is
 * refused, and the audit keeps a bounded, printable summary. Pure and deterministic (workflow code imports it).
 */

export const LIMITS = { reviewer: 128, comment: 2000, modelVersion: 32 } as const;

/** Set by Bosun's payload converter in place of a value it could not decode (see src/temporal/payloadConverter.ts). */
export const UNDECODABLE = '__bosunUndecodable';

export interface Decision {
  reviewer: string;
  comment?: string;
  modelVersion?: string;
  /** The sha256 of the model artifact the reviewer looked at; when given it must match the candidate's. */
  modelSha256?: string;
  /** A signed decision token (src/approval/identity.ts), checked when the policy requires signatures. */
  token?: string;
}

export type ParsedDecision = { ok: true; decision: Decision } | { ok: false; reason: string; reviewer: string; comment?: string };

const KNOWN_FIELDS = ['reviewer', 'comment', 'modelVersion', 'modelSha256', 'token'];
const TOKEN_MAX = 2048;
const EXAMPLE = '{"reviewer": "<id>", "comment": "…", "modelVersion": "<candidate version>"}';

/**
 * C0/C1 controls, zero-width and bidi formatting characters, line/paragraph separators and the BOM. In a
 * reviewer id they are refused outright; a comment may keep newlines and tabs.
 */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
const FORBIDDEN_IN_COMMENT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
const SHA256 = /^[0-9a-f]{64}$/;
/** An unpaired UTF-16 surrogate: not text, and PostgreSQL would store a replacement character instead. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function parseDecision(payload: unknown): ParsedDecision {
  if (typeof payload === 'object' && payload !== null && UNDECODABLE in payload) {
    return refuse(`malformed: the signal's payload could not be decoded (${printable(String((payload as Record<string, unknown>)[UNDECODABLE]), 200)}); send JSON like ${EXAMPLE}`, payload);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return refuse(`malformed: expected a JSON object like ${EXAMPLE}`, payload);
  }
  const p = payload as Record<string, unknown>;
  const unknown = Object.keys(p).filter((k) => !KNOWN_FIELDS.includes(k));
  if (unknown.length) return refuse(`malformed: unknown field ${printable(JSON.stringify(unknown[0]), 60)}; a decision has ${KNOWN_FIELDS.join(', ')}`, p);
  const reviewer = p.reviewer;
  if (typeof reviewer !== 'string' || reviewer.trim() === '') return refuse('malformed: "reviewer" must be a non-empty string', p);
  if (reviewer.length > LIMITS.reviewer) return refuse(`malformed: "reviewer" is ${reviewer.length} characters; at most ${LIMITS.reviewer}`, p);
  const badChar = firstBad(reviewer, FORBIDDEN);
  if (badChar) return refuse(`malformed: "reviewer" contains ${badChar}; use a plain id such as "dr-ada"`, p);
  if (p.comment !== undefined && typeof p.comment !== 'string') return refuse('malformed: "comment" must be a string', p);
  const comment = p.comment as string | undefined;
  if (comment !== undefined) {
    if (comment.length > LIMITS.comment) return refuse(`malformed: "comment" is ${comment.length} characters; at most ${LIMITS.comment} (link to a document for more)`, p);
    const bad = firstBad(comment, FORBIDDEN_IN_COMMENT);
    if (bad) return refuse(`malformed: "comment" contains ${bad}`, p);
  }
  let modelVersion: string | undefined;
  if (p.modelVersion !== undefined) {
    if (typeof p.modelVersion === 'number' && Number.isSafeInteger(p.modelVersion)) modelVersion = String(p.modelVersion);
    else if (typeof p.modelVersion === 'string' && /^\d{1,18}$/.test(p.modelVersion.trim())) modelVersion = String(Number(p.modelVersion.trim()));
    else return refuse(`malformed: "modelVersion" must be a version number such as "3"`, p);
  }
  let modelSha256: string | undefined;
  if (p.modelSha256 !== undefined) {
    if (typeof p.modelSha256 !== 'string' || !SHA256.test(p.modelSha256.replace(/^sha256:/, '').toLowerCase())) {
      return refuse('malformed: "modelSha256" must be the 64-hex-digit sha256 of the model artifact', p);
    }
    modelSha256 = p.modelSha256.replace(/^sha256:/, '').toLowerCase();
  }
  let token: string | undefined;
  if (p.token !== undefined) {
    if (typeof p.token !== 'string' || p.token.length > TOKEN_MAX || !/^[A-Za-z0-9_.-]+$/.test(p.token)) {
      return refuse(`malformed: "token" must be a signed decision token of at most ${TOKEN_MAX} characters (bosun approve --key makes one)`, p);
    }
    token = p.token;
  }
  return { ok: true, decision: { reviewer: reviewer.trim(), comment, modelVersion, modelSha256, token } };
}

/** A refused payload keeps only a short, escaped summary of who it claimed to be. */
function refuse(reason: string, payload: unknown): ParsedDecision {
  const p = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const reviewer = typeof p.reviewer === 'string' && p.reviewer.trim() !== '' ? printable(p.reviewer.trim(), 64) : '(unknown)';
  const comment = typeof p.comment === 'string' ? printable(p.comment, 200) : undefined;
  return { ok: false, reason, reviewer, comment };
}

function firstBad(s: string, re: RegExp): string | null {
  if (LONE_SURROGATE.test(s)) return 'an unpaired surrogate (broken UTF-16)';
  const m = re.exec(s);
  return m ? `the control or formatting character U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at position ${m.index}` : null;
}

/** Escapes what a terminal or a database would trip on, and cuts to `max` characters with the full length noted. */
export function printable(s: string, max: number): string {
  const safe = s.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd').replace(new RegExp(FORBIDDEN.source, 'gu'), (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  return safe.length <= max ? safe : `${safe.slice(0, max)}… (${s.length} characters)`;
}
