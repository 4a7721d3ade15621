/**
 * A tiny ONNX graph builder on top of `onnx-proto` (protobuf classes only, no downloads): named inputs and
 * outputs with symbolic dims, initializers, nodes with typed attributes, and serialisation to bytes.
 * Used by the neighbour and join graph generators (graphs.ts); opset 13, IR version 7.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const OPSET = 13;
export const IR_VERSION = 7;

export const DType = { float: 1, int32: 6, int64: 7, double: 11 } as const;
export type DType = (typeof DType)[keyof typeof DType];

type Dim = number | string;
export type AttrValue = number | number[] | string | { tensor: onnxProto.onnx.ITensorProto };
const AttrType = onnx.AttributeProto.AttributeType;

function valueInfo(name: string, elemType: DType, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function tensor(
  name: string,
  elemType: DType,
  dims: number[],
  values: ArrayLike<number>,
): onnxProto.onnx.ITensorProto {
  const t: onnxProto.onnx.ITensorProto = { name, dataType: elemType, dims };
  const arr = Array.from(values);
  if (elemType === DType.float) t.floatData = arr;
  else if (elemType === DType.double) t.doubleData = arr;
  else if (elemType === DType.int64) t.int64Data = arr;
  else t.int32Data = arr;
  return t;
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  input(name: string, elemType: DType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: DType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  const(prefix: string, elemType: DType, dims: number[], values: ArrayLike<number>): string {
    const name = `${prefix}_${this.counter++}`;
    this.initializers.push(tensor(name, elemType, dims, values));
    return name;
  }

  /** Adds a node; returns its (single) output name, `out` if given. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, out?: string): string {
    const output = out ?? `${opType.toLowerCase()}_${this.counter++}`;
    const attribute: onnxProto.onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) => {
      if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
      if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
      if (typeof v === 'object') return { name, type: AttrType.TENSOR, t: v.tensor };
      return Number.isInteger(v) && !FLOAT_ATTRS.has(name)
        ? { name, type: AttrType.INT, i: v }
        : { name, type: AttrType.FLOAT, f: v };
    });
    this.nodes.push({ opType, input: inputs, output: [output], attribute, name: `n${this.nodes.length}` });
    return output;
  }

  /** Serialises the model. `docString` documents what the graph computes (shown by Netron and friends). */
  build(graphName: string, docString: string, metadata: Record<string, string> = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'tao',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** Attributes that ONNX defines as floats even when the value is integral (e.g. seed = 7, scale = 1). */
const FLOAT_ATTRS = new Set(['seed', 'scale', 'mean', 'low', 'high', 'alpha', 'beta', 'gamma']);
