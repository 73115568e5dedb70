/**
 * Signed decision tokens: proof that the holder of a reviewer's registered key made this decision about this
 * exact candidate. Anyone who can send a signal can type any reviewer id; only the key holder can sign.
 *
 * Token: `<base64url(payload JSON)>.<base64url(ed25519 signature of those JSON bytes)>`, no padding. The
 * payload is canonical JSON (keys sorted, no spaces) of
 *   { v: 1, runId, decision: 'approve' | 'reject', reviewer, modelVersion, modelSha256, issuedAt }
 * so a token names the run, the decision, the version and the artifact hash it was made for, and is refused
 * anywhere else. The signature covers the payload bytes exactly as sent, so any ed25519 tool (openssl
 * `pkeyutl -sign -rawin`, a hardware key) can make one.
 *
 * PURE and deterministic: the training workflow verifies tokens inside Temporal's sandbox, which has no
 * `crypto` module, no Buffer and no atob. Hence @noble/curves (audited, pure JS; verify needs no
 * randomness) and @scure/base; TextEncoder/TextDecoder are provided by the sandbox. Signing lives in
 * ./sign.ts (node:crypto) and must never be imported from here.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { base64, base64urlnopad } from '@scure/base';
import { printable } from './decisionPayload';

/** Longest token accepted, in characters: a real one is ~400; the cap bounds the work a hostile signal can cause. */
export const MAX_TOKEN_LENGTH = 2048;

export type DecisionKind = 'approve' | 'reject';

export interface DecisionTokenPayload {
  v: 1;
  runId: string;
  decision: DecisionKind;
  reviewer: string;
  /** The candidate version, as a decimal string (evidence.candidateVersion). */
  modelVersion: string;
  /** sha256 hex of the model artifact (evidence.modelSha256), lower case, no `sha256:` prefix. */
  modelSha256: string;
  /** ISO-8601 time the reviewer signed (informational: the token is bound to the run, not to a clock). */
  issuedAt: string;
}

/** reviewer id → that reviewer's active public keys (base64 of the raw 32 bytes). Revoked keys are simply absent. */
export type ReviewerKeys = Readonly<Record<string, string | readonly string[]>>;

export interface ExpectedDecision {
  runId: string;
  decision: DecisionKind;
  modelVersion: string;
  modelSha256: string;
  /** When given, the reviewer the signal names must be the one who signed. */
  reviewer?: string;
}

export type TokenVerdict = { ok: true; reviewer: string } | { ok: false; reason: string };

const FIELDS = ['decision', 'issuedAt', 'modelSha256', 'modelVersion', 'reviewer', 'runId', 'v'] as const;
const SHA256 = /^[0-9a-f]{64}$/;
const VERSION = /^\d{1,18}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** The exact bytes a reviewer signs: canonical JSON (sorted keys, no whitespace), UTF-8. */
export function encodeDecisionPayload(p: DecisionTokenPayload): Uint8Array {
  const problem = checkPayload(p);
  if (problem) throw new TypeError(`cannot sign this decision: ${problem}`);
  const sorted: Record<string, unknown> = {};
  for (const k of FIELDS) sorted[k] = p[k];
  return new TextEncoder().encode(JSON.stringify(sorted));
}

/** Joins payload bytes and a 64-byte signature into a token. */
export function formatDecisionToken(payload: Uint8Array, signature: Uint8Array): string {
  return `${base64urlnopad.encode(payload)}.${base64urlnopad.encode(signature)}`;
}

/**
 * Reads a token without checking its signature — for display only (e.g. to say which reviewer a refused
 * token claimed). Never base a decision on this.
 */
export function decodeDecisionToken(token: unknown): { ok: true; payload: DecisionTokenPayload; bytes: Uint8Array; signature: Uint8Array } | { ok: false; reason: string } {
  if (typeof token !== 'string') return { ok: false, reason: 'malformed token: expected a string "<payload>.<signature>" made by `bosun approve --key`' };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: `token too long: ${token.length} characters, at most ${MAX_TOKEN_LENGTH}` };
  const parts = token.split('.');
  if (parts.length !== 2 || !B64URL.test(parts[0]) || !B64URL.test(parts[1])) {
    return { ok: false, reason: 'malformed token: expected two base64url parts "<payload>.<signature>"' };
  }
  let bytes: Uint8Array;
  let signature: Uint8Array;
  try {
    bytes = base64urlnopad.decode(parts[0]);
    signature = base64urlnopad.decode(parts[1]);
  } catch {
    return { ok: false, reason: 'malformed token: a part is not valid unpadded base64url' };
  }
  if (signature.length !== 64) return { ok: false, reason: `malformed token: the signature is ${signature.length} bytes, an ed25519 signature is 64` };
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, reason: 'malformed token: the payload is not UTF-8 JSON' };
  }
  const problem = checkPayload(payload);
  if (problem) return { ok: false, reason: `malformed token: ${problem}` };
  return { ok: true, payload: payload as DecisionTokenPayload, bytes, signature };
}

/**
 * Checks a decision token: well formed, signed by one of the named reviewer's active keys, and made for
 * exactly this run, decision, version and artifact. Never throws; every refusal says what was wrong.
 */
export function verifyDecisionToken(token: unknown, keys: ReviewerKeys, expected: ExpectedDecision): TokenVerdict {
  const decoded = decodeDecisionToken(token);
  if (!decoded.ok) return decoded;
  const { payload: p, bytes, signature } = decoded;
  // Own properties only: a reviewer named "__proto__" or "constructor" must not find a key on Object.prototype.
  const registered = Object.prototype.hasOwnProperty.call(keys, p.reviewer) ? keys[p.reviewer] : undefined;
  const list = registered === undefined ? [] : typeof registered === 'string' ? [registered] : registered;
  if (list.length === 0) {
    return { ok: false, reason: `unknown reviewer key: no active key is registered for "${clip(p.reviewer)}" (register one with \`bosun reviewers add ${clip(p.reviewer)}\`; a revoked key no longer counts)` };
  }
  if (!list.some((k) => signatureMatches(signature, bytes, k))) {
    return { ok: false, reason: `bad signature: the token is not signed by any active key of "${clip(p.reviewer)}" (tampered, or signed with another or a revoked key)` };
  }
  // Signed: its fields are the reviewer's own words, so a mismatch is a token made for something else.
  if (p.runId !== expected.runId) return { ok: false, reason: `token for another run: signed for ${clip(p.runId)}, this is ${clip(expected.runId)}` };
  if (p.decision !== expected.decision) return { ok: false, reason: `token for another decision: signed to ${p.decision}, sent as ${expected.decision}` };
  if (p.modelVersion !== expected.modelVersion) return { ok: false, reason: `token for another version: signed for v${p.modelVersion}, v${clip(expected.modelVersion)} is waiting` };
  if (p.modelSha256 !== expected.modelSha256.replace(/^sha256:/, '').toLowerCase()) {
    return { ok: false, reason: `token for another artifact: signed for sha256 ${p.modelSha256.slice(0, 12)}…, the waiting candidate is ${printable(expected.modelSha256.slice(0, 12), 12)}…` };
  }
  if (expected.reviewer !== undefined && expected.reviewer !== p.reviewer) {
    return { ok: false, reason: `token for another reviewer: signed by "${clip(p.reviewer)}", the decision names "${clip(expected.reviewer)}"` };
  }
  return { ok: true, reviewer: p.reviewer };
}

/** True when `publicKey` (base64, raw 32 bytes) verifies the signature; a malformed key simply does not. */
function signatureMatches(signature: Uint8Array, message: Uint8Array, publicKey: string): boolean {
  try {
    const key = base64.decode(publicKey);
    // zip215: false is RFC 8032's strict verification, the same rule OpenSSL and node:crypto apply.
    return key.length === 32 && ed25519.verify(signature, message, key, { zip215: false });
  } catch {
    return false;
  }
}

/** What is wrong with a payload, or null. Exact fields only: an unknown one could mean a format we do not read. */
function checkPayload(p: unknown): string | null {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'the payload is not a JSON object';
  const o = p as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => !(FIELDS as readonly string[]).includes(k));
  if (extra !== undefined) return `unknown payload field "${printable(extra, 40)}"`;
  if (o.v !== 1) return `unsupported token version ${printable(JSON.stringify(o.v) ?? 'undefined', 20)} (this Bosun reads v1)`;
  for (const k of ['runId', 'reviewer'] as const) {
    if (typeof o[k] !== 'string' || (o[k] as string) === '') return `"${k}" must be a non-empty string`;
  }
  if (o.decision !== 'approve' && o.decision !== 'reject') return '"decision" must be "approve" or "reject"';
  if (typeof o.modelVersion !== 'string' || !VERSION.test(o.modelVersion)) return '"modelVersion" must be a version number as a string, e.g. "3"';
  if (typeof o.modelSha256 !== 'string' || !SHA256.test(o.modelSha256)) return '"modelSha256" must be 64 lower-case hex digits';
  if (typeof o.issuedAt !== 'string' || !ISO_TIME.test(o.issuedAt)) return '"issuedAt" must be an ISO-8601 time';
  return null;
}

/** Bounds and escapes what a refusal quotes from a hostile token. */
function clip(s: string): string {
  return printable(s, 64);
}
