// A few lines of WebAssembly binary encoding: enough to hand-emit small SIMD modules (the index's scan kernels, the
// bench's SIMD peak probe) without a wasm toolchain in the build.

export const SIMD = 0xfd;
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** SIMD opcodes (after the 0xfd prefix) the hand-emitted modules use. */
export const OP = {
  V128_LOAD: 0x00,
  V128_LOAD32_SPLAT: 0x09,
  V128_STORE: 0x0b,
  F32X4_SPLAT: 0x13,
  F32X4_EXTRACT_LANE: 0x1f,
  F32X4_ADD: 0xe4,
  F32X4_MUL: 0xe6,
  F32X4_RELAXED_MADD: 0x105,
} as const;

export function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

export class Code {
  bytes: number[] = [];
  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  simd(opcode: number, ...imm: number[]): this {
    this.bytes.push(SIMD);
    uleb(opcode, this.bytes);
    this.bytes.push(...imm);
    return this;
  }
  get(i: number): this {
    this.bytes.push(0x20);
    uleb(i, this.bytes);
    return this;
  }
  set(i: number): this {
    this.bytes.push(0x21);
    uleb(i, this.bytes);
    return this;
  }
  tee(i: number): this {
    this.bytes.push(0x22);
    uleb(i, this.bytes);
    return this;
  }
  i32(n: number): this {
    this.bytes.push(0x41);
    sleb(n, this.bytes);
    return this;
  }
  /** v128.load with a constant byte offset. */
  load(offset: number): this {
    this.bytes.push(SIMD, 0x00, 0x00);
    uleb(offset, this.bytes);
    return this;
  }
}

export function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  out.push(...body);
}

export function vec(items: number[][]): number[] {
  const out: number[] = [];
  uleb(items.length, out);
  for (const it of items) out.push(...it);
  return out;
}

export function name(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  const out: number[] = [];
  uleb(b.length, out);
  return out.concat(b);
}

/** A code-section entry: local declarations ([count, type] groups), then the body; length-prefixed. */
export function funcBody(locals: number[][], code: Code): number[] {
  const fn = vec(locals).concat(code.bytes);
  const out: number[] = [];
  uleb(fn.length, out);
  return out.concat(fn);
}
