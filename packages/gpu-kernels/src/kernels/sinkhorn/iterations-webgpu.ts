import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelImpl } from '../_shared/kernel';
import { encodeDispatches, getPipeline, gpuOutput, grid2D, packUniforms, uploadUniforms, webgpuInternals } from '../_shared/webgpu';
import type { EncodedDispatch, WebGPUInternals } from '../_shared/webgpu';
import { colsMergeProgram, lseReduceWebGPU } from '../log-sum-exp/webgpu';
import type { CostFormat, SinkhornIterationsAttrs, SinkhornIterationsInputs } from './kernel';

/**
 * Tuning knobs read by the benchmarks (not public API). `fused`: one pass over C per iteration (rows half step and
 * per-chunk column partials together, then a small column merge) instead of three dispatches reading C twice
 * (float32 only; the float16 cost always runs fused). `threads`: workgroup size of the fused pass, 0 = the
 * smallest of 256/512/1024, at least `minThreads`, keeping ≤ 8 vec4 columns per thread. `workgroups`: row chunks
 * aimed for. `rowsPerStep`: rows loaded and merged per workgroup barrier round (1 or 2). `minThreads` 512 and
 * `rowsPerStep` 2 are the fastest of the H200 sweep of 2026-12-07 at n = 4096, 8192 and 16384, float32 and float16
 * (bench-results/gpu/2026-12-07-h200.md, rows `_t512_r2`: 0.107 → 0.072 ms at n = 4096 float32).
 * `iterationsPerEncode`: iterations encoded per batch (one bind-group set each).
 */
export const sinkhornTuning = { fused: true, threads: 0, minThreads: 512, workgroups: 264, rowsPerStep: 2, iterationsPerEncode: 64 };

const NEG = '-3.4028234663852886e38';

/** How one "unit" (the columns a thread loads at once) of a cost row is stored. */
type Variant = 'v4' | 's' | 'h8' | 'h8t';

interface Layout {
  variant: Variant;
  /** Units per row of C (the row stride in C's array elements). */
  units: number;
  /** vec4 (or f32 for 's') values per unit. */
  per: number;
  /** floats per value. */
  lanes: number;
}

function layoutOf(format: CostFormat, m: number): Layout {
  if (format === 'f16') return { variant: m % 8 === 0 ? 'h8' : 'h8t', units: Math.ceil(m / 8), per: 2, lanes: 4 };
  return m % 4 === 0 ? { variant: 'v4', units: m / 4, per: 1, lanes: 4 } : { variant: 's', units: m, per: 1, lanes: 1 };
}

/** Largest number of register values (vec4 or f32) per thread per array the fused shader is generated for. */
const MAX_VALUES_PER_THREAD = 32;

/**
 * Fused pass (one workgroup per chunk of rows; thread t owns units t, t+T, ...; all unrolled so the values stay in
 * registers). Per step of R rows: load C once, row LSEs of (g − C)/ε in two register sweeps plus one workgroup tree
 * merge for the R rows, f_i = ε·(log a_i − LSE); then an online (max, sum) of (f_i − C_ij)/ε per owned column (one
 * exp per element: e = exp(−|w − max|) serves both the rescale and the new term). Writes f and, per column, the
 * chunk's partial LSE (max + log sum: one float, half the bytes of the pair). `kl`: the KL potentials of
 * ot-matching, with log b inside the row LSE (G scaled by 1/ε plus GW = log b) and f_i = −ε·LSE; the column terms
 * (f_i/ε + log a_i − C_ij/ε) are the same in both conventions.
 */
function fusedCode(v: Variant, T: number, K: number, R: number, kl = false): string {
  const f16 = v === 'h8' || v === 'h8t';
  const V = v === 's' ? 'f32' : 'vec4<f32>';
  const P = f16 ? 2 : 1;
  const CT = f16 ? 'vec4<u32>' : V;
  const GT = v === 'v4' || v === 'h8' ? 'vec4<f32>' : 'f32';
  const RT = R === 1 ? 'f32' : `vec${R}<f32>`;
  const lane = (x: string, r: number) => (R === 1 ? x : `${x}.${'xyzw'[r]}`);
  const hmax = (x: string) => (v === 's' ? x : `max(max(${x}.x, ${x}.y), max(${x}.z, ${x}.w))`);
  const hsum = (x: string) => (v === 's' ? x : `dot(${x}, vec4<f32>(1.0))`);
  const g = (k: number, l: number, G = 'G'): string => {
    if (v === 'h8') return `${G}[2u * q${k} + ${l}u]`;
    if (v === 'h8t') return `vec4<f32>(${[0, 1, 2, 3].map((e) => `${G}[min(8u * q${k} + ${4 * l + e}u, u.m - 1u)]`).join(', ')})`;
    return `${G}[q${k}]`;
  };
  // v = (g − C)/ε for value l of unit k of row r; columns past m (the float16 tail) are masked to NEG.
  const val = (k: number, l: number, r: number): string => {
    const x = `(gs${k}_${l} - c${k}_${l}_${r})`;
    return v === 'h8t' ? `select(vec4<f32>(${NEG}), ${x}, (vec4<u32>(8u * q${k} + ${4 * l}u) + vec4<u32>(0u, 1u, 2u, 3u)) < vec4<u32>(u.m))` : x;
  };
  const load = (k: number, r: number): string =>
    f16
      ? `let w${k}_${r} = C[i${r} * u.units + q${k}];
        c${k}_0_${r} = vec4<f32>(unpack2x16float(w${k}_${r}.x), unpack2x16float(w${k}_${r}.y)) * u.invEps;
        c${k}_1_${r} = vec4<f32>(unpack2x16float(w${k}_${r}.z), unpack2x16float(w${k}_${r}.w)) * u.invEps;`
      : `c${k}_0_${r} = C[i${r} * u.units + q${k}] * u.invEps;`;
  const ks = Array.from({ length: K }, (_, k) => k);
  const ls = Array.from({ length: P }, (_, l) => l);
  const rs = Array.from({ length: R }, (_, r) => r);
  const each = <X>(xs: X[], fn: (x: X) => string, sep = '\n') => xs.map(fn).join(sep);
  const perK = (body: (k: number) => string): string => each(ks, (k) => `if (ok${k}) { ${body(k)} }`, '\n    ');
  const gsLoad = (k: number) => each(ls, (l) => `let gs${k}_${l} = ${g(k, l)} * u.invEps${kl ? ` + ${g(k, l, 'GW')}` : ''};`, ' ');
  // Bindings in order: C, G, [GW], LA, [RS], F, PM, then the uniforms.
  const decls: string[] = [`var<storage, read> C: array<${CT}>;`, `var<storage, read> G: array<${GT}>;`];
  if (kl) decls.push(`var<storage, read> GW: array<${GT}>;`);
  decls.push('var<storage, read> LA: array<f32>;');
  if (f16) decls.push('var<storage, read> RS: array<f32>;');
  decls.push('var<storage, read_write> F: array<f32>;', `var<storage, read_write> PM: array<${V}>;`, 'var<uniform> u: U;');
  const bindings = decls.map((d, k) => `@group(0) @binding(${k}) ${d}`).join('\n');
  // f_i: ε·(log a_i − LSE) absorbed, −ε·LSE for 'kl' (fs = log a_i − LSE feeds the column terms in both).
  const fWrite = (r: number) => `${kl ? `-u.eps * ${lane('tot', r)}` : 'u.eps * fs'}${f16 ? ` + RS[i${r}]` : ''}`;
  return /* wgsl */ `
struct U { n: u32, units: u32, rowsPerChunk: u32, m: u32, eps: f32, invEps: f32, pstride: u32, pad: u32 }
${bindings}
var<workgroup> rmx: array<${RT}, ${2 * T}>;
var<workgroup> rsum: array<${RT}, ${2 * T}>;
@compute @workgroup_size(${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let chunk = wid.x;
  let r0 = chunk * u.rowsPerChunk;
  let r1 = min(u.n, r0 + u.rowsPerChunk);
  ${each(ks, (k) => `let q${k} = t + ${k * T}u;\n  let ok${k} = q${k} < u.units;`, '\n  ')}
  ${each(ks, (k) => each(ls, (l) => `var m${k}_${l} = ${V}(${NEG});\n  var s${k}_${l} = ${V}(0.0);\n  ${each(rs, (r) => `var c${k}_${l}_${r}: ${V};`, ' ')}`, '\n  '), '\n  ')}
  var par = 0u;
  for (var i = r0; i < r1; i += ${R}u) {
    // A missing last row of the step repeats row r1 − 1 and is then skipped: keeps the barriers uniform.
    ${each(rs, (r) => `let i${r} = min(i + ${r}u, r1 - 1u);\n    let has${r} = i + ${r}u < r1;`, '\n    ')}
    ${each(rs, (r) => `var lm${r} = ${NEG};`, ' ')}
    ${perK((k) => `${gsLoad(k)}\n      ${each(rs, (r) => `${load(k, r)}\n      ${each(ls, (l) => `lm${r} = max(lm${r}, ${hmax(val(k, l, r))});`, ' ')}`, '\n      ')}`)}
    ${each(rs, (r) => `var ls${r} = 0.0;`, ' ')}
    ${perK((k) => `${gsLoad(k)} ${each(rs, (r) => each(ls, (l) => `ls${r} += ${hsum(`exp(${val(k, l, r)} - ${V}(lm${r}))`)};`, ' '), ' ')}`)}
    // Double-buffered by step parity, so no barrier is needed before the next step overwrites the merge slots.
    let o = par * ${T}u;
    rmx[o + t] = ${RT}(${each(rs, (r) => `lm${r}`, ', ')});
    rsum[o + t] = ${RT}(${each(rs, (r) => `ls${r}`, ', ')});
    workgroupBarrier();
    for (var h = ${T / 2}u; h > 0u; h >>= 1u) {
      if (t < h) {
        let a = rmx[o + t];
        let b = rmx[o + t + h];
        let M = max(a, b);
        rsum[o + t] = rsum[o + t] * exp(a - M) + rsum[o + t + h] * exp(b - M);
        rmx[o + t] = M;
      }
      workgroupBarrier();
    }
    let tot = rmx[o] + log(rsum[o]);
    par = 1u - par;
    ${each(rs, (r) => {
      const upd = perK((k) =>
        each(ls, (l) => {
          const m = `m${k}_${l}`;
          const s = `s${k}_${l}`;
          return `{ let w = ${V}(fs) - c${k}_${l}_${r}; let e = exp(-abs(w - ${m})); ${s} = select(${s} + e, ${s} * e + 1.0, w > ${m}); ${m} = max(${m}, w); }`;
        }, ' '),
      );
      return `if (has${r}) {
      let fs = LA[i${r}] - ${lane('tot', r)};
      if (t == 0u) { F[i${r}] = ${fWrite(r)}; }
      ${upd}
    }`;
    }, '\n    ')}
  }
  ${perK((k) => each(ls, (l) => `PM[chunk * u.pstride + q${k} * ${P}u + ${l}u] = m${k}_${l} + log(s${k}_${l});`, ' '))}
}`;
}

const codeCache = new Map<string, string>();

/** Workgroup size of the fused pass for `units` units of `per` values per row, within the device's limits. */
function fusedThreads(be: WebGPUInternals, lay: Layout): number {
  const limit = Math.min(be.device.limits.maxComputeInvocationsPerWorkgroup, be.device.limits.maxComputeWorkgroupSizeX);
  const allowed = [256, 512, 1024].filter((t) => t <= limit);
  if (sinkhornTuning.threads) return Math.min(sinkhornTuning.threads, allowed[allowed.length - 1]!);
  const fits = (t: number): boolean => Math.ceil(lay.units / t) * lay.per <= 8;
  return allowed.find((t) => t >= sinkhornTuning.minThreads && fits(t)) ?? allowed.find(fits) ?? allowed[allowed.length - 1]!;
}

interface Spec {
  C: TensorInfo;
  g0: TensorInfo;
  logA: TensorInfo;
  logB: TensorInfo;
  rowShift?: TensorInfo;
  n: number;
  m: number;
  eps: number;
  iterations: number;
  format: CostFormat;
  kl: boolean;
}

/** A tensor's GPU buffer, kept alive until the encoder now being recorded is submitted. */
function bufferOf(be: WebGPUInternals, t: TensorInfo): GPUBuffer {
  be.uploadToGPU(t.dataId);
  be.commandQueueOwnedIds.add(t.dataId);
  return be.tensorMap.get(t.dataId).resource as GPUBuffer;
}

function bindGroup(be: WebGPUInternals, pipeline: GPUComputePipeline, buffers: GPUBuffer[], uniforms: { buffer: GPUBuffer; size: number }): GPUBindGroup {
  const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
  entries.push({ binding: buffers.length, resource: { buffer: uniforms.buffer, size: uniforms.size } });
  return be.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
}

/** Whether the fused pass handles this shape (its per-thread register arrays stay bounded). */
export function fusedSupported(be: WebGPUInternals, format: CostFormat, m: number): boolean {
  const lay = layoutOf(format, m);
  return Math.ceil(lay.units / fusedThreads(be, lay)) * lay.per <= MAX_VALUES_PER_THREAD;
}

/**
 * Records `iterations` fused iterations writing in place into one f and one g buffer: per iteration one fused pass
 * and one column merge, with bind groups and uniforms made once per batch of `iterationsPerEncode` iterations.
 */
function recordFused(be: WebGPUInternals, s: Spec): [TensorInfo, TensorInfo] {
  const lay = layoutOf(s.format, s.m);
  const T = fusedThreads(be, lay);
  const K = Math.ceil(lay.units / T);
  const rowsPerChunk = Math.max(1, Math.ceil(s.n / Math.max(1, sinkhornTuning.workgroups)));
  const chunks = Math.ceil(s.n / rowsPerChunk);
  const pstride = lay.units * lay.per;
  const stride = pstride * lay.lanes;
  const R = sinkhornTuning.rowsPerStep === 2 ? 2 : 1;
  const key = `lemma-sinkhorn-fused-${lay.variant}-t${T}-k${K}-r${R}${s.kl ? '-kl' : ''}`;
  let code = codeCache.get(key);
  if (!code) codeCache.set(key, (code = fusedCode(lay.variant, T, K, R, s.kl)));
  const fused = getPipeline(be.device, key, code);
  // 'kl': the column log-weights are already in the partials, so the merge writes −ε·LSE (no log b).
  const mergeProg = colsMergeProgram(s.kl ? 'kl' : true, true);
  const merge = getPipeline(be.device, mergeProg.key, mergeProg.code);
  const f = gpuOutput(be, [s.n]);
  const g = gpuOutput(be, [s.m]);
  const pm = gpuOutput(be, [chunks * stride]);
  const fusedU = packUniforms([['u32', s.n], ['u32', lay.units], ['u32', rowsPerChunk], ['u32', s.m], ['f32', s.eps], ['f32', 1 / s.eps], ['u32', pstride], ['u32', 0]]);
  const mergeU = packUniforms([['u32', s.m], ['u32', chunks], ['f32', s.eps], ['u32', stride]]);
  const per = Math.max(1, sinkhornTuning.iterationsPerEncode);
  for (let done = 0; done < s.iterations; done += per) {
    // Each batch re-registers its buffers and uploads its uniforms: a submit ends their lifetime guarantees.
    const [C, g0, la, lb, fb, gb, pmb] = [s.C, s.g0, s.logA, s.logB, f, g, pm].map((t) => bufferOf(be, t)) as GPUBuffer[];
    const rs = s.rowShift ? [bufferOf(be, s.rowShift)] : [];
    const uf = uploadUniforms(be, fusedU);
    const um = uploadUniforms(be, mergeU);
    const fusedFrom = (gIn: GPUBuffer) => bindGroup(be, fused, [C!, gIn, ...(s.kl ? [lb!] : []), la!, ...rs, fb!, pmb!], uf);
    const first = fusedFrom(done === 0 ? g0! : gb!);
    const next = done === 0 ? fusedFrom(gb!) : first;
    const mg = bindGroup(be, merge, s.kl ? [pmb!, gb!] : [pmb!, lb!, gb!], um);
    const list: EncodedDispatch[] = [];
    for (let k = 0; k < Math.min(per, s.iterations - done); k++) {
      list.push({ pipeline: fused, groups: [k === 0 ? first : next], workgroups: [chunks] });
      list.push({ pipeline: merge, groups: [mg], workgroups: grid2D(Math.ceil(s.m / 32)) });
    }
    // One count per batch: tfjs may submit only after the whole batch is encoded.
    encodeDispatches(be, list, false);
  }
  be.disposeData(pm.dataId);
  return [f, g];
}

/** The unfused float32 path: three dispatches per iteration through the shared log-sum-exp reductions. */
function recordTwoPass(be: WebGPUInternals, s: Spec): [TensorInfo, TensorInfo] {
  let f: TensorInfo | null = null;
  let g = s.g0;
  // 'kl': the other side's log-weights inside the LSE; absorbed: this side's log-marginal outside it.
  const rows = s.kl ? { logw: s.logB } : { logm: s.logA };
  const cols = s.kl ? { logw: s.logA } : { logm: s.logB };
  for (let k = 0; k < s.iterations; k++) {
    const nf = lseReduceWebGPU(be, { C: s.C, pot: g, ...rows, eps: s.eps, axis: 'rows' });
    if (f) be.disposeData(f.dataId);
    f = nf;
    const ng = lseReduceWebGPU(be, { C: s.C, pot: f, ...cols, eps: s.eps, axis: 'cols' });
    if (g !== s.g0) be.disposeData(g.dataId);
    g = ng;
  }
  return [f!, g];
}

/** WebGPU kernel of `LemmaSinkhornIterations`. */
export const sinkhornIterationsWebGPU: KernelImpl<SinkhornIterationsInputs, SinkhornIterationsAttrs> = ({ inputs, backend, attrs }) => {
  const { eps, iterations, format, m, convention } = attrs;
  const { C, g0, logA, logB, rowShift } = inputs;
  const be = webgpuInternals('sinkhornIterations', backend);
  const spec: Spec = { C, g0, logA, logB, rowShift, n: C.shape[0]!, m, eps, iterations, format, kl: convention === 'kl' };
  const fusable = fusedSupported(be, format, m);
  if (format === 'f16') {
    if (!fusable) {
      const T = fusedThreads(be, layoutOf(format, m));
      throw new Error(`sinkhornIterations: a float16 cost supports at most ${(MAX_VALUES_PER_THREAD / 2) * 8 * T} columns on this device, got ${m}`);
    }
    return recordFused(be, spec);
  }
  return sinkhornTuning.fused && fusable ? recordFused(be, spec) : recordTwoPass(be, spec);
};
