// USE-lite's forward pass, written for this one model instead of run through ONNX Runtime's wasm build: the same
// weights (read from the model's own onnx/model.onnx) and the same arithmetic as scripts/model/use-lite-graph.mjs, with
// the dense layers on a wasm SIMD GEMM kernel that reaches ~86% of the wasm peak where ORT reaches ~40%, and each
// sentence computed at its own length (ORT needs every batch padded to its longest text).
import { Gemm, MR, NR } from './gemm';
import { readInitializers, type Initializer } from './onnx-weights';

const EMB = 256;
const HIDDEN = 512;
const FFN = 1536;
const MAX_LENGTH = 128;
const VOCAB_ROWS = 8002;

/** C = bias + A·W over the engine's memory (float indices): Gemm.dense on one thread, or split across threads. */
export type DenseOp = (a: number, rows: number, K: number, w: number, N: number, c: number, bias: Float32Array) => void | Promise<void>;

interface Dense {
  w: number;
  K: number;
  N: number;
  bias: Float32Array;
}

interface Norm {
  scale: Float32Array;
  bias: Float32Array;
}

interface Layer {
  dim: number;
  norm: Norm;
  qkv: Dense;
  qScale: number;
  out: Dense;
  ffnNorm: Norm;
  ffnIn: Dense;
  ffnOut: Dense;
}

class WeightError extends Error {
  constructor(what: string) {
    super(`not the USE-lite graph this engine knows: ${what}`);
  }
}

function pick(inits: Initializer[], prefix: string, count: number): Initializer[] {
  const found = inits.filter((t) => new RegExp(`^${prefix}_\\d+$`).test(t.name));
  if (found.length !== count) throw new WeightError(`expected ${count} "${prefix}" weights, found ${found.length}`);
  return found;
}

function floats(t: Initializer, dims: number[]): Float32Array {
  if (!(t.data instanceof Float32Array) || t.dims.join('×') !== dims.join('×')) {
    throw new WeightError(`${t.name} should be float32 ${dims.join('×') || 'scalar'}, is ${t.dims.join('×') || 'scalar'} (type ${t.dataType})`);
  }
  return t.data;
}

export class UseLiteEngine {
  private readonly layers: Layer[];
  private readonly residual: Dense;
  private readonly tanh: Dense;
  private readonly embeddings: Float32Array;
  private readonly timing: Float32Array;
  private readonly heads: number;
  private readonly lnEps: number;
  private readonly l2Eps: number;
  private readonly weightsEnd: number;

  private readonly run: DenseOp;
  private scratch = { q: 0, kT: 0, scores: 0, v: 0 };
  /** Calls run one after another: they share the activation memory, and a call waits on its threads part-way. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `model`: the bytes of the float onnx/model.onnx that scripts/build-model.mjs writes. `parallel`: how to run a dense
   * product over `gemm`'s memory (default: on this thread).
   */
  constructor(model: Uint8Array, private readonly gemm = new Gemm(true), parallel?: DenseOp) {
    this.run = parallel ?? ((...args) => gemm.dense(...args));
    const inits = readInitializers(model);
    const ws = pick(inits, 'w', 10);
    const bs = pick(inits, 'b', 10);
    const shapes = [
      [EMB, HIDDEN], [EMB, 3 * EMB], [EMB, HIDDEN], [HIDDEN, FFN], [FFN, HIDDEN],
      [HIDDEN, 3 * HIDDEN], [HIDDEN, HIDDEN], [HIDDEN, FFN], [FFN, HIDDEN], [HIDDEN, HIDDEN],
    ];
    const dense = shapes.map(([K, N], i): Dense => ({ w: gemm.pack(floats(ws[i], [K, N]), K, N), K, N, bias: floats(bs[i], [N]) }));
    const scales = pick(inits, 'ln_scale', 4);
    const biases = pick(inits, 'ln_bias', 4);
    const norm = (i: number, dim: number): Norm => ({ scale: floats(scales[i], [dim]), bias: floats(biases[i], [dim]) });
    const qScales = pick(inits, 'q_scale', 2).map((t) => floats(t, [])[0]);
    const headShape = pick(inits, 'head_shape', 2)[0].data;
    if (!(headShape instanceof BigInt64Array) || headShape.length !== 4) throw new WeightError('no head_shape [0, 0, heads, head_dim]');
    this.heads = Number(headShape[2]);
    this.residual = dense[0];
    this.layers = [
      { dim: EMB, norm: norm(0, EMB), qkv: dense[1], qScale: qScales[0], out: dense[2], ffnNorm: norm(1, HIDDEN), ffnIn: dense[3], ffnOut: dense[4] },
      { dim: HIDDEN, norm: norm(2, HIDDEN), qkv: dense[5], qScale: qScales[1], out: dense[6], ffnNorm: norm(3, HIDDEN), ffnIn: dense[7], ffnOut: dense[8] },
    ];
    this.tanh = dense[9];
    this.embeddings = floats(pick(inits, 'embeddings', 1)[0], [VOCAB_ROWS, EMB]);
    this.timing = floats(pick(inits, 'timing_signal', 1)[0], [MAX_LENGTH, EMB]);
    this.lnEps = floats(pick(inits, 'ln_eps', 1)[0], [])[0];
    this.l2Eps = floats(pick(inits, 'l2_eps', 1)[0], [])[0];
    this.weightsEnd = gemm.mark;
  }

  /**
   * One sentence vector per list of token ids (as the tokenizer gives them, with no padding): the graph's
   * `sentence_embedding`. Tokens past position 128 are ignored, as the reference does.
   */
  embed(sentences: ArrayLike<number>[]): Promise<Float32Array[]> {
    const run = this.queue.then(() => this.embedNow(sentences));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async embedNow(sentences: ArrayLike<number>[]): Promise<Float32Array[]> {
    const ids = sentences.map((s) => Array.from(s).slice(0, MAX_LENGTH));
    for (const list of ids) for (const id of list) if (!(id >= 0 && id < VOCAB_ROWS && Number.isInteger(id))) throw new RangeError(`token id ${id} is outside the vocabulary (0–${VOCAB_ROWS - 1})`);
    const rows = ids.reduce((n, s) => n + s.length, 0);
    const padded = Math.ceil(Math.max(rows, 1) / MR) * MR;
    const g = this.gemm;
    g.release(this.weightsEnd);
    const x0 = g.alloc(padded * EMB);
    const h = g.alloc(padded * HIDDEN);
    const qkv = g.alloc(padded * 3 * HIDDEN);
    // Attention writes each sentence's rows MR at a time: room for a block past the last row.
    const ctx = g.alloc((padded + MR) * HIDDEN);
    const a = g.alloc(padded * HIDDEN);
    const inner = g.alloc(padded * FFN);
    const x = g.alloc(padded * HIDDEN);
    const batchRows = Math.ceil(Math.max(ids.length, 1) / MR) * MR;
    const mean = g.alloc(batchRows * HIDDEN);
    const meanInner = g.alloc(batchRows * FFN);
    const out = g.alloc(batchRows * HIDDEN);
    const longest = Math.max(1, ...ids.map((s) => s.length));
    const maxHead = HIDDEN / this.heads;
    const scratch = {
      q: g.alloc((longest + MR) * maxHead),
      kT: g.alloc(maxHead * (longest + NR)),
      scores: g.alloc((longest + MR) * (longest + NR)),
      v: g.alloc(longest * maxHead),
    };
    this.scratch = scratch;
    const f = g.f32;

    // Embedding + timing signal: e + (e + timing[p]), as the reference adds them.
    let r = 0;
    for (const list of ids) {
      list.forEach((id, p) => {
        for (let d = 0; d < EMB; d++) {
          const e = this.embeddings[id * EMB + d];
          f[x0 + r * EMB + d] = e + Math.fround(e + this.timing[p * EMB + d]);
        }
        r++;
      });
    }
    const lengths = ids.map((s) => s.length);
    // Layer 0: 256 wide in, 512 out; its residual is a dense projection of the input.
    await this.run(x0, rows, EMB, this.residual.w, HIDDEN, x, this.residual.bias);
    await this.layer(this.layers[0], x0, x, lengths, rows, { h, qkv, ctx, a, inner });
    // Layer 1: 512 → 512, residual is the input itself; it leaves each sentence's mean output in `mean`.
    await this.layer(this.layers[1], x, x, lengths, rows, { h, qkv, ctx, a, inner }, { mean, meanInner, out });

    // Tanh layer on the means, then L2 with the graph's epsilon.
    await this.run(mean, ids.length, HIDDEN, this.tanh.w, HIDDEN, out, this.tanh.bias);
    const f2 = g.f32;
    return ids.map((_, s) => {
      const v = new Float32Array(HIDDEN);
      let sumsq = 0;
      for (let d = 0; d < HIDDEN; d++) {
        v[d] = Math.tanh(f2[out + s * HIDDEN + d]);
        sumsq += v[d] * v[d];
      }
      const inv = 1 / Math.sqrt(Math.max(Math.fround(sumsq), this.l2Eps));
      for (let d = 0; d < HIDDEN; d++) v[d] *= inv;
      return v;
    });
  }

  /**
   * One pre-norm transformer layer: `res` (float index) holds the residual to add after attention and is overwritten
   * with the layer's output (for layer 0 it is the dense projection of `input`; for layer 1 it is `input` itself).
   * `last`: only each sentence's mean output is needed, written to `last.mean`. The FFN's second product is linear, so
   * mean(relu(·)·W + b + a) = mean(relu(·))·W + b + mean(a): one row per sentence instead of one per token (a sixth of
   * the model's arithmetic).
   */
  private async layer(
    L: Layer,
    input: number,
    res: number,
    lengths: number[],
    rows: number,
    buf: { h: number; qkv: number; ctx: number; a: number; inner: number },
    last?: { mean: number; meanInner: number; out: number },
  ): Promise<void> {
    const g = this.gemm;
    const { h, qkv, ctx, a, inner } = buf;
    this.norm(input, h, rows, L.dim, L.norm);
    await this.run(h, rows, L.dim, L.qkv.w, 3 * L.dim, qkv, L.qkv.bias);
    this.attention(qkv, ctx, lengths, L.dim, L.qScale);
    await this.run(ctx, rows, L.dim, L.out.w, HIDDEN, a, L.out.bias);
    const f = g.f32;
    for (let i = 0; i < rows * HIDDEN; i++) f[a + i] += f[res + i];
    this.norm(a, h, rows, HIDDEN, L.ffnNorm);
    await this.run(h, rows, HIDDEN, L.ffnIn.w, FFN, inner, L.ffnIn.bias);
    const f2 = g.f32;
    for (let i = inner, end = inner + rows * FFN; i < end; i++) if (f2[i] < 0) f2[i] = 0;
    if (!last) {
      await this.run(inner, rows, FFN, L.ffnOut.w, HIDDEN, res, L.ffnOut.bias);
      const f3 = g.f32;
      for (let i = 0; i < rows * HIDDEN; i++) f3[res + i] += f3[a + i];
      return;
    }
    this.means(inner, FFN, lengths, last.meanInner);
    this.means(a, HIDDEN, lengths, last.mean);
    await this.run(last.meanInner, lengths.length, FFN, L.ffnOut.w, HIDDEN, last.out, L.ffnOut.bias);
    const f3 = g.f32;
    // A sentence without tokens has a zero mean, as in the reference (its count is clamped to 1, its sum is 0).
    lengths.forEach((n, s) => {
      if (n > 0) for (let d = 0; d < HIDDEN; d++) f3[last.mean + s * HIDDEN + d] += f3[last.out + s * HIDDEN + d];
    });
  }

  /** Per sentence, the mean of its token rows (`width` wide) into row s of `dst`; count clamped to ≥ 1. */
  private means(src: number, width: number, lengths: number[], dst: number): void {
    const f = this.gemm.f32;
    let r = 0;
    lengths.forEach((n, s) => {
      const m = dst + s * width;
      f.fill(0, m, m + width);
      for (let t = 0; t < n; t++, r++) for (let d = 0; d < width; d++) f[m + d] += f[src + r * width + d];
      const count = Math.max(n, 1);
      for (let d = 0; d < width; d++) f[m + d] /= count;
    });
  }

  /** TF's layer norm: (x − μ) · rsqrt(σ² + ε) · scale + bias, per row. */
  private norm(src: number, dst: number, rows: number, dim: number, { scale, bias }: Norm): void {
    const f = this.gemm.f32;
    for (let r = 0; r < rows; r++) {
      const row = src + r * dim;
      let sum = 0;
      for (let d = 0; d < dim; d++) sum += f[row + d];
      const mu = Math.fround(sum / dim);
      let sq = 0;
      for (let d = 0; d < dim; d++) {
        const c = Math.fround(f[row + d] - mu);
        sq += c * c;
      }
      const rsqrt = 1 / Math.sqrt(Math.fround(Math.fround(sq / dim) + this.lnEps));
      const out = dst + r * dim;
      for (let d = 0; d < dim; d++) f[out + d] = Math.fround(Math.fround(scale[d] * rsqrt) * Math.fround(f[row + d] - mu)) + bias[d];
    }
  }

  /**
   * Self-attention within each sentence, head by head: softmax(q·scale · kᵀ) · v, heads merged back in order. Both
   * products run on the GEMM kernel (keys and values packed into panels per sentence and head); softmax in JS.
   */
  private attention(qkv: number, ctx: number, lengths: number[], dim: number, qScale: number): void {
    const g = this.gemm;
    const f = g.f32;
    const hd = dim / this.heads;
    const stride = 3 * dim;
    const { q, kT, scores, v } = this.scratch;
    let start = 0;
    for (const n of lengths) {
      if (n === 0) continue;
      const n8 = Math.ceil(n / NR) * NR;
      const n6 = Math.ceil(n / MR) * MR;
      for (let head = 0; head < this.heads; head++) {
        const qo = head * hd;
        const ko = dim + head * hd;
        const vo = 2 * dim + head * hd;
        // q · scale, as the graph scales it before the product.
        for (let i = 0; i < n; i++) {
          const src = qkv + (start + i) * stride + qo;
          for (let d = 0; d < hd; d++) f[q + i * hd + d] = f[src + d] * qScale;
        }
        // kᵀ in panels of NR keys: panel p, row d holds key 8p..8p+7's component d (zeros past the last key).
        for (let p = 0; p < n8 / NR; p++) {
          for (let j = 0; j < NR; j++) {
            const key = p * NR + j;
            const src = qkv + (start + key) * stride + ko;
            for (let d = 0; d < hd; d++) f[kT + (p * hd + d) * NR + j] = key < n ? f[src + d] : 0;
          }
        }
        f.fill(0, scores, scores + n6 * n8);
        g.product(q, hd, n, hd, kT, scores, n8, 0, n8 / NR);
        for (let i = 0; i < n; i++) {
          const row = scores + i * n8;
          let max = -Infinity;
          for (let j = 0; j < n; j++) if (f[row + j] > max) max = f[row + j];
          let total = 0;
          for (let j = 0; j < n; j++) total += f[row + j] = Math.exp(f[row + j] - max);
          for (let j = 0; j < n; j++) f[row + j] = f[row + j] / total;
        }
        // v in panels of NR components: panel p, row k holds key k's components 8p..8p+7.
        for (let p = 0; p < hd / NR; p++) {
          for (let k = 0; k < n; k++) {
            const src = qkv + (start + k) * stride + vo + p * NR;
            const dst = v + (p * n + k) * NR;
            for (let j = 0; j < NR; j++) f[dst + j] = f[src + j];
          }
        }
        const out = ctx + start * dim + head * hd;
        for (let i = 0; i < n6; i++) f.fill(0, out + i * dim, out + i * dim + hd);
        g.product(scores, n8, n, n, v, out, dim, 0, hd / NR);
      }
      start += n;
    }
  }
}
