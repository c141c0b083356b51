import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelImpl } from '../_shared/kernel';
import { gpuOutput, grid2D, MAX_WORKGROUPS_PER_DIM, packUniforms, recordDispatch, webgpuInternals } from '../_shared/webgpu';
import type { WebGPUInternals } from '../_shared/webgpu';
import type { SinkhornOnlineAttrs, SinkhornOnlineInputs } from './kernel';

/**
 * Tuning knobs read by the benchmarks (not public API). `undefined` picks the default for the point dimension d:
 * rows per thread 4 (d ≤ 4), 2 (d ≤ 16), 1 (larger d); tile 128 points (fewer where d makes 16 KiB of workgroup
 * memory the limit); 128 threads. `targetWorkgroups`: the reduced side is split into chunks (merged by a second
 * pass) until about this many workgroups run, so that n = 8192 still fills an H100's 132 SMs several times over.
 */
export const sinkhornOnlineTuning: { rowsPerThread?: number; tile?: number; workgroupSize?: number; targetWorkgroups: number; form: PairForm } = {
  targetWorkgroups: 1024,
  form: 'diff',
};

/**
 * How a pair's cost enters the exponent. 'diff': Σ (x − y)² directly (as pairwiseSqDist; no cancellation). 'dot':
 * ‖x‖² + ‖y‖² − 2x·y with ‖y‖² folded into the staged potential and ‖x‖² applied after the reduction, d fma per pair
 * instead of 2d, at the price of cancellation where the points are far from the origin relative to their distances.
 */
export type PairForm = 'diff' | 'dot';

// Running-max start and tile padding: exp2(pad − max) is 0 against any real max, and a pad never beats the start.
const NEG_INIT = '-3.0e38';
const NEG_PAD = '-3.4e38';
// Pairs per online-LSE update: one max test (and rarely one rescale exp2) per 4 pairs instead of per pair.
const K = 4;
const WG_BYTES = 16384;

/** One WGSL specialisation: point dimension, rows per thread, tile points, workgroup size, fused final write or partials. */
interface Variant {
  form: PairForm;
  d: number;
  rows: number;
  tile: number;
  wg: number;
  final: boolean;
  /** The other side's log-weights enter the staged potential (the KL form). */
  w: boolean;
  /** This side's log-marginal enters the final write (the absorbed form). */
  l: boolean;
}

/** Vector layout of a point: d ≤ 4 in one vecD (f32 for d = 1), else ceil(d/4) vec4 with zero padding. */
function layout(d: number): { dv: number; dq: number; vt: string; bytes: number } {
  const dv = d <= 4 ? d : 4;
  const dq = d <= 4 ? 1 : Math.ceil(d / 4);
  // vec3 has a 16-byte stride in arrays.
  const stride = dv === 3 ? 16 : dv * 4;
  return { dv, dq, vt: dv === 1 ? 'f32' : `vec${dv}<f32>`, bytes: stride * dq };
}

/** `O[row] = ε·L[row] − ε·LSE` (or without L), the LSE in base 2 as `m + log2(s)`. */
function sinkWrite(idx: string, lse2: string, l: boolean): string {
  return l ? `O[${idx}] = u.eps * L[${idx}] - u.epsLn2 * (${lse2});` : `O[${idx}] = -u.epsLn2 * (${lse2});`;
}

/** Storage bindings numbered from 0, then the uniforms. */
function decls(list: [string, 'read' | 'read_write'][]): string {
  return [...list.map(([name, access], k) => `@group(0) @binding(${k}) var<storage, ${access}> ${name}: array<f32>;`), `@group(0) @binding(${list.length}) var<uniform> u: U;`].join('\n');
}

function code(v: Variant): string {
  const { d, rows: R, tile: T, wg: W, final, form } = v;
  const dot = form === 'dot';
  const { dv, dq, vt } = layout(d);
  const dp = dv * dq;
  const rs = [...Array(R).keys()];
  const qs = [...Array(dq).keys()];
  const ks = [...Array(K).keys()];
  const xload = (r: number, q: number): string =>
    dv === 1 ? `ldx(row${r}, ${q}u)` : `${vt}(${[...Array(dv).keys()].map((c) => `ldx(row${r}, ${q * 4 + c}u)`).join(', ')})`;
  const sq = (e: string): string => (dv === 1 ? `${e} * ${e}` : `dot(${e}, ${e})`);
  const dist = (r: number, k: number): string => qs.map((q) => `df(x${r}_${q}, y${k}_${q})`).join(' + ');
  const inner = (r: number, k: number): string => qs.map((q) => (dv === 1 ? `x${r}_${q} * y${k}_${q}` : `dot(x${r}_${q}, y${k}_${q})`)).join(' + ');
  const term = (r: number, k: number): string => (dot ? `fma(k2x2, ${inner(r, k)}, h${k})` : `fma(-u.k2, ${dist(r, k)}, h${k})`);
  // 'dot': the row's −‖x‖²/ε (base 2) leaves the LSE as a shift of its max.
  const mfin = (r: number): string => (dot ? `(m${r} - u.k2 * xx${r})` : `m${r}`);
  const store = dv === 1 ? `ys[p * ${dq}u + c] = v;` : `ys[p * ${dq}u + c / ${dv}u][c % ${dv}u] = v;`;
  const write = final
    ? rs.map((r) => `if (row${r} < u.nOut) { ${sinkWrite(`row${r}`, `${mfin(r)} + log2(s${r})`, v.l)} }`).join('\n  ')
    : rs.map((r) => `if (row${r} < u.nOut) { PM[chunk * u.nOut + row${r}] = ${mfin(r)}; PS[chunk * u.nOut + row${r}] = s${r}; }`).join('\n  ');
  // The staged h_j is in base 2: (g_j/ε + log w_j)·log2(e) with the KL form's log-weights.
  const hw = v.w ? ` + W[j] * ${Math.LOG2E}` : '';
  const bindings: [string, 'read' | 'read_write'][] = [['X', 'read'], ['Y', 'read'], ['P', 'read']];
  if (v.w) bindings.push(['W', 'read']);
  if (final && v.l) bindings.push(['L', 'read']);
  bindings.push(...(final ? ([['O', 'read_write']] as [string, 'read_write'][]) : ([['PM', 'read_write'], ['PS', 'read_write']] as [string, 'read_write'][])));
  return /* wgsl */ `
struct U { nOut: u32, nIn: u32, chunkLen: u32, blocks: u32, k2: f32, eps: f32, epsLn2: f32, pad: f32 }
${decls(bindings)}
var<workgroup> ys: array<${vt}, ${T * dq}>;
var<workgroup> hs: array<f32, ${T}>;
fn ldx(row: u32, c: u32) -> f32 {
  if (row < u.nOut && c < ${d}u) { return X[row * ${d}u + c]; }
  return 0.0;
}
fn df(a: ${vt}, b: ${vt}) -> f32 { let t = a - b; return ${sq('t')}; }
@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let block = wid.y * nwg.x + wid.x;
  if (block >= u.blocks) { return; }
  let chunk = wid.z;
  ${rs.map((r) => `let row${r} = block * ${W * R}u + lid + ${r * W}u;`).join('\n  ')}
  ${rs.map((r) => qs.map((q) => `let x${r}_${q} = ${xload(r, q)};`).join(' ')).join('\n  ')}
  ${rs.map((r) => `var m${r} = ${NEG_INIT}; var s${r} = 0.0;`).join('\n  ')}
  ${dot ? ['let k2x2 = 2.0 * u.k2;', ...rs.map((r) => `let xx${r} = ${qs.map((q) => sq(`x${r}_${q}`)).join(' + ')};`)].join('\n  ') : ''}
  let c0 = chunk * u.chunkLen;
  let c1 = min(u.nIn, c0 + u.chunkLen);
  for (var j0 = c0; j0 < c1; j0 += ${T}u) {
    workgroupBarrier();
    // Stage the tile: coordinates (zero padded to whole vectors) and h_j = g_j·log2(e)/ε (padding: never wins).
    for (var e = lid; e < ${T * dp}u; e += ${W}u) {
      let p = e / ${dp}u;
      let c = e % ${dp}u;
      let j = j0 + p;
      var v = 0.0;
      if (j < c1 && c < ${d}u) { v = Y[j * ${d}u + c]; }
      ${store}
    }
    for (var p = lid; p < ${T}u; p += ${W}u) {
      let j = j0 + p;
      var h = ${NEG_PAD};
      if (j < c1) { ${dot ? `var yy = 0.0; for (var c = 0u; c < ${d}u; c++) { let t = Y[j * ${d}u + c]; yy = fma(t, t, yy); } h = (P[j] - yy) * u.k2${hw};` : `h = P[j] * u.k2${hw};`} }
      hs[p] = h;
    }
    workgroupBarrier();
    for (var p = 0u; p < ${T}u; p += ${K}u) {
      ${ks
        .map((k) =>
          [
            // One y point at a time, used by every row before the next is loaded: short register lifetimes at large d.
            `${qs.map((q) => `let y${k}_${q} = ys[(p + ${k}u) * ${dq}u + ${q}u];`).join(' ')} let h${k} = hs[p + ${k}u];`,
            ...rs.map((r) => `let t${r}_${k} = ${term(r, k)};`),
          ].join('\n      '),
        )
        .join('\n      ')}
      ${rs
        .map((r) =>
          [
            `let cm${r} = max(max(t${r}_0, t${r}_1), max(t${r}_2, t${r}_3));`,
            `if (cm${r} > m${r}) { s${r} = s${r} * exp2(m${r} - cm${r}); m${r} = cm${r}; }`,
            `s${r} += (exp2(t${r}_0 - m${r}) + exp2(t${r}_1 - m${r})) + (exp2(t${r}_2 - m${r}) + exp2(t${r}_3 - m${r}));`,
          ].join('\n      '),
        )
        .join('\n      ')}
    }
  }
  ${write}
}`;
}

// Merge of the per-chunk (max, sum) partials (base 2), one thread per output, then the Sinkhorn write (with the
// log-marginal L in the absorbed form, without it in the KL form).
const merge = (l: boolean): string => /* wgsl */ `
struct U { nOut: u32, chunks: u32, eps: f32, epsLn2: f32 }
${decls([['PM', 'read'], ['PS', 'read'], ...(l ? ([['L', 'read']] as [string, 'read'][]) : []), ['O', 'read_write']])}
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= u.nOut) { return; }
  var M = ${NEG_INIT};
  var S = 0.0;
  for (var c = 0u; c < u.chunks; c++) {
    let pm = PM[c * u.nOut + i];
    let nm = max(M, pm);
    S = S * exp2(M - nm) + PS[c * u.nOut + i] * exp2(pm - nm);
    M = nm;
  }
  ${sinkWrite('i', 'M + log2(S)', l)}
}`;
const MERGE_ABSORBED = merge(true);
const MERGE_KL = merge(false);

/** Launch plan of one half step: the WGSL variant and how the reduced side is chunked. */
export interface OnlinePlan {
  rows: number;
  tile: number;
  wg: number;
  blocks: number;
  chunks: number;
  chunkLen: number;
}

/** The launch plan for nOut output points reducing over nIn points of dimension d under the current tuning. */
export function sinkhornOnlinePlan(d: number, nOut: number, nIn: number): OnlinePlan {
  const t = sinkhornOnlineTuning;
  const rows = t.rowsPerThread ?? (d <= 4 ? 4 : d <= 16 ? 2 : 1);
  const wg = t.workgroupSize ?? 128;
  // Largest multiple of K (at most the requested tile) whose coordinates and h values fit in workgroup memory.
  const fit = Math.floor(WG_BYTES / (layout(d).bytes + 4));
  const tile = Math.max(K, Math.floor(Math.min(t.tile ?? 128, fit) / K) * K);
  const blocks = Math.ceil(nOut / (wg * rows));
  const wantChunks = Math.min(Math.ceil(nIn / tile), Math.max(1, Math.ceil(t.targetWorkgroups / blocks)), MAX_WORKGROUPS_PER_DIM);
  const chunkLen = Math.ceil(Math.ceil(nIn / wantChunks) / tile) * tile;
  return { rows, tile, wg, blocks, chunks: Math.ceil(nIn / chunkLen), chunkLen };
}

const codeCache = new Map<string, string>();

/**
 * Records one online half step: out_o = ε·logm_o − ε·LSE_k(logw_k + (pot_k − ‖p_o − q_k‖²)/ε) for output-side
 * points p [nOut, d] and reduced-side points q [nIn, d] (`logw`, `logm` each optional), in base 2 (one exp2 per
 * pair; the pair's cost is folded in by one fma). One pass when the reduced side is a single chunk, else partials
 * plus a merge pass.
 */
export function sinkhornOnlineRecord(be: WebGPUInternals, p: TensorInfo, q: TensorInfo, pot: TensorInfo, logm: TensorInfo | undefined, eps: number, logw?: TensorInfo): TensorInfo {
  const [nOut, d] = p.shape as [number, number];
  const nIn = q.shape[0]!;
  const out = gpuOutput(be, [nOut]);
  const plan = sinkhornOnlinePlan(d, nOut, nIn);
  const final = plan.chunks === 1;
  const form = sinkhornOnlineTuning.form;
  const w = logw !== undefined;
  const l = logm !== undefined;
  // The absorbed form (l, no w) keeps its original keys; other forms are tagged.
  const terms = w || !l ? `-${w ? 'w' : ''}${l ? 'l' : ''}` : '';
  const key = `lemma-sinkhorn-online-${form}-d${d}-r${plan.rows}-t${plan.tile}-w${plan.wg}-${final ? 'final' : 'partial'}${final ? terms : w ? '-w' : ''}`;
  let wgsl = codeCache.get(key);
  if (!wgsl) codeCache.set(key, (wgsl = code({ form, d, rows: plan.rows, tile: plan.tile, wg: plan.wg, final, w, l })));
  const [gx, gy] = grid2D(plan.blocks);
  const uniforms = packUniforms([
    ['u32', nOut], ['u32', nIn], ['u32', plan.chunkLen], ['u32', plan.blocks],
    ['f32', Math.LOG2E / eps], ['f32', eps], ['f32', eps * Math.LN2], ['f32', 0],
  ]);
  const inputs = [{ info: p, access: 'read' as const }, { info: q, access: 'read' as const }, { info: pot, access: 'read' as const }];
  if (logw) inputs.push({ info: logw, access: 'read' as const });
  if (final) {
    recordDispatch(be, { key, code: wgsl, bindings: [...inputs, ...(logm ? [{ info: logm, access: 'read' as const }] : []), { info: out, access: 'read_write' }], uniforms, workgroups: [gx, gy, 1] });
    return out;
  }
  const pm = gpuOutput(be, [plan.chunks * nOut]);
  const ps = gpuOutput(be, [plan.chunks * nOut]);
  recordDispatch(be, { key, code: wgsl, bindings: [...inputs, { info: pm, access: 'read_write' }, { info: ps, access: 'read_write' }], uniforms, workgroups: [gx, gy, plan.chunks] });
  recordDispatch(be, {
    key: l ? 'lemma-sinkhorn-online-merge' : 'lemma-sinkhorn-online-merge-kl',
    code: l ? MERGE_ABSORBED : MERGE_KL,
    bindings: [{ info: pm, access: 'read' }, { info: ps, access: 'read' }, ...(logm ? [{ info: logm, access: 'read' as const }] : []), { info: out, access: 'read_write' }],
    uniforms: packUniforms([['u32', nOut], ['u32', plan.chunks], ['f32', eps], ['f32', eps * Math.LN2]]),
    workgroups: grid2D(Math.ceil(nOut / 256)),
  });
  // Released once the encoder using them is submitted (tfjs defers disposal of queued ids).
  be.disposeData(pm.dataId);
  be.disposeData(ps.dataId);
  return out;
}

/** WebGPU kernel of `LemmaSinkhornOnlineHalfStep`: 'cols' is 'rows' with x and y swapped (the cost is symmetric). */
export const sinkhornOnlineWebGPU: KernelImpl<SinkhornOnlineInputs, SinkhornOnlineAttrs> = ({ inputs, backend, attrs }) => {
  const { eps, axis } = attrs;
  const { x, y, potential, logWeights, logMarginal } = inputs;
  const be = webgpuInternals('sinkhornOnlineHalfStep', backend);
  const [p, q] = axis === 'rows' ? [x, y] : [y, x];
  return sinkhornOnlineRecord(be, p, q, potential, logMarginal, eps, logWeights);
};
