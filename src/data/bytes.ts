/**
 * Byte-source helpers: readers accept a Buffer or a Readable, and some need to look at the first bytes of a stream
 * (delimiter sniffing, format detection) without losing them.
 */
import { Readable } from 'node:stream';
import { DataError } from './errors';

export type ByteSource = Buffer | Uint8Array | Readable;

/** A Buffer over the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function chunkToBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return asBuffer(chunk);
  throw new TypeError('expected a byte stream, got an object-mode stream');
}

export interface PeekedStream {
  /** At least `bytes` bytes from the start, unless the stream is shorter. */
  head: Buffer;
  /** True when `head` is the whole stream. */
  ended: boolean;
  /** The whole stream again, head included, as Buffers. */
  chunks(): AsyncGenerator<Buffer>;
}

export async function peekStream(input: Readable, bytes: number): Promise<PeekedStream> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  const parts: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < bytes) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    const b = chunkToBuffer(next.value);
    parts.push(b);
    size += b.length;
  }
  const head = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  return {
    head,
    ended,
    async *chunks() {
      if (head.length > 0) yield head;
      if (ended) return;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield chunkToBuffer(next.value);
      }
    },
  };
}

export async function readAll(input: Readable | AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of input) parts.push(chunkToBuffer(chunk));
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** True when the bytes hold nothing but an optional UTF-8 BOM and whitespace. */
export function isBlank(bytes: Uint8Array): boolean {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return true;
}

/**
 * Text formats refuse NUL bytes: they mean a binary or corrupted file, and PostgreSQL cannot store them in text,
 * so letting one through fails much later, far from its cause. Tracks the byte offset and line across chunks.
 */
export class NulGuard {
  private offset = 0;
  private lines = 1;

  constructor(private readonly format: string) {}

  /** Throws a DataError naming the line and byte offset of the first NUL in the chunk. */
  check(chunk: Uint8Array): void {
    const at = chunk.indexOf(0);
    const end = at < 0 ? chunk.length : at;
    for (let i = chunk.indexOf(10); i >= 0 && i < end; i = chunk.indexOf(10, i + 1)) this.lines++;
    if (at < 0) {
      this.offset += chunk.length;
      return;
    }
    throw nulError(this.format, this.lines, this.offset + at);
  }
}

/** @param offset byte offset of a raw NUL; absent for an escaped one ("\u0000" in JSON). */
export function nulError(format: string, line: number, offset?: number): DataError {
  const what = offset === undefined ? 'an escaped NUL character (\\u0000)' : `a NUL byte (byte offset ${offset})`;
  return new DataError(
    'invalid-value',
    `line ${line} holds ${what}, which ${format} text cannot contain: the file is binary or corrupted; export it again, or remove ${offset === undefined ? 'the \\u0000 escapes' : "the NUL bytes (e.g. tr -d '\\000' < in > out)"}`,
    { row: line },
  );
}
