/**
 * What an ONNX file says about itself: its tensor inputs, its outputs, the class labels its classifier node or
 * ZipMap carries, and its metadata_props. And the one rewrite Bosun makes to a model: a ZipMap (skl2onnx's default
 * probability output, a sequence of maps that onnxruntime-node cannot return) is dropped on the wire, so the
 * probability tensor that fed it becomes the output. Everything else in the file is copied byte for byte.
 */
import protobuf from 'protobufjs';
import { decodeOnnx, ELEM, OnnxFormatError, text, type ModelJson, type NodeJson, type ValueInfoJson } from './proto';

export interface TensorInfo {
  name: string;
  /** ELEM code: 1 float, 11 double, 7 int64, 8 string … */
  elemType: number;
  /** Dimensions; null where symbolic (the batch dimension). Undefined when the file gives no shape. */
  shape?: (number | null)[];
}

export interface OnnxSignature {
  inputs: TensorInfo[];
  /** Tensor outputs, after any ZipMap is removed. */
  outputs: TensorInfo[];
  /** Class labels in the order of the probability columns, when a classifier node or ZipMap names them. */
  classes?: string[];
  /** The probability tensor that fed a ZipMap, when the model had one. */
  zipMapInput?: string;
  metadata: Record<string, string>;
  producer: string;
}

export { OnnxFormatError };

const ZIPMAP = 'ZipMap';

/** Reads the signature; `bytes` may still contain its ZipMap (the signature describes the model without it). */
export function readSignature(bytes: Uint8Array): OnnxSignature {
  return signatureOf(decodeOnnx(bytes));
}

function signatureOf(model: ModelJson): OnnxSignature {
  const graph = model.graph!;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name)).map(tensorInfo);
  const nodes = graph.node ?? [];
  const zipMaps = nodes.filter((n) => n.opType === ZIPMAP);
  if (zipMaps.length > 1) throw new OnnxFormatError(`the model has ${zipMaps.length} ZipMap nodes; Bosun reads models with at most one probability output`);
  const zip = zipMaps[0];
  const outputs: TensorInfo[] = [];
  for (const out of graph.output ?? []) {
    if (zip && zip.output?.includes(out.name)) {
      const width = classLabels(zip)?.length;
      outputs.push({ name: zip.input![0], elemType: ELEM.FLOAT, shape: [null, width ?? null] });
    } else {
      outputs.push(tensorInfo(out));
    }
  }
  const classes = (zip && classLabels(zip)) ?? nodes.map(classLabels).find((c) => c !== undefined);
  return {
    inputs,
    outputs,
    classes,
    zipMapInput: zip?.input?.[0],
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value])),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown',
  };
}

function tensorInfo(v: ValueInfoJson): TensorInfo {
  const t = v.type?.tensorType;
  if (!t) return { name: v.name, elemType: 0 };
  const dims = t.shape?.dim;
  return { name: v.name, elemType: t.elemType, shape: dims?.map((d) => (d.dimValue !== undefined && d.dimValue > 0 ? d.dimValue : null)) };
}

/** classlabels_strings or classlabels_int64s of an ONNX-ML classifier or ZipMap node, as strings. */
function classLabels(node: NodeJson): string[] | undefined {
  for (const a of node.attribute ?? []) {
    if (a.name === 'classlabels_strings' && a.strings?.length) return a.strings.map(text);
    if (a.name === 'classlabels_int64s' && a.ints?.length) return a.ints.map(String);
  }
  return undefined;
}

/** The model without its ZipMap (the same bytes when it has none). */
export function withoutZipMap(bytes: Uint8Array): Uint8Array {
  const model = decodeOnnx(bytes);
  const zip = (model.graph!.node ?? []).find((n) => n.opType === ZIPMAP);
  if (!zip) return bytes;
  const width = classLabels(zip)?.length;
  const replacement = encodeValueInfo(zip.input![0], width);
  const dropped = new Set(zip.output ?? []);
  return rewriteFields(bytes, (field, payload) => {
    if (field !== 7) return payload; // ModelProto.graph
    return rewriteFields(payload, (gField, gPayload) => {
      if (gField === 1 && isZipMapNode(gPayload)) return null; // GraphProto.node
      if (gField === 12 && dropped.has(valueInfoName(gPayload))) return replacement; // GraphProto.output
      return gPayload;
    });
  });
}

const NodeName = protobuf.parse(`syntax = "proto3"; message N { repeated string input = 1; repeated string output = 2; string op_type = 4; } message V { string name = 1; }`).root;
const NodeType = NodeName.lookupType('N');
const ValueType = NodeName.lookupType('V');

function isZipMapNode(payload: Uint8Array): boolean {
  return (NodeType.decode(payload) as unknown as { opType: string }).opType === ZIPMAP;
}

function valueInfoName(payload: Uint8Array): string {
  return (ValueType.decode(payload) as unknown as { name: string }).name;
}

/** ValueInfoProto for a float tensor [batch, width]. */
function encodeValueInfo(name: string, width: number | undefined): Uint8Array {
  const dim = (w: protobuf.Writer, d: { value?: number; param?: string }) => {
    const inner = protobuf.Writer.create();
    if (d.value !== undefined) inner.uint32((1 << 3) | 0).int64(d.value);
    else inner.uint32((2 << 3) | 2).string(d.param!);
    w.uint32((1 << 3) | 2).bytes(inner.finish());
  };
  const shape = protobuf.Writer.create();
  dim(shape, { param: 'N' });
  dim(shape, width ? { value: width } : { param: 'C' });
  const tensor = protobuf.Writer.create().uint32((1 << 3) | 0).int32(ELEM.FLOAT).uint32((2 << 3) | 2).bytes(shape.finish()).finish();
  const type = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(tensor).finish();
  return protobuf.Writer.create().uint32((1 << 3) | 2).string(name).uint32((2 << 3) | 2).bytes(type).finish();
}

/**
 * Copies a message field by field; `edit` sees each length-delimited field's payload and returns it (unchanged or
 * replaced) or null to drop it. Other wire types are copied as they are.
 */
function rewriteFields(bytes: Uint8Array, edit: (field: number, payload: Uint8Array) => Uint8Array | null): Uint8Array {
  const reader = protobuf.Reader.create(bytes);
  const parts: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire !== 2) {
      reader.skipType(wire);
      parts.push(bytes.subarray(start, reader.pos));
      continue;
    }
    const payload = reader.bytes();
    const out = edit(field, payload);
    if (out === null) continue;
    if (out === payload) parts.push(bytes.subarray(start, reader.pos));
    else parts.push(protobuf.Writer.create().uint32(tag).bytes(out).finish());
  }
  return Buffer.concat(parts);
}
