/**
 * Binary encoding of a Table, used to store datasets as artifacts. Layout (see docs/table-format.md):
 *
 *   0  "BOSUNTBL"            magic, 8 bytes
 *   8  u32 version            currently 1
 *  12  u32 header length H    bytes of UTF-8 JSON
 *  16  u64 data length D      bytes of column data
 *  24  u32 CRC-32             of every byte after the 32-byte preamble
 *  28  u32 reserved           0
 *  32  header JSON, zero-padded to a multiple of 8
 *   P  column data: each column's raw little-endian values (f64 or i32) at an 8-aligned offset from P
 *
 * Alignment lets decodeTable return typed-array views over the input instead of copies.
 */
import os from 'node:os';
import zlib from 'node:zlib';
import { z } from 'zod';
import { DataError } from './errors';
import { columnTypeSchema } from './schema';
import { isFloatColumn, type Column, type ColumnType, type Table } from './table';

export const TABLE_MAGIC = 'BOSUNTBL';
export const TABLE_FORMAT_VERSION = 1;
const PREAMBLE = 32;
const LITTLE_ENDIAN_HOST = os.endianness() === 'LE';

const headerSchema = z.object({
  nrows: z.number().int().nonnegative(),
  columns: z.array(
    z.object({
      name: z.string(),
      type: columnTypeSchema,
      offset: z.number().int().nonnegative(),
      byteLength: z.number().int().nonnegative(),
      // Checked by hand in parseHeader: zod takes seconds on the million levels of a large text column.
      levels: z.array(z.unknown()).optional(),
    }),
  ),
});
interface Header {
  nrows: number;
  columns: Array<{ name: string; type: ColumnType; offset: number; byteLength: number; levels?: string[] }>;
}

const pad8 = (n: number) => (n + 7) & ~7;

export function encodeTable(table: Table): Buffer {
  const columns: Header['columns'] = [];
  let dataLength = 0;
  for (const c of table.columns) {
    const bytes = isFloatColumn(c) ? c.values.byteLength : c.codes.byteLength;
    const length = isFloatColumn(c) ? c.values.length : c.codes.length;
    if (length !== table.nrows) {
      throw new DataError(
        'invalid-argument',
        `cannot encode table: column "${c.name}" has ${length} values but the table has ${table.nrows} rows`,
        { column: c.name },
      );
    }
    columns.push({
      name: c.name,
      type: c.type,
      offset: dataLength,
      byteLength: bytes,
      ...(isFloatColumn(c) ? {} : { levels: c.levels }),
    });
    dataLength = pad8(dataLength + bytes);
  }
  const headerBytes = Buffer.from(JSON.stringify({ nrows: table.nrows, columns } satisfies Header), 'utf8');
  const dataStart = PREAMBLE + pad8(headerBytes.length);
  const out = Buffer.alloc(dataStart + dataLength);
  out.write(TABLE_MAGIC, 0, 'latin1');
  out.writeUInt32LE(TABLE_FORMAT_VERSION, 8);
  out.writeUInt32LE(headerBytes.length, 12);
  out.writeBigUInt64LE(BigInt(dataLength), 16);
  headerBytes.copy(out, PREAMBLE);
  table.columns.forEach((c, i) => {
    const arr = isFloatColumn(c) ? c.values : c.codes;
    const at = dataStart + columns[i].offset;
    Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).copy(out, at);
    if (!LITTLE_ENDIAN_HOST) {
      const slot = out.subarray(at, at + arr.byteLength);
      if (isFloatColumn(c)) slot.swap64();
      else slot.swap32();
    }
  });
  out.writeUInt32LE(crc32(out.subarray(PREAMBLE)), 24);
  return out;
}

export interface DecodeOptions {
  /** Default true. Skipping it saves a pass over the bytes when the caller already trusts them. */
  verifyChecksum?: boolean;
}

/**
 * Decodes a table. Columns are views over `buf` when its memory is suitably aligned (it is for buffers from
 * encodeTable and fs.readFile), so writing to them writes to `buf`.
 */
export function decodeTable(buf: Uint8Array, opts: DecodeOptions = {}): Table {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < PREAMBLE) {
    throw corrupt(`the input is ${b.length} bytes, shorter than the ${PREAMBLE}-byte preamble; it is truncated or not a table`);
  }
  if (b.toString('latin1', 0, 8) !== TABLE_MAGIC) {
    throw corrupt(`the input does not start with "${TABLE_MAGIC}"; it is not an encoded table`);
  }
  const version = b.readUInt32LE(8);
  if (version !== TABLE_FORMAT_VERSION) {
    throw corrupt(`table format version ${version} is not supported (this build reads version ${TABLE_FORMAT_VERSION})`);
  }
  const headerLength = b.readUInt32LE(12);
  const dataLength = Number(b.readBigUInt64LE(16));
  const dataStart = PREAMBLE + pad8(headerLength);
  const expected = dataStart + dataLength;
  if (b.length < expected) throw corrupt(`the input is truncated: ${b.length} bytes, the header says ${expected}`);
  if (b.length > expected) throw corrupt(`the input has ${b.length - expected} unexpected bytes after the table`);
  if ((opts.verifyChecksum ?? true) && crc32(b.subarray(PREAMBLE)) !== b.readUInt32LE(24)) {
    throw corrupt('checksum mismatch: the bytes were changed after encoding');
  }

  const header = parseHeader(b.toString('utf8', PREAMBLE, PREAMBLE + headerLength));
  const columns = header.columns.map((h): Column => {
    const isFloat = h.type === 'numeric' || h.type === 'datetime' || h.type === 'boolean';
    const width = isFloat ? 8 : 4;
    if (h.byteLength !== header.nrows * width || h.offset % 8 !== 0 || h.offset + h.byteLength > dataLength) {
      throw corrupt(`column "${h.name}" has an invalid position or size in the header`);
    }
    const at = b.byteOffset + dataStart + h.offset;
    if (isFloat) {
      return { name: h.name, type: h.type as 'numeric' | 'datetime' | 'boolean', values: view(b, at, header.nrows, Float64Array) };
    }
    if (h.levels === undefined) throw corrupt(`column "${h.name}" is ${h.type} but has no levels`);
    const codes = view(b, at, header.nrows, Int32Array);
    const nlevels = h.levels.length;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] < -1 || codes[i] >= nlevels) {
        throw corrupt(`column "${h.name}" row ${i + 1} has code ${codes[i]}, outside its ${nlevels} levels`);
      }
    }
    return { name: h.name, type: h.type as 'categorical' | 'text', codes, levels: h.levels };
  });
  return { nrows: header.nrows, columns };
}

function parseHeader(json: string): Header {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw corrupt('the header is not valid JSON');
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues[0];
    throw corrupt(`the header is malformed at ${where.path.join('.') || 'top level'}: ${where.message}`);
  }
  for (const c of parsed.data.columns) {
    if (c.levels !== undefined && !c.levels.every((l) => typeof l === 'string')) {
      throw corrupt(`the header is malformed: column "${c.name}" has a level that is not a string`);
    }
  }
  return parsed.data as Header;
}

function view<T extends Float64Array | Int32Array>(
  b: Buffer,
  byteOffset: number,
  length: number,
  Ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number },
): T {
  if (LITTLE_ENDIAN_HOST && byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(b.buffer, byteOffset, length);
  // Unaligned (or big-endian host): copy into fresh, aligned memory.
  const out = new Ctor(length);
  const bytes = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  Buffer.from(b.buffer, byteOffset, out.byteLength).copy(bytes);
  if (!LITTLE_ENDIAN_HOST) {
    if (Ctor.BYTES_PER_ELEMENT === 8) bytes.swap64();
    else bytes.swap32();
  }
  return out;
}

function corrupt(message: string): DataError {
  return new DataError('corrupt-table', `cannot decode table: ${message}`);
}

function crc32(bytes: Uint8Array): number {
  return zlib.crc32(bytes) >>> 0;
}
