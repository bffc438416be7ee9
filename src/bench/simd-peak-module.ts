// The most arithmetic WebAssembly SIMD does on this machine: CHAINS independent f32x4 multiply-add chains kept in
// registers, no memory traffic. Any wasm inference engine runs below this, so it bounds how close the browser's
// embedding could ever get to native ONNX Runtime (which has AVX2 + FMA, twice the width).
import {
  Code,
  CORE,
  EXTERN,
  F32,
  FUNC_TYPE,
  funcBody,
  I32,
  name,
  OP,
  section,
  SECTION,
  V128,
  vec,
  wasmModule,
} from '../adapters/index/wasm-emit';

/** Enough independent chains to cover FMA latency × issue width on current x86 and ARM cores. */
export const CHAINS = 12;
/** f32x4: 4 lanes × (multiply + add). */
export const FLOPS_PER_ITERATION = CHAINS * 4 * 2;
export const MULTIPLIER = 0.999;
export const ADDEND = 0.001;

const { F32X4_SPLAT, F32X4_EXTRACT_LANE, F32X4_ADD, F32X4_MUL, F32X4_RELAXED_MADD } = OP;

/**
 * `run(iterations) → f32`: every chain does acc = acc × MULTIPLIER + ADDEND `iterations` times from 0; returns lane 0
 * of the sum of the chains. `relaxed`: one f32x4.relaxed_madd (an FMA where the CPU has one) instead of mul + add.
 */
export function peakModuleBytes(relaxed: boolean): Uint8Array {
  const N = 0;
  const acc = (i: number) => 1 + i;
  const M = 1 + CHAINS;
  const A = M + 1;
  const c = new Code();
  c.f32(MULTIPLIER).simd(F32X4_SPLAT).set(M);
  c.f32(ADDEND).simd(F32X4_SPLAT).set(A);
  c.begin(CORE.BLOCK).begin(CORE.LOOP);
  c.get(N).op(CORE.I32_EQZ).br(CORE.BR_IF, 1); // leave the block when iterations == 0
  for (let i = 0; i < CHAINS; i++) {
    c.get(acc(i)).get(M);
    if (relaxed) c.get(A).simd(F32X4_RELAXED_MADD);
    else c.simd(F32X4_MUL).get(A).simd(F32X4_ADD);
    c.set(acc(i));
  }
  c.get(N).i32(1).op(CORE.I32_SUB).set(N); // iterations -= 1
  c.br(CORE.BR, 0).end(2); // next iteration; end loop, block
  c.get(acc(0));
  for (let i = 1; i < CHAINS; i++) c.get(acc(i)).simd(F32X4_ADD);
  c.simd(F32X4_EXTRACT_LANE, 0).end(); // the result; end of function
  return wasmModule((out) => {
    section(SECTION.TYPE, vec([[FUNC_TYPE, 1, I32, 1, F32]]), out); // (i32) -> f32
    section(SECTION.FUNCTION, vec([[0]]), out);
    section(SECTION.EXPORT, vec([name('run').concat([EXTERN.FUNC, 0])]), out);
    section(SECTION.CODE, vec([funcBody([[CHAINS + 2, V128]], c)]), out);
  });
}
