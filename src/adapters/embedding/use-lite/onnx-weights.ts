// The initializers (weights) of an ONNX model file, read straight from its protobuf bytes: ModelProto.graph (7) →
// GraphProto.initializer (5) → TensorProto {dims (1), data_type (2), name (8), raw_data (9)}. Enough for graphs whose
// tensors are stored as raw little-endian bytes, as scripts/model/onnx-writer.mjs writes them; no protobuf library.

export interface Initializer {
  name: string;
  dims: number[];
  /** float32 (1) or int64 (7) data; other types are listed with `data: undefined`. */
  data: Float32Array | BigInt64Array | undefined;
  dataType: number;
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new Error('ONNX file ends inside a number');
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('ONNX file has a malformed number');
    }
  }
  /** Field number and wire type of the next key. */
  key(): [number, number] {
    const k = this.varint();
    return [Math.floor(k / 8), k & 7];
  }
  bytesField(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.bytes.length) throw new Error('ONNX file is truncated');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytesField();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`ONNX file uses protobuf wire type ${wire}, which this reader does not know`);
  }
}

function tensor(bytes: Uint8Array): Initializer {
  const r = new Reader(bytes);
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | undefined;
  while (!r.done) {
    const [field, wire] = r.key();
    if (field === 1 && wire === 0) dims.push(r.varint());
    else if (field === 1 && wire === 2) {
      const packed = new Reader(r.bytesField());
      while (!packed.done) dims.push(packed.varint());
    } else if (field === 2 && wire === 0) dataType = r.varint();
    else if (field === 8 && wire === 2) name = new TextDecoder().decode(r.bytesField());
    else if (field === 9 && wire === 2) raw = r.bytesField();
    else r.skip(wire);
  }
  // Copy into a buffer of its own (aligned; raw_data sits at any byte offset of the file). Not raw.slice(): on a Node
  // Buffer that is a view of the same memory.
  const copy = raw && new Uint8Array(raw).buffer;
  const data = !copy ? undefined : dataType === 1 ? new Float32Array(copy) : dataType === 7 ? new BigInt64Array(copy) : undefined;
  return { name, dims, data, dataType };
}

/** Every initializer of the model's graph, in file order. */
export function readInitializers(model: Uint8Array): Initializer[] {
  const top = new Reader(model);
  let graph: Uint8Array | undefined;
  while (!top.done) {
    const [field, wire] = top.key();
    if (field === 7 && wire === 2) graph = top.bytesField();
    else top.skip(wire);
  }
  if (!graph) throw new Error('not an ONNX model: no graph');
  const g = new Reader(graph);
  const out: Initializer[] = [];
  while (!g.done) {
    const [field, wire] = g.key();
    if (field === 5 && wire === 2) out.push(tensor(g.bytesField()));
    else g.skip(wire);
  }
  return out;
}
