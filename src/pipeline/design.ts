/**
 * A materialized feature set (the offline store): the design matrix, the encoded target and the source row
 * of each example, in one binary artifact. Layout: "BOSUNDSN" magic, u32 header length, JSON header, padding
 * to 8 bytes, then X (rows×cols f64), y (rows f64) and rowIndex (rows i32), little-endian.
 */
import { matrix, type Matrix } from '../ml/matrix';
import type { Task } from '../ml/task';

export interface Design {
  X: Matrix;
  y: Float64Array;
  /** Row of the ingested table each example came from (to join slices and champion scoring). */
  rowIndex: Int32Array;
  featureNames: string[];
  task: Task;
}

const MAGIC = 'BOSUNDSN';

export function encodeDesign(d: Design): Buffer {
  const header = Buffer.from(JSON.stringify({ version: 1, rows: d.X.rows, cols: d.X.cols, featureNames: d.featureNames, task: d.task }));
  const headStart = 12;
  const dataStart = Math.ceil((headStart + header.length) / 8) * 8;
  const xBytes = d.X.data.byteLength;
  const out = Buffer.alloc(dataStart + xBytes + d.y.byteLength + d.rowIndex.byteLength);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(header.length, 8);
  header.copy(out, headStart);
  Buffer.from(d.X.data.buffer, d.X.data.byteOffset, xBytes).copy(out, dataStart);
  Buffer.from(d.y.buffer, d.y.byteOffset, d.y.byteLength).copy(out, dataStart + xBytes);
  Buffer.from(d.rowIndex.buffer, d.rowIndex.byteOffset, d.rowIndex.byteLength).copy(out, dataStart + xBytes + d.y.byteLength);
  return out;
}

export function decodeDesign(buf: Buffer): Design {
  if (buf.length < 12 || buf.toString('ascii', 0, 8) !== MAGIC) throw new Error('not a Bosun feature-set artifact (bad magic)');
  const headLen = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + headLen)) as { rows: number; cols: number; featureNames: string[]; task: Task };
  const dataStart = Math.ceil((12 + headLen) / 8) * 8;
  const { rows, cols } = header;
  const need = dataStart + rows * cols * 8 + rows * 8 + rows * 4;
  if (buf.length !== need) throw new Error(`feature-set artifact is truncated: ${buf.length} bytes, expected ${need}`);
  // Copy into fresh aligned arrays: the Buffer may sit at any offset of a shared pool.
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const X = new Float64Array(bytes.slice(dataStart, dataStart + rows * cols * 8).buffer);
  const y = new Float64Array(bytes.slice(dataStart + rows * cols * 8, dataStart + rows * cols * 8 + rows * 8).buffer);
  const rowIndex = new Int32Array(bytes.slice(need - rows * 4, need).buffer);
  return { X: matrix(rows, cols, X), y, rowIndex, featureNames: header.featureNames, task: header.task };
}
