/**
 * The reviewer's side of signed decisions (CLI only; never imported by workflow code): ed25519 key pairs
 * and signing with node:crypto. Keys are ordinary PEM files (PKCS#8 private, SPKI public), so
 * `openssl genpkey -algorithm ed25519` makes one too; Bosun stores public keys as base64 of the raw 32
 * bytes, which is what ./identity.ts verifies against.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { encodeDecisionPayload, formatDecisionToken, type DecisionTokenPayload } from './identity';

/** A key file that cannot be used; the message names the file and what to do. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

/** A fresh key pair: the private key as PKCS#8 PEM (to write to a 0600 file), the public one as raw base64. */
export function generateReviewerKeyPair(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: rawPublicKey(publicKey) };
}

/** Reads an ed25519 private key from PEM text; `where` names the file in the error. */
export function parsePrivateKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new KeyFileError(`${where}: not a private key in PEM form (${(err as Error).message}); make one with \`bosun reviewers add <id>\` or \`openssl genpkey -algorithm ed25519\``);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyFileError(`${where}: a ${key.asymmetricKeyType} key; decision tokens need an ed25519 key`);
  return key;
}

/**
 * A public key as Bosun stores it (base64 of the raw 32 bytes), from what a reviewer hands over: an SPKI PEM
 * (`openssl pkey -pubout`), a private-key PEM (its public half is taken), or the raw base64 itself.
 */
export function parsePublicKey(text: string, where: string): string {
  const t = text.trim();
  if (/^[A-Za-z0-9+/]{43}=$/.test(t)) return t;
  try {
    const key = /PRIVATE KEY/.test(t) ? createPublicKey(createPrivateKey(t)) : createPublicKey(t);
    if (key.asymmetricKeyType !== 'ed25519') throw new KeyFileError(`${where}: a ${key.asymmetricKeyType} key; reviewer keys are ed25519`);
    return rawPublicKey(key);
  } catch (err) {
    if (err instanceof KeyFileError) throw err;
    throw new KeyFileError(`${where}: not an ed25519 public key (expected a PEM "PUBLIC KEY" block, e.g. from \`openssl pkey -in key.pem -pubout\`, or 44 characters of base64)`);
  }
}

export function publicKeyOf(privateKey: KeyObject): string {
  return rawPublicKey(createPublicKey(privateKey));
}

/** Signs a decision and returns the token `bosun approve` puts in the signal. */
export function signDecision(privateKey: KeyObject, payload: DecisionTokenPayload): string {
  const bytes = encodeDecisionPayload(payload);
  return formatDecisionToken(bytes, new Uint8Array(sign(null, bytes, privateKey)));
}

/** The raw 32-byte ed25519 public key, base64: the last 32 bytes of its DER SPKI encoding. */
function rawPublicKey(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return Buffer.from(der.subarray(der.length - 32)).toString('base64');
}
