/**
 * Hand-assembled WebAssembly SIMD kernels for the wasm backend: AdamW and ADANA updates and the gradient sum of
 * squares, running IN the tfjs wasm backend's own linear memory (the module imports the backend's exported
 * `WebAssembly.Memory`), so tensors are read and written in place by pointer with no copies and no JS loop.
 *
 * The module is built at load time by the package's WebAssembly encoder (src/wasm/encoder.ts; no toolchain),
 * validated with `WebAssembly.validate` and instantiated synchronously. When SIMD is unavailable, the backend's
 * memory is not reachable or is shared (threaded build), {@link wasmSimdKernels} returns null and the optimizers
 * keep their JavaScript loop.
 *
 * Numerics: the kernels compute in float32 with the rule's scalars rounded to float32 (like the WGSL bodies), in the
 * same operation order as the rules' `cpu` loops. The JavaScript loops compute each coordinate in float64 and round
 * once per stored value, so the two paths differ by a few float32 ulps per step (both are checked against the
 * float64 references with the same tolerance). The last n mod 4 coordinates run in JavaScript with `Math.fround`
 * after every operation, which is bit-identical to the float32 SIMD lanes (+, −, ×, ÷ and √ are correctly rounded,
 * and float64 has enough precision that rounding twice equals rounding once). The sum of squares promotes to
 * float64 (two f64x2 accumulators), so it is the float64 sum up to summation order.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { encodeModule, F32, F64, I32, op, V128, type Bytes, type WasmFunc } from '../../wasm/encoder';
/** Scalars of one update, by name. */
type RuleScalars = Record<string, number>;

// Tensors on the backend's heap are 4-byte aligned, not 16: v128 accesses carry the alignment hint 2^0.
const load = (): Bytes => op.load(0, 0);
const store = (): Bytes => op.store(0, 0);

/**
 * An elementwise kernel over `nPtr` float32 arrays (pointer params 0..nPtr-1), count of 4-lane vectors `n4` (param
 * nPtr), then `nScalar` f32 scalars splatted into v128 locals before the loop. `body(s, t)` gives the loop body;
 * `s(j)` is the v128 local holding scalar j, `t(j)` a temporary v128 local. Every pointer advances 16 bytes a step.
 */
function elementwise(name: string, nPtr: number, nScalar: number, nTemp: number, body: (s: (j: number) => number, t: (j: number) => number) => Bytes[]): WasmFunc {
  const n4 = nPtr;
  const firstScalar = nPtr + 1;
  const firstSplat = firstScalar + nScalar;
  const firstTemp = firstSplat + nScalar;
  const s = (j: number): number => firstSplat + j;
  const t = (j: number): number => firstTemp + j;
  const init: Bytes[] = [];
  for (let j = 0; j < nScalar; j++) init.push(op.get(firstScalar + j), op.f32x4splat, op.set(s(j)));
  const advance: Bytes[] = [];
  for (let q = 0; q < nPtr; q++) advance.push(op.get(q), op.i32(16), op.i32add, op.set(q));
  return {
    name,
    params: [...Array(nPtr + 1).fill(I32), ...Array(nScalar).fill(F32)],
    results: [],
    locals: Array(nScalar + nTemp).fill(V128),
    body: [
      ...init,
      op.block,
      op.get(n4),
      op.i32eqz,
      op.brIf(0),
      op.loop,
      ...body(s, t),
      ...advance,
      op.get(n4),
      op.i32(1),
      op.i32sub,
      op.set(n4),
      op.get(n4),
      op.brIf(0),
      op.end,
      op.end,
    ],
  };
}

// Pointer order of both updates: out (new parameter), p, g, m, v.
const [OUT, P, G, M, V] = [0, 1, 2, 3, 4];
const ld = (ptr: number): Bytes[] => [op.get(ptr), load()];

/** AdamW: scalars b1, c1, b2, c2, stepSize, ibc2, eps, decay, gscale (the order of `adamwRule.cpu`'s arithmetic). */
const adamwFunc = elementwise('adamw', 5, 9, 3, (s, t) => {
  const [b1, c1, b2, c2, stepSize, ibc2, eps, decay, gscale] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(s) as number[];
  const [gi, mi, vi] = [t(0), t(1), t(2)];
  return [
    // gi = g·gscale
    ...ld(G), op.get(gscale!), op.f32x4mul, op.set(gi),
    // m = b1·m + c1·gi
    op.get(M), op.get(b1!), ...ld(M), op.f32x4mul, op.get(c1!), op.get(gi), op.f32x4mul, op.f32x4add, op.set(mi), op.get(mi), store(),
    // v = b2·v + (c2·gi)·gi
    op.get(V), op.get(b2!), ...ld(V), op.f32x4mul, op.get(c2!), op.get(gi), op.f32x4mul, op.get(gi), op.f32x4mul, op.f32x4add, op.set(vi), op.get(vi), store(),
    // out = p·decay − (stepSize·m)/(√v·ibc2 + eps)
    op.get(OUT), ...ld(P), op.get(decay!), op.f32x4mul,
    op.get(stepSize!), op.get(mi), op.f32x4mul, op.get(vi), op.f32x4sqrt, op.get(ibc2!), op.f32x4mul, op.get(eps!), op.f32x4add, op.f32x4div,
    op.f32x4sub, store(),
  ];
});

/** ADANA / MK4: scalars a, keepA, lr, lr3, damp, clip, eps, decay, gscale, one (the order of `adanaRule.cpu`). */
const adanaFunc = elementwise('adana', 5, 10, 5, (s, t) => {
  const [a, keepA, lr, lr3, damp, clip, eps, decay, gscale, one] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(s) as number[];
  const [gi, mi, vi, inv, r] = [t(0), t(1), t(2), t(3), t(4)];
  return [
    ...ld(G), op.get(gscale!), op.f32x4mul, op.set(gi),
    // m = m + a·(gi − m)
    ...ld(M), op.set(mi), op.get(M), op.get(mi), op.get(a!), op.get(gi), op.get(mi), op.f32x4sub, op.f32x4mul, op.f32x4add, op.set(mi), op.get(mi), store(),
    // v = keepA·v + (a·gi)·gi
    op.get(V), op.get(keepA!), ...ld(V), op.f32x4mul, op.get(a!), op.get(gi), op.f32x4mul, op.get(gi), op.f32x4mul, op.f32x4add, op.set(vi), op.get(vi), store(),
    // inv = 1/(√v + eps); r = m·inv
    op.get(one!), op.get(vi), op.f32x4sqrt, op.get(eps!), op.f32x4add, op.f32x4div, op.set(inv),
    op.get(mi), op.get(inv), op.f32x4mul, op.set(r),
    // out = (p − (lr·gi)·inv − lr3·(clamp(damp·r, ±clip) + r))·decay
    op.get(OUT), ...ld(P), op.get(lr!), op.get(gi), op.f32x4mul, op.get(inv), op.f32x4mul, op.f32x4sub,
    op.get(lr3!),
    op.get(clip!), op.get(clip!), op.f32x4neg, op.get(damp!), op.get(r), op.f32x4mul, op.f32x4max, op.f32x4min, // min(clip, max(−clip, x)); NaN propagates like the JS ternary
    op.get(r), op.f32x4add, op.f32x4mul, op.f32x4sub, op.get(decay!), op.f32x4mul, store(),
  ];
});

/** Σ g² in float64 over `n4` vectors at `ptr` (params: ptr, n4; locals: acc0, acc1, x). */
const sumSqFunc: WasmFunc = {
  name: 'sumsq',
  params: [I32, I32],
  results: [F64],
  locals: [V128, V128, V128],
  body: [
    op.block,
    op.get(1),
    op.i32eqz,
    op.brIf(0),
    op.loop,
    op.get(0), load(), op.set(4),
    op.get(2), op.get(4), op.f64x2promoteLowF32x4, op.get(4), op.f64x2promoteLowF32x4, op.f64x2mul, op.f64x2add, op.set(2),
    op.get(3), op.get(4), op.get(4), op.shuffle64([1, 0]), op.f64x2promoteLowF32x4, op.get(4), op.get(4), op.shuffle64([1, 0]), op.f64x2promoteLowF32x4, op.f64x2mul, op.f64x2add, op.set(3),
    op.get(0), op.i32(16), op.i32add, op.set(0),
    op.get(1), op.i32(1), op.i32sub, op.set(1),
    op.get(1),
    op.brIf(0),
    op.end,
    op.end,
    op.get(2), op.get(3), op.f64x2add, op.set(2),
    op.get(2), op.f64x2extractLane(0), op.get(2), op.f64x2extractLane(1), op.f64add,
  ],
};

/** The module's bytes (exported for tests). */
export const WASM_SIMD_MODULE: Uint8Array<ArrayBuffer> = encodeModule([adamwFunc, adanaFunc, sumSqFunc]);

// ---------------------------------------------------------------------------------------------------------------
// Binding to the tfjs wasm backend.

interface Exports {
  adamw(...args: number[]): void;
  adana(...args: number[]): void;
  sumsq(ptr: number, n4: number): number;
}

/** The parts of tfjs-backend-wasm's `BackendWasm` we use (internal, hence checked at run time). */
interface WasmBackendLike {
  wasm?: { HEAPU8?: Uint8Array; asm?: Record<string, unknown>; wasmMemory?: unknown } & Record<string, unknown>;
  dataIdMap?: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/** SIMD kernels bound to one backend instance's memory. */
export interface WasmSimdKernels {
  /** Byte offset of a float32 tensor on the heap. */
  ptr(t: tf.TensorInfo): number;
  /** An uninitialised float32 output of the backend (no zero fill). */
  makeOutput(shape: number[]): tf.TensorInfo;
  /** Σ g² (float64) of n float32 values at byte offset `g`; `heap` is a current Float32Array view of the memory. */
  sumSq(g: number, n: number): number;
  /** Rules with a kernel ('adamw', 'adana'). */
  has(rule: string): boolean;
  /** out ← update(p, g, m, v) for `rule`; m and v in place. Pointers are byte offsets. */
  update(rule: string, out: number, p: number, g: number, m: number, v: number, n: number, k: Readonly<RuleScalars>): void;
}

let simdSupported: boolean | undefined;
/** Whether this engine validates the SIMD module (and so can run it). */
export function wasmSimdSupported(): boolean {
  if (simdSupported === undefined) {
    try {
      simdSupported = typeof WebAssembly === 'object' && WebAssembly.validate(WASM_SIMD_MODULE);
    } catch {
      simdSupported = false;
    }
  }
  return simdSupported;
}

/** The backend's linear memory, if it is an exported, unshared `WebAssembly.Memory` backing HEAPU8. */
function findMemory(b: WasmBackendLike): WebAssembly.Memory | null {
  const w = b.wasm;
  if (!w || !w.HEAPU8) return null;
  const candidates = [w.wasmMemory, w.asm?.memory, ...Object.values(w.asm ?? {}), ...Object.values(w)];
  for (const c of candidates) {
    if (c instanceof WebAssembly.Memory && c.buffer === w.HEAPU8.buffer && c.buffer instanceof ArrayBuffer) return c;
  }
  return null;
}

const cache = new WeakMap<object, WasmSimdKernels | null>();
/** When false, {@link wasmSimdKernels} returns null (tests and benchmarks compare against the JS loop). */
export const wasmSimdConfig = { enabled: true };

/** The SIMD kernels for this wasm backend instance, or null (no SIMD, memory unreachable, disabled). */
export function wasmSimdKernels(backend: unknown): WasmSimdKernels | null {
  if (!wasmSimdConfig.enabled || backend === null || typeof backend !== 'object') return null;
  if (cache.has(backend)) return cache.get(backend)!;
  let k: WasmSimdKernels | null = null;
  try {
    k = bind(backend as WasmBackendLike);
  } catch {
    k = null;
  }
  cache.set(backend, k);
  return k;
}

const f = Math.fround;

function bind(b: WasmBackendLike): WasmSimdKernels | null {
  if (!wasmSimdSupported() || !b.dataIdMap || typeof b.makeOutput !== 'function') return null;
  const memory = findMemory(b);
  if (!memory) return null;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(WASM_SIMD_MODULE), { env: { memory } });
  const x = inst.exports as unknown as Exports;
  const heap = (): Float32Array => new Float32Array(memory.buffer);
  return {
    ptr(t) {
      const d = b.dataIdMap!.get(t.dataId as object);
      if (!d) throw new Error('wasm-simd: tensor not on this backend');
      return d.memoryOffset;
    },
    makeOutput(shape) {
      return b.makeOutput!(shape, 'float32');
    },
    sumSq(g, n) {
      const n4 = n >>> 2;
      let s = x.sumsq(g, n4);
      const h = heap();
      for (let i = (g >>> 2) + 4 * n4; i < (g >>> 2) + n; i++) s += h[i]! * h[i]!;
      return s;
    },
    has: (rule) => rule === 'adamw' || rule === 'adana',
    update(rule, out, p, g, m, v, n, k) {
      const n4 = n >>> 2;
      const tail = 4 * n4;
      if (rule === 'adamw') {
        const c1 = 1 - k.b1!;
        const c2 = 1 - k.b2!;
        x.adamw(out, p, g, m, v, n4, k.b1!, c1, k.b2!, c2, k.stepSize!, k.ibc2!, k.eps!, k.decay!, k.gscale!);
        if (tail === n) return;
        const [b1, b2, sc, ib, ep, dc, gs, C1, C2] = [k.b1!, k.b2!, k.stepSize!, k.ibc2!, k.eps!, k.decay!, k.gscale!, c1, c2].map(f) as number[];
        const h = heap();
        for (let i = tail; i < n; i++) {
          const gi = f(h[(g >>> 2) + i]! * gs!);
          const mi = f(f(b1! * h[(m >>> 2) + i]!) + f(C1! * gi));
          const vi = f(f(b2! * h[(v >>> 2) + i]!) + f(f(C2! * gi) * gi));
          h[(out >>> 2) + i] = f(f(h[(p >>> 2) + i]! * dc!) - f(f(sc! * mi) / f(f(f(Math.sqrt(vi)) * ib!) + ep!)));
          h[(m >>> 2) + i] = mi;
          h[(v >>> 2) + i] = vi;
        }
        return;
      }
      if (rule === 'adana') {
        const keepA = 1 - k.a!;
        x.adana(out, p, g, m, v, n4, k.a!, keepA, k.lr!, k.lr3!, k.damp!, k.clip!, k.eps!, k.decay!, k.gscale!, 1);
        if (tail === n) return;
        const [a, kA, lr, lr3, damp, clip, ep, dc, gs] = [k.a!, keepA, k.lr!, k.lr3!, k.damp!, k.clip!, k.eps!, k.decay!, k.gscale!].map(f) as number[];
        const h = heap();
        for (let i = tail; i < n; i++) {
          const gi = f(h[(g >>> 2) + i]! * gs!);
          const m0 = h[(m >>> 2) + i]!;
          const mi = f(m0 + f(a! * f(gi - m0)));
          const vi = f(f(kA! * h[(v >>> 2) + i]!) + f(f(a! * gi) * gi));
          const inv = f(1 / f(f(Math.sqrt(vi)) + ep!));
          const r = f(mi * inv);
          const xx = f(damp! * r);
          const c = xx > clip! ? clip! : xx < -clip! ? -clip! : xx;
          h[(out >>> 2) + i] = f(f(f(h[(p >>> 2) + i]! - f(f(lr! * gi) * inv)) - f(lr3! * f(c + r))) * dc!);
          h[(m >>> 2) + i] = mi;
          h[(v >>> 2) + i] = vi;
        }
        return;
      }
      throw new Error(`wasm-simd: no kernel for rule '${rule}'`);
    },
  };
}
