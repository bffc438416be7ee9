// The most arithmetic WebAssembly SIMD does on this machine: CHAINS independent f32x4 multiply-add chains kept in
// registers, no memory traffic. Any wasm inference engine runs below this, so it bounds how close the browser's
// embedding could ever get to native ONNX Runtime (which has AVX2 + FMA, twice the width).
import { Code, F32, funcBody, I32, name, OP, section, V128, vec } from '../adapters/index/wasm-emit';

/** Enough independent chains to cover FMA latency × issue width on current x86 and ARM cores. */
export const CHAINS = 12;
/** f32x4: 4 lanes × (multiply + add). */
export const FLOPS_PER_ITERATION = CHAINS * 4 * 2;
export const MULTIPLIER = 0.999;
export const ADDEND = 0.001;

const { F32X4_SPLAT, F32X4_EXTRACT_LANE, F32X4_ADD, F32X4_MUL, F32X4_RELAXED_MADD } = OP;

function f32const(c: Code, x: number): void {
  c.op(0x43, ...new Uint8Array(new Float32Array([x]).buffer));
}

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
  f32const(c, MULTIPLIER);
  c.simd(F32X4_SPLAT).set(M);
  f32const(c, ADDEND);
  c.simd(F32X4_SPLAT).set(A);
  c.op(0x02, 0x40, 0x03, 0x40); // block, loop
  c.get(N).op(0x45, 0x0d, 0x01); // br_if out when iterations == 0
  for (let i = 0; i < CHAINS; i++) {
    c.get(acc(i)).get(M);
    if (relaxed) c.get(A).simd(F32X4_RELAXED_MADD);
    else c.simd(F32X4_MUL).get(A).simd(F32X4_ADD);
    c.set(acc(i));
  }
  c.get(N).i32(1).op(0x6b).set(N); // iterations -= 1
  c.op(0x0c, 0x00, 0x0b, 0x0b); // br loop; end loop; end block
  c.get(acc(0));
  for (let i = 1; i < CHAINS; i++) c.get(acc(i)).simd(F32X4_ADD);
  c.simd(F32X4_EXTRACT_LANE, 0).op(0x0b);
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(1, vec([[0x60, 1, I32, 1, F32]]), out);
  section(3, vec([[0]]), out);
  section(7, vec([name('run').concat([0x00, 0])]), out);
  section(10, vec([funcBody([[CHAINS + 2, V128]], c)]), out);
  return new Uint8Array(out);
}
