// Vectors travel as base64 of little-endian float32 (exact) or float16 (half the size, ~3 significant digits,
// enough for cosine ranking). Hand-rolled only because Float16Array / Math.f16round are not in Node 20.

export const VECTOR_ENCODINGS = ['float32', 'float16'] as const;
export type VectorEncoding = (typeof VECTOR_ENCODINGS)[number];

const BYTES: Record<VectorEncoding, number> = { float32: 4, float16: 2 };

export function bytesPerValue(encoding: VectorEncoding): number {
  return BYTES[encoding];
}

// btoa is native in browsers and Node 20 and far faster than building the string in JS. Decoding is a table
// loop instead of a strictness regex + atob: in Chromium that regex alone cost 25 µs per 512-d vector, a quarter
// of reading a 10k-memory pool file; the loop checks every character as it goes.
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary);
}

const SEXTET = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) SEXTET[c.charCodeAt(0)] = i;
const PAD = 61; // '='

function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? SEXTET[c] : -1;
}

/** Strict decoder: returns undefined for anything that is not padded base64 (no whitespace, '=' only at the end). */
export function fromBase64(text: string): Uint8Array | undefined {
  const len = text.length;
  if (len % 4 !== 0) return undefined;
  const pad = len === 0 || text.charCodeAt(len - 1) !== PAD ? 0 : text.charCodeAt(len - 2) === PAD ? 2 : 1;
  const out = new Uint8Array((len / 4) * 3 - pad);
  const full = pad ? len - 4 : len;
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (pad) {
    const a = sextet(text, full);
    const b = sextet(text, full + 1);
    const c = pad === 1 ? sextet(text, full + 2) : 0;
    if ((a | b | c) < 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    if (pad === 1) out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half precision, round-to-nearest-even, with subnormals. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && m & 1)) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function encodeVector(vector: Float32Array, encoding: VectorEncoding): string {
  if (encoding === 'float32' && LITTLE_ENDIAN) {
    return toBase64(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
  }
  const bytes = new Uint8Array(vector.length * BYTES[encoding]);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) {
    if (encoding === 'float32') view.setFloat32(i * 4, vector[i], true);
    else view.setUint16(i * 2, toFloat16Bits(vector[i]), true);
  }
  return toBase64(bytes);
}

export type DecodedVector = { ok: true; vector: Float32Array } | { ok: false; problem: 'base64' | 'length' | 'not-finite'; dims?: number };

export function decodeVector(text: string, encoding: VectorEncoding): DecodedVector {
  const bytes = fromBase64(text);
  if (!bytes) return { ok: false, problem: 'base64' };
  const size = BYTES[encoding];
  if (bytes.length % size !== 0) return { ok: false, problem: 'length' };
  if (encoding === 'float32' && LITTLE_ENDIAN) {
    const out = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) return { ok: false, problem: 'not-finite' };
    return { ok: true, vector: out };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / size);
  for (let i = 0; i < out.length; i++) {
    const v = encoding === 'float32' ? view.getFloat32(i * 4, true) : fromFloat16Bits(view.getUint16(i * 2, true));
    if (!Number.isFinite(v)) return { ok: false, problem: 'not-finite' };
    out[i] = v;
  }
  return { ok: true, vector: out };
}
