// The ONNX graph of USE-lite, op for op from the TF.js graph ("KonaTransformer", 2 layers), with dense inputs.
//
// What the TF graph does (read from model.json, op names in brackets):
//  - [ClipToMaxLength] drops tokens at positions ≥ 128; [SparseToDense] builds [B, L] ids, −1 where padded.
//  - [embedding_lookup] 8002×256 table; [AddTimingSignal] adds a sinusoidal timing signal [sin(p·τ) ‖ cos(p·τ)]
//    (τ: 128 inverse timescales) to the gathered embedding, and [Layer_0/add] adds that sum to the embedding again,
//    so layer 0's input is  e + (e + timing).
//  - Two pre-norm transformer layers: LayerNorm (ε 1e-6, TF's (x−μ)·rsqrt(σ²+ε)·scale + bias) → self-attention
//    (1×1 Conv2D qkv, 4 heads, q scaled by 1/√d_head, padded keys get −1e9) → 1×1 Conv2D out + residual; then
//    LayerNorm → FFN (512→1536 ReLU →512) + residual. Layer 0 widens 256→512: its attention output is 512 wide and
//    its residual is a dense 256→512 projection of the layer input [AdjustResidualInput].
//  - Mean over the unpadded tokens (count clamped to ≥ 1), then tanh(mean·W + b), then L2-normalize (sumsq ≥ 1e-12).
//
// The port computes every position densely: padded positions carry finite garbage that never reaches a real one
// (keys get −1e9 before softmax, everything else is per-position, the mean is masked).
//
// transformers.js mean-pools `last_hidden_state` over attention_mask. Because the tanh layer comes *after* the mean, the
// graph computes the final sentence vector itself and broadcasts it to every position: the masked mean of identical
// rows is that row, so pipeline(..., { pooling: 'mean', normalize: true }) returns the reference vector.
import { DT, GraphBuilder } from './onnx-writer.mjs';
import { NAMES, weight } from './use-lite-source.mjs';

const EMB = 256;
const HIDDEN = 512;
const FFN = 1536;
const VOCAB_ROWS = 8002;

/**
 * Floating-point operations (multiply-adds × 2) of one sentence of `tokens` tokens through this graph: the bench's
 * GFLOP/s. Everything else (layer norms, softmax, adds) is under 1% of it.
 */
export function flopsPerSentence(tokens) {
  const dense = EMB * HIDDEN /* residual 256→512 */ + EMB * 3 * EMB + EMB * HIDDEN /* layer 0 qkv, out */
    + HIDDEN * 3 * HIDDEN + HIDDEN * HIDDEN /* layer 1 qkv, out */ + 2 * (2 * HIDDEN * FFN) /* two FFNs */;
  const attention = tokens * tokens * 2 * (EMB + HIDDEN); // q·kᵀ and probs·v in both layers
  return 2 * (tokens * dense + attention + HIDDEN * HIDDEN /* tanh layer, once per sentence */);
}

/** The sinusoidal timing table for positions 0..maxLength−1, as TF computes it in float32: sin/cos of fround(p·τ). */
function timingTable(invTimescales, maxLength) {
  const half = invTimescales.length;
  const table = new Float32Array(maxLength * half * 2);
  for (let p = 0; p < maxLength; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * invTimescales[i]);
      table[p * 2 * half + i] = Math.sin(angle);
      table[p * 2 * half + half + i] = Math.cos(angle);
    }
  }
  return table;
}

/** Conv2D 1×1 kernels are [1, 1, in, out]: the same bytes as a MatMul weight [in, out]. */
function kernel(weights, name, inDim, outDim) {
  return weight(weights, name, [1, 1, inDim, outDim]);
}

/**
 * Symmetric int8 per-channel quantization of a [rows, cols] matrix along `axis` (0: a scale per row, 1: per column).
 * Only the download shrinks: the graph turns codes back into float32 weights with Cast + Mul, which ORT's constant
 * folding computes once when the session loads. Not DequantizeLinear: ORT never folds that node (it keeps it for its
 * QDQ fusions), so every call dequantized all 7M weights again — batch-1 embedding ran at 47 instead of 453 /s.
 */
function quantizeInt8(data, rows, cols, axis) {
  const channels = axis === 0 ? rows : cols;
  const scales = new Float32Array(channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const ch = axis === 0 ? r : c;
      scales[ch] = Math.max(scales[ch], Math.abs(data[r * cols + c]));
    }
  }
  for (let ch = 0; ch < channels; ch++) scales[ch] = scales[ch] > 0 ? Math.fround(scales[ch] / 127) : 1;
  const q = new Int8Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      q[i] = Math.max(-127, Math.min(127, Math.round(data[i] / scales[axis === 0 ? r : c])));
    }
  }
  return { q, scales };
}

export function buildUseLiteOnnx(weights, { docString = '', quantize = false } = {}) {
  const g = new GraphBuilder('use_lite');
  // A large weight matrix, float32 or int8 codes × per-channel scale (axis: the channel dimension).
  const matrix = (prefix, [rows, cols], data, axis = 1) => {
    if (!quantize) return g.f32(prefix, [rows, cols], data);
    const { q, scales } = quantizeInt8(data, rows, cols, axis);
    const codes = g.op('Cast', [g.init(`${prefix}_q`, DT.INT8, [rows, cols], q)], { to: DT.FLOAT });
    return g.op('Mul', [codes, g.f32(`${prefix}_scale`, axis === 0 ? [rows, 1] : [cols], scales)]);
  };
  const scalar = (name) => weight(weights, name, [])[0];
  const maxLength = scalar(NAMES.maxLength);
  const heads = scalar(NAMES.heads);
  const lnEps = scalar(NAMES.lnEps);
  const maskBias = scalar(NAMES.maskBias);
  const l2Eps = scalar(NAMES.l2Eps);
  const invTimescales = weight(weights, NAMES.invTimescales, [1, EMB / 2]);

  const ids = g.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', DT.INT64, ['batch_size', 'sequence_length']);

  const c = {
    zero: g.i64('zero', [0]),
    one: g.i64('one', [1]),
    two: g.i64('two', [2]),
    maxLen: g.i64('max_length', [maxLength]),
    axis1: g.i64('axis1', [1]),
    eps: g.scalarF('ln_eps', lnEps),
    oneF: g.scalarF('one_f', 1),
  };

  // [ClipToMaxLength]: the reference ignores tokens past position 127.
  const idsC = g.op('Slice', [ids, c.zero, c.maxLen, c.axis1]);
  const maskF = g.op('Cast', [g.op('Slice', [mask, c.zero, c.maxLen, c.axis1])], { to: DT.FLOAT });
  const seqLen = g.op('Slice', [g.op('Shape', [idsC]), c.one, c.two]);

  const table = matrix('embeddings', [VOCAB_ROWS, EMB], weight(weights, NAMES.embeddings, [VOCAB_ROWS, EMB]), 0);
  const emb = g.op('Gather', [table, idsC], { axis: 0 });
  const timing = g.op('Slice', [g.f32('timing_signal', [maxLength, EMB], timingTable(invTimescales, maxLength)), c.zero, seqLen, c.zero]);
  const x0 = g.op('Add', [emb, g.op('Add', [emb, timing])]);

  // Attention bias: −1e9 on padded keys, shaped [B, 1, 1, L].
  const padF = g.op('Sub', [c.oneF, maskF]);
  const bias = g.op('Unsqueeze', [g.op('Mul', [padF, g.scalarF('mask_bias', maskBias)]), g.i64('axes12', [1, 2])]);

  const layerNorm = (x, scaleName, biasName, dim) => {
    const mean = g.op('ReduceMean', [x], { axes: [-1], keepdims: 1 });
    const centered = g.op('Sub', [x, mean]);
    const variance = g.op('ReduceMean', [g.op('Mul', [centered, centered])], { axes: [-1], keepdims: 1 });
    const rsqrt = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, c.eps])])]);
    const scaled = g.op('Mul', [g.op('Mul', [g.f32('ln_scale', [dim], weight(weights, scaleName, [dim])), rsqrt]), centered]);
    return g.op('Add', [scaled, g.f32('ln_bias', [dim], weight(weights, biasName, [dim]))]);
  };
  const dense = (x, w, wShape, b) => g.op('Add', [g.op('MatMul', [x, matrix('w', wShape, w)]), g.f32('b', [wShape[1]], b)]);

  const attention = (x, layer, dim) => {
    const n = NAMES.layer(layer);
    const headDim = dim / heads;
    const qkv = dense(x, kernel(weights, n.qkvW, dim, 3 * dim), [dim, 3 * dim], weight(weights, n.qkvB, [3 * dim]));
    const [q, k, v] = g.op('Split', [qkv, g.i64('split', [dim, dim, dim])], { axis: 2 }, 3);
    const headShape = g.i64('head_shape', [0, 0, heads, headDim]);
    const split = (t) => g.op('Transpose', [g.op('Reshape', [t, headShape])], { perm: [0, 2, 1, 3] });
    const qs = g.op('Mul', [split(q), g.scalarF('q_scale', weight(weights, n.qScale, [])[0])]);
    const kT = g.op('Transpose', [g.op('Reshape', [k, headShape])], { perm: [0, 2, 3, 1] });
    const logits = g.op('Add', [g.op('MatMul', [qs, kT]), bias]);
    const probs = g.op('Softmax', [logits], { axis: -1 });
    const context = g.op('Transpose', [g.op('MatMul', [probs, split(v)])], { perm: [0, 2, 1, 3] });
    const merged = g.op('Reshape', [context, g.i64('merged_shape', [0, 0, dim])]);
    return dense(merged, kernel(weights, n.outW, dim, HIDDEN), [dim, HIDDEN], weight(weights, n.outB, [HIDDEN]));
  };

  const ffn = (x, layer) => {
    const n = NAMES.layer(layer);
    const normed = layerNorm(x, n.ffnLnScale, n.ffnLnBias, HIDDEN);
    const inner = g.op('Relu', [dense(normed, weight(weights, n.conv1W, [HIDDEN, FFN]), [HIDDEN, FFN], weight(weights, n.conv1B, [FFN]))]);
    const out = dense(inner, weight(weights, n.conv2W, [FFN, HIDDEN]), [FFN, HIDDEN], weight(weights, n.conv2B, [HIDDEN]));
    return g.op('Add', [out, x]);
  };

  // Layer 0 (256 → 512).
  const l0 = NAMES.layer(0);
  const residual0 = dense(x0, weight(weights, NAMES.residualW, [EMB, HIDDEN]), [EMB, HIDDEN], weight(weights, NAMES.residualB, [HIDDEN]));
  const a0 = g.op('Add', [attention(layerNorm(x0, l0.lnScale, l0.lnBias, EMB), 0, EMB), residual0]);
  const x1 = ffn(a0, 0);
  // Layer 1 (512 → 512).
  const l1 = NAMES.layer(1);
  const a1 = g.op('Add', [attention(layerNorm(x1, l1.lnScale, l1.lnBias, HIDDEN), 1, HIDDEN), x1]);
  const x2 = ffn(a1, 1);

  // Masked mean over tokens; count clamped to ≥ 1 like the reference.
  const summed = g.op('ReduceSum', [g.op('Mul', [x2, g.op('Unsqueeze', [maskF, g.i64('axes_last', [-1])])]), c.axis1], { keepdims: 0 });
  const count = g.op('Max', [g.op('ReduceSum', [maskF, c.axis1], { keepdims: 1 }), c.oneF]);
  const mean = g.op('Div', [summed, count]);
  const hidden = g.op('Tanh', [dense(mean, weight(weights, NAMES.tanhW, [HIDDEN, HIDDEN]), [HIDDEN, HIDDEN], weight(weights, NAMES.tanhB, [HIDDEN]))]);
  const sumsq = g.op('ReduceSum', [g.op('Mul', [hidden, hidden]), c.axis1], { keepdims: 1 });
  const sentence = g.op('Mul', [hidden, g.op('Reciprocal', [g.op('Sqrt', [g.op('Max', [sumsq, g.scalarF('l2_eps', l2Eps)])])])], {}, ['sentence_embedding']);

  // Broadcast the sentence vector to every input position (the unclipped length, to match attention_mask).
  const outShape = g.op('Concat', [g.op('Shape', [ids]), g.i64('hidden', [HIDDEN])], { axis: 0 });
  g.op('Expand', [g.op('Unsqueeze', [sentence, c.axis1]), outShape], {}, ['last_hidden_state']);
  g.output('last_hidden_state', DT.FLOAT, ['batch_size', 'sequence_length', HIDDEN]);
  g.output('sentence_embedding', DT.FLOAT, ['batch_size', HIDDEN]);
  return g.toModel({ opset: 13, docString });
}
