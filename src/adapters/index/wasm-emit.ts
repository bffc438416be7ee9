// A few lines of WebAssembly binary encoding: enough to hand-emit small SIMD modules (the index's scan kernels, the
// USE-lite engine's GEMM kernel, the bench's SIMD peak probe) without a wasm toolchain in the build. Every opcode,
// section id and immediate the kernels use is named here, so a kernel reads as its instructions without the spec open.

export const SIMD = 0xfd;
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** The module header: magic `\0asm`, version 1. */
export const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00] as const;

/** Section ids. */
export const SECTION = { TYPE: 1, IMPORT: 2, FUNCTION: 3, MEMORY: 5, EXPORT: 7, CODE: 10 } as const;

/** A function type's leading byte (`0x60 params… results…`). */
export const FUNC_TYPE = 0x60;
/** What an import or export names: a function or a memory. */
export const EXTERN = { FUNC: 0x00, MEMORY: 0x02 } as const;
/** Memory limits flags: min only; shared with min and max (threads). */
export const LIMITS = { MIN: 0x00, SHARED_MIN_MAX: 0x03 } as const;
/** The block type of a block, loop or if that leaves nothing on the stack. */
export const EMPTY_BLOCK = 0x40;

/** Core opcodes the hand-emitted modules use (one byte each). */
export const CORE = {
  BLOCK: 0x02,
  LOOP: 0x03,
  IF: 0x04,
  END: 0x0b,
  BR: 0x0c,
  BR_IF: 0x0d,
  LOCAL_GET: 0x20,
  LOCAL_SET: 0x21,
  LOCAL_TEE: 0x22,
  I32_LOAD: 0x28,
  F32_LOAD: 0x2a,
  I32_STORE: 0x36,
  F32_STORE: 0x38,
  I32_CONST: 0x41,
  F32_CONST: 0x43,
  I32_EQZ: 0x45,
  I32_EQ: 0x46,
  I32_NE: 0x47,
  I32_GE_S: 0x4e,
  F32_GE: 0x60,
  I32_ADD: 0x6a,
  I32_SUB: 0x6b,
  I32_MUL: 0x6c,
  I32_AND: 0x71,
  I32_SHL: 0x74,
  I32_SHR_U: 0x76,
  F32_ADD: 0x92,
} as const;

/** SIMD opcodes (after the 0xfd prefix) the hand-emitted modules use. */
export const OP = {
  V128_LOAD: 0x00,
  V128_LOAD32_SPLAT: 0x09,
  V128_STORE: 0x0b,
  I32X4_SPLAT: 0x11,
  F32X4_SPLAT: 0x13,
  I32X4_EXTRACT_LANE: 0x1b,
  F32X4_EXTRACT_LANE: 0x1f,
  I32X4_GE_S: 0x3f,
  F32X4_GE: 0x46,
  I32X4_EXTADD_PAIRWISE_I16X8_S: 0x7e,
  I16X8_EXTEND_LOW_I8X16_S: 0x87,
  I16X8_EXTEND_HIGH_I8X16_S: 0x88,
  I32X4_BITMASK: 0xa4,
  I32X4_ADD: 0xae,
  I32X4_DOT_I16X8_S: 0xba,
  F32X4_ADD: 0xe4,
  F32X4_MUL: 0xe6,
  F32X4_RELAXED_MADD: 0x105,
  I16X8_RELAXED_DOT_I8X16_I7X16_S: 0x112,
  I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S: 0x113,
} as const;

/** log2 of a memory access's alignment, its first immediate. */
export const ALIGN = { B1: 0x00, B4: 0x02, B16: 0x04 } as const;

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
    this.bytes.push(CORE.LOCAL_GET);
    uleb(i, this.bytes);
    return this;
  }
  set(i: number): this {
    this.bytes.push(CORE.LOCAL_SET);
    uleb(i, this.bytes);
    return this;
  }
  tee(i: number): this {
    this.bytes.push(CORE.LOCAL_TEE);
    uleb(i, this.bytes);
    return this;
  }
  i32(n: number): this {
    this.bytes.push(CORE.I32_CONST);
    sleb(n, this.bytes);
    return this;
  }
  f32(x: number): this {
    this.bytes.push(CORE.F32_CONST, ...new Uint8Array(new Float32Array([x]).buffer));
    return this;
  }
  /** A core load or store: opcode, then its memarg (log2 alignment, constant byte offset). */
  mem(opcode: number, align: number, offset: number): this {
    this.bytes.push(opcode, align);
    uleb(offset, this.bytes);
    return this;
  }
  /** A SIMD load or store (v128.load, v128.load32_splat, v128.store) with its memarg. */
  simdMem(opcode: number, align: number, offset: number): this {
    this.bytes.push(SIMD);
    uleb(opcode, this.bytes);
    this.bytes.push(align);
    uleb(offset, this.bytes);
    return this;
  }
  /** v128.load with a constant byte offset and alignment hint 2^0 (a hint only: engines load unaligned either way). */
  load(offset: number): this {
    return this.simdMem(OP.V128_LOAD, ALIGN.B1, offset);
  }
  /** block or loop (or if) with no result. */
  begin(opcode: typeof CORE.BLOCK | typeof CORE.LOOP | typeof CORE.IF): this {
    this.bytes.push(opcode, EMPTY_BLOCK);
    return this;
  }
  /** br / br_if to the `depth`-th enclosing block (0: the innermost). */
  br(opcode: typeof CORE.BR | typeof CORE.BR_IF, depth: number): this {
    this.bytes.push(opcode);
    uleb(depth, this.bytes);
    return this;
  }
  end(count = 1): this {
    for (let i = 0; i < count; i++) this.bytes.push(CORE.END);
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
/** A module: the header, then its sections in order. */
export function wasmModule(build: (out: number[]) => void): Uint8Array {
  const out: number[] = [...MAGIC_AND_VERSION];
  build(out);
  return new Uint8Array(out);
}

export function funcBody(locals: number[][], code: Code): number[] {
  const fn = vec(locals).concat(code.bytes);
  const out: number[] = [];
  uleb(fn.length, out);
  return out.concat(fn);
}
