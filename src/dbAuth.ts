/**
 * The server side of PostgreSQL's startup and SCRAM-SHA-256 authentication (RFC 5802 / 7677), for the
 * embedded database that `bosun dev` serves: PGlite itself trusts whoever connects, so this handshake runs
 * in front of it and only an authenticated connection's startup message ever reaches PGlite.
 * Only the exchange is here; src/dbServer.ts wires it to sockets.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** PostgreSQL's own limit on a startup packet. */
const MAX_STARTUP = 10_000;
const ITERATIONS = 4096;

/** What the salted password yields; computed once per server, the password itself is not kept. */
export interface ScramSecret {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function scramSecret(password: string, salt = randomBytes(16), iterations = ITERATIONS): ScramSecret {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { salt, iterations, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

/** A message the front end sends to the client. */
export type Reply = Buffer;

export type StartupOutcome =
  /** Not enough bytes yet. */
  | { kind: 'more' }
  /** Answer these bytes and keep reading (SSL/GSS negotiation refused, or an auth step). */
  | { kind: 'reply'; reply: Reply; consumed: number }
  /** Refuse and close. */
  | { kind: 'refuse'; reply: Reply }
  /** Authenticated: send `reply`, then hand `startup` (the client's original startup packet) to the database. */
  | { kind: 'done'; reply: Reply; startup: Buffer; consumed: number };

/**
 * One connection's handshake as a state machine over the bytes received so far: feed it the buffer,
 * act on the outcome, drop `consumed` bytes, repeat.
 */
export class ScramHandshake {
  private startup: Buffer | null = null;
  private user = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private gs2Header = '';

  constructor(
    private readonly secret: ScramSecret,
    private readonly expectedUser: string,
  ) {}

  step(buf: Buffer): StartupOutcome {
    return this.startup === null ? this.onStartup(buf) : this.onAuth(buf);
  }

  private onStartup(buf: Buffer): StartupOutcome {
    if (buf.length < 8) return { kind: 'more' };
    const len = buf.readInt32BE(0);
    if (len < 8 || len > MAX_STARTUP) return refuse('08P01', 'invalid startup packet length');
    if (buf.length < len) return { kind: 'more' };
    const code = buf.readInt32BE(4);
    // Encryption is not offered on loopback: answering 'N' lets the client go on in the clear.
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: 'reply', reply: Buffer.from('N'), consumed: len };
    if (code === CANCEL_REQUEST) return { kind: 'refuse', reply: Buffer.alloc(0) };
    if (code !== PROTOCOL_3) return refuse('0A000', `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: use protocol 3.0`);
    const params = parseParams(buf.subarray(8, len));
    this.user = params.get('user') ?? '';
    if (this.user !== this.expectedUser) {
      return refuse('28000', `role "${this.user}" does not exist: the embedded database has one user, "${this.expectedUser}"`);
    }
    this.startup = Buffer.from(buf.subarray(0, len));
    // AuthenticationSASL: the mechanisms offered, a list of strings ending with an empty one.
    return { kind: 'reply', reply: auth(10, Buffer.from('SCRAM-SHA-256\0\0')), consumed: len };
  }

  private onAuth(buf: Buffer): StartupOutcome {
    if (buf.length < 5) return { kind: 'more' };
    const len = buf.readInt32BE(1) + 1;
    if (buf[0] !== 0x70 /* 'p' */ || len < 5 || len > MAX_STARTUP) return refuse('08P01', 'expected a SASL response during authentication');
    if (buf.length < len) return { kind: 'more' };
    const body = buf.subarray(5, len);
    return this.serverFirst === '' ? this.onClientFirst(body, len) : this.onClientFinal(body, len);
  }

  private onClientFirst(body: Buffer, consumed: number): StartupOutcome {
    const nul = body.indexOf(0);
    if (nul < 0 || body.subarray(0, nul).toString() !== 'SCRAM-SHA-256') return refuse('28000', 'only SCRAM-SHA-256 authentication is offered');
    const message = body.subarray(nul + 5).toString('utf8');
    // gs2-header "n,," or "y,,": no channel binding (we do not offer SCRAM-SHA-256-PLUS).
    const m = /^([ny]),(?:a=[^,]*)?,(.*)$/.exec(message);
    if (!m) return refuse('08P01', 'malformed SCRAM client-first-message');
    this.gs2Header = message.slice(0, message.length - m[2].length);
    this.clientFirstBare = m[2];
    const clientNonce = attr(this.clientFirstBare, 'r');
    if (!clientNonce) return refuse('08P01', 'SCRAM client-first-message has no nonce');
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.secret.salt.toString('base64')},i=${this.secret.iterations}`;
    return { kind: 'reply', reply: auth(11, Buffer.from(this.serverFirst)), consumed };
  }

  private onClientFinal(body: Buffer, consumed: number): StartupOutcome {
    const message = body.toString('utf8');
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) return refuse('08P01', 'SCRAM client-final-message has no proof');
    const withoutProof = message.slice(0, proofAt);
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    const failed = refuse('28P01', `password authentication failed for user "${this.user}"`);
    if (attr(withoutProof, 'c') !== Buffer.from(this.gs2Header).toString('base64') || attr(withoutProof, 'r') !== this.nonce || proof.length !== 32) return failed;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.secret.storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i] ^ clientSignature[i];
    if (!timingSafeEqual(sha256(clientKey), this.secret.storedKey)) return failed;
    const serverSignature = hmac(this.secret.serverKey, authMessage).toString('base64');
    return { kind: 'done', reply: auth(12, Buffer.from(`v=${serverSignature}`)), startup: this.startup!, consumed };
  }
}

function parseParams(body: Buffer): Map<string, string> {
  const parts = body.toString('utf8').split('\0');
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) out.set(parts[i], parts[i + 1]);
  return out;
}

function attr(message: string, name: string): string | undefined {
  for (const part of message.split(',')) if (part.startsWith(`${name}=`)) return part.slice(name.length + 1);
  return undefined;
}

/** An Authentication message ('R') of the given subtype. */
function auth(type: number, data: Buffer): Buffer {
  const out = Buffer.alloc(9 + data.length);
  out.write('R', 0);
  out.writeInt32BE(8 + data.length, 1);
  out.writeInt32BE(type, 5);
  data.copy(out, 9);
  return out;
}

/** A FATAL ErrorResponse, as the client library shows it (`code`, message). */
export function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const out = Buffer.alloc(5 + fields.length);
  out.write('E', 0);
  out.writeInt32BE(4 + fields.length, 1);
  fields.copy(out, 5);
  return out;
}

function refuse(code: string, message: string): StartupOutcome {
  return { kind: 'refuse', reply: errorResponse(code, message) };
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}
