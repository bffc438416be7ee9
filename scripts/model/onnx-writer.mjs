// A small ONNX graph builder over the `onnx-proto` protobuf bindings. It exists so the model scripts can write graphs
// without Python: every tensor is stored as raw little-endian bytes, and nothing depends on time or randomness, so the
// same inputs always encode to the same bytes (the build must be deterministic).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto');

export const DT = { FLOAT: 1, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 };

const TYPED = {
  [DT.FLOAT]: Float32Array,
  [DT.INT8]: Int8Array,
  [DT.INT32]: Int32Array,
  [DT.INT64]: BigInt64Array,
};

function toBytes(dataType, values) {
  const Typed = TYPED[dataType];
  if (!Typed) throw new Error(`onnx-writer: unsupported tensor data type ${dataType}`);
  let typed;
  if (values instanceof Typed) typed = values;
  else if (dataType === DT.INT64) typed = BigInt64Array.from(values, (v) => BigInt(v));
  else typed = Typed.from(values);
  // ONNX raw_data is little-endian, as are the platforms ORT runs on; copy so the proto owns its bytes.
  return new Uint8Array(typed.buffer.slice(typed.byteOffset, typed.byteOffset + typed.byteLength));
}

function attribute(name, value) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    // Integral numbers are INT attributes (axis, to, keepdims…); the graphs here need no integral FLOAT attribute.
    return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if (value && value.tensor) return { name, type: A.TENSOR, t: value.tensor };
  throw new Error(`onnx-writer: unsupported attribute ${name}=${JSON.stringify(value)}`);
}

export class GraphBuilder {
  constructor(name) {
    this.name = name;
    this.nodes = [];
    this.initializers = [];
    this.inputs = [];
    this.outputs = [];
    this.names = new Set();
    this.counter = 0;
  }

  /** A fresh value name; prefixes keep the graph readable in Netron. */
  fresh(prefix) {
    let name;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  input(name, dataType, shape) {
    this.names.add(name);
    this.inputs.push(valueInfo(name, dataType, shape));
    return name;
  }

  output(name, dataType, shape) {
    this.outputs.push(valueInfo(name, dataType, shape));
    return name;
  }

  /** A constant weight (initializer). */
  init(prefix, dataType, dims, values) {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dataType, dims, rawData: toBytes(dataType, values) });
    return name;
  }

  f32(prefix, dims, values) {
    return this.init(prefix, DT.FLOAT, dims, values);
  }

  i64(prefix, values, dims = [values.length]) {
    return this.init(prefix, DT.INT64, dims, values);
  }

  scalarF(prefix, value) {
    return this.init(prefix, DT.FLOAT, [], [value]);
  }

  /** Adds a node; returns its output name(s). `outputs` may be a number (fresh names) or names. */
  op(opType, inputs, attrs = {}, outputs = 1) {
    const outNames = typeof outputs === 'number'
      ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()))
      : outputs.map((n) => (this.names.add(n), n));
    this.nodes.push({
      opType,
      name: this.fresh(`n_${opType}`),
      input: inputs,
      output: outNames,
      attribute: Object.keys(attrs).sort().map((k) => attribute(k, attrs[k])),
    });
    return outNames.length === 1 ? outNames[0] : outNames;
  }

  toModel({ opset = 13, producer = 'insight-pool', docString = '' } = {}) {
    const model = onnx.ModelProto.create({
      irVersion: 7,
      producerName: producer,
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    const err = onnx.ModelProto.verify(model);
    if (err) throw new Error(`onnx-writer: invalid model: ${err}`);
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name, elemType, shape) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}
