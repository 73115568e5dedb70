/**
 * The part of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto3, IR version 8+) that Bosun reads and writes, as a
 * protobufjs schema. Field numbers are ONNX's own; fields left out here are skipped when reading, which is why the
 * one rewrite of a model Bosun does (dropping a ZipMap, in zipmap.ts) works on the wire and never re-encodes a
 * decoded model.
 */
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package onnx;
message AttributeProto {
  string name = 1;
  int32 type = 20;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; string doc_string = 3; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  string domain = 7;
  repeated AttributeProto attribute = 5;
}
message StringStringEntryProto { string key = 1; string value = 2; }
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message ModelProto {
  int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated double double_data = 10;
  repeated float float_data = 4;
  repeated int64 int64_data = 7;
  string name = 8;
  bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { int64 dim_value = 1; string dim_param = 2; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  message Sequence { TypeProto elem_type = 1; }
  message Map { int32 key_type = 1; TypeProto value_type = 2; }
  Tensor tensor_type = 1;
  Sequence sequence_type = 4;
  Map map_type = 5;
}
`;

/** TensorProto.DataType values Bosun meets. */
export const ELEM = { FLOAT: 1, INT64: 7, STRING: 8, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType values the exporter writes. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface Dim {
  dimValue?: number;
  dimParam?: string;
}
export interface TypeProtoJson {
  tensorType?: { elemType: number; shape?: { dim?: Dim[] } };
  sequenceType?: { elemType?: TypeProtoJson };
  mapType?: { keyType: number; valueType?: TypeProtoJson };
}
export interface ValueInfoJson {
  name: string;
  type?: TypeProtoJson;
}
export interface AttributeJson {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorJson;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}
export interface NodeJson {
  input?: string[];
  output?: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeJson[];
}
export interface TensorJson {
  name: string;
  dims: number[];
  dataType: number;
  doubleData?: number[];
  floatData?: number[];
  int64Data?: number[];
}
export interface GraphJson {
  name?: string;
  node?: NodeJson[];
  initializer?: TensorJson[];
  input?: ValueInfoJson[];
  output?: ValueInfoJson[];
}
export interface ModelJson {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph?: GraphJson;
  metadataProps?: { key: string; value: string }[];
}

const root = protobuf.parse(SCHEMA, { keepCase: false }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}

/** Decodes ONNX bytes (int64 fields as numbers: dims and attribute ints of a tabular model fit in 2^53). */
export function decodeOnnx(bytes: Uint8Array): ModelJson {
  let message;
  try {
    message = ModelProto.decode(bytes);
  } catch (err) {
    throw new OnnxFormatError(`not an ONNX model (protobuf decoding failed: ${(err as Error).message})`);
  }
  const model = ModelProto.toObject(message, { longs: Number, bytes: Uint8Array, defaults: false, arrays: true }) as ModelJson;
  if (!model.graph || !model.irVersion) throw new OnnxFormatError('not an ONNX model (it has no graph or no IR version)');
  return model;
}

export function encodeOnnx(model: ModelJson): Uint8Array {
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX model does not encode: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** UTF-8 text of a `bytes` attribute (ONNX stores strings as bytes). */
export function text(b: Uint8Array | undefined): string {
  return b ? Buffer.from(b).toString('utf8') : '';
}
