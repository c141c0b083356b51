import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelImpl } from '../_shared/kernel';
import { gpuOutput, grid2D, packUniforms, recordDispatch, webgpuInternals } from '../_shared/webgpu';
import type { WebGPUInternals } from '../_shared/webgpu';
import type { LogSumExpAttrs, LogSumExpInputs, SinkhornHalfStepAttrs, SinkhornHalfStepInputs } from './kernel';

/**
 * A log-sum-exp reduction of a matrix C [n, m] along rows (output [n]) or columns (output [m]), with the
 * Sinkhorn form as an option: v = (pot − C)/eps + logw and out = eps·logm − eps·LSE(v) (`logw`, `logm` each
 * optional: 0 when absent); plain LSE has v = C, out = LSE(v).
 */
export interface LseReduceSpec {
  C: TensorInfo;
  /** Potential along the reduced axis (length m for 'rows', n for 'cols'). */
  pot?: TensorInfo;
  /** Log-weights along the reduced axis (the side of `pot`), added inside the LSE; only with pot. */
  logw?: TensorInfo;
  /** Log-marginal along the output axis, added outside the LSE; only with pot. */
  logm?: TensorInfo;
  eps: number;
  axis: 'rows' | 'cols';
}

/** Which terms of the Sinkhorn form a program has: log-weights inside the LSE, log-marginal outside. */
interface SinkForm {
  w: boolean;
  l: boolean;
}

/** The output expression of the Sinkhorn form: eps·(L − lse), or −eps·lse without L. */
function sinkOut(out: string, idx: string, form: SinkForm): string {
  return form.l ? `${out}[${idx}] = u.eps * (L[${idx}] - lse);` : `${out}[${idx}] = -u.eps * lse;`;
}

/** Storage bindings, numbered from 0 in order, then the uniform buffer. */
function bindingDecls(list: ReadonlyArray<readonly [name: string, access: 'read' | 'read_write', type: string]>): string {
  const lines = list.map(([name, access, type], k) => `@group(0) @binding(${k}) var<storage, ${access}> ${name}: ${type};`);
  lines.push(`@group(0) @binding(${list.length}) var<uniform> u: U;`);
  return lines.join('\n');
}

/** Cache-key tag of a program variant: 'lse', or 'sink' plus 'w' / 'l' for the terms it has ('sink-l': the legacy form). */
function formTag(form: SinkForm | null): string {
  if (!form) return 'lse';
  return `sink${form.w ? '-w' : ''}${form.l ? '-l' : ''}`;
}

const NEG = '-3.4028234663852886e38';

// Workgroup per row, 256 threads, online (max, sum) per thread, then a tree merge in workgroup memory.
function rowsCode(form: SinkForm | null, vec4: boolean): string {
  const T = vec4 ? 'vec4<f32>' : 'f32';
  const load = form ? `let v = (P[q] - C[base + q]) * u.invEps${form.w ? ' + W[q]' : ''};` : `let v = C[base + q];`;
  const update = vec4
    ? `let vm = max(max(v.x, v.y), max(v.z, v.w));
       if (vm > mx) { s = s * exp(mx - vm); mx = vm; }
       s += dot(exp(v - vec4<f32>(mx)), vec4<f32>(1.0));`
    : `if (v > mx) { s = s * exp(mx - v) + 1.0; mx = v; } else { s += exp(v - mx); }`;
  return /* wgsl */ `
struct U { n: u32, mq: u32, eps: f32, invEps: f32 }
${bindingDecls([
  ['C', 'read', `array<${T}>`],
  ...(form ? ([['P', 'read', `array<${T}>`]] as const) : []),
  ...(form?.w ? ([['W', 'read', `array<${T}>`]] as const) : []),
  ...(form?.l ? ([['L', 'read', 'array<f32>']] as const) : []),
  ['O', 'read_write', 'array<f32>'],
])}
var<workgroup> smx: array<f32, 256>;
var<workgroup> ssum: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.n) { return; }
  let base = row * u.mq;
  var mx = ${NEG};
  var s = 0.0;
  for (var q = lid; q < u.mq; q += 256u) {
    ${load}
    ${update}
  }
  smx[lid] = mx; ssum[lid] = s;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k >>= 1u) {
    if (lid < k) {
      let m1 = smx[lid]; let m2 = smx[lid + k];
      let M = max(m1, m2);
      ssum[lid] = ssum[lid] * exp(m1 - M) + ssum[lid + k] * exp(m2 - M);
      smx[lid] = M;
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let lse = smx[0] + log(ssum[0]);
    ${form ? sinkOut('O', 'row', form) : 'O[row] = lse;'}
  }
}`;
}

// Column reduction, pass 1: workgroup (64, 4) owns a strip of 64 column-quads (vec4; 1 KiB per row) and one
// chunk of rows; its 4 thread rows stride the chunk, each unrolled over 4 rows (16 rows per step: 4 independent
// coalesced loads in flight, one rescale exp per 4 rows). Writes per-chunk (max, sum) partials per column.
function colsPass1Code(form: SinkForm | null, vec4: boolean): string {
  const T = vec4 ? 'vec4<f32>' : 'f32';
  const load = (r: string): string =>
    form ? `((${T}(P[${r}]) - C[(${r}) * u.mq + q]) * u.invEps${form.w ? ` + ${T}(W[${r}])` : ''})` : `C[(${r}) * u.mq + q]`;
  return /* wgsl */ `
struct U { n: u32, mq: u32, rowsPerChunk: u32, pad: u32, invEps: f32 }
${bindingDecls([
  ['C', 'read', `array<${T}>`],
  ...(form ? ([['P', 'read', 'array<f32>']] as const) : []),
  ...(form?.w ? ([['W', 'read', 'array<f32>']] as const) : []),
  ['PM', 'read_write', `array<${T}>`],
  ['PS', 'read_write', `array<${T}>`],
])}
var<workgroup> smx: array<array<${T}, 64>, 4>;
var<workgroup> ssum: array<array<${T}, 64>, 4>;
@compute @workgroup_size(64, 4)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = wid.x * 64u + lid.x;
  let chunk = wid.y;
  let r0 = chunk * u.rowsPerChunk;
  let r1 = min(u.n, r0 + u.rowsPerChunk);
  var mx = ${T}(${NEG});
  var s = ${T}(0.0);
  if (q < u.mq) {
    var i = r0 + lid.y;
    for (; i + 12u < r1; i += 16u) {
      let v0 = ${load('i')};
      let v1 = ${load('i + 4u')};
      let v2 = ${load('i + 8u')};
      let v3 = ${load('i + 12u')};
      let nm = max(max(mx, max(v0, v1)), max(v2, v3));
      s = s * exp(mx - nm) + ((exp(v0 - nm) + exp(v1 - nm)) + (exp(v2 - nm) + exp(v3 - nm)));
      mx = nm;
    }
    for (; i < r1; i += 4u) {
      let v = ${load('i')};
      let nm = max(mx, v);
      s = s * exp(mx - nm) + exp(v - nm);
      mx = nm;
    }
  }
  smx[lid.y][lid.x] = mx; ssum[lid.y][lid.x] = s;
  workgroupBarrier();
  if (lid.y == 0u && q < u.mq) {
    var M = smx[0][lid.x];
    for (var t = 1u; t < 4u; t++) { M = max(M, smx[t][lid.x]); }
    var S = ${T}(0.0);
    for (var t = 0u; t < 4u; t++) { S += ssum[t][lid.x] * exp(smx[t][lid.x] - M); }
    PM[chunk * u.mq + q] = M;
    PS[chunk * u.mq + q] = S;
  }
}`;
}

// Pass 2: workgroup (32, 8): 32 columns (coalesced 128 B rows of partials), 8 lanes splitting the chunks, each
// merging online; then an 8-way merge in workgroup memory. Chunk c's partials start at c * stride (stride >= m).
// `single`: each partial is one LSE value (PM only, sum 1), half the bytes of a (max, sum) pair.
function colsPass2Code(form: SinkForm | null, single = false): string {
  return /* wgsl */ `
struct U { m: u32, chunks: u32, eps: f32, stride: u32 }
${bindingDecls([
  ['PM', 'read', 'array<f32>'],
  ...(single ? [] : ([['PS', 'read', 'array<f32>']] as const)),
  ...(form?.l ? ([['L', 'read', 'array<f32>']] as const) : []),
  ['O', 'read_write', 'array<f32>'],
])}
var<workgroup> smx: array<array<f32, 32>, 8>;
var<workgroup> ssum: array<array<f32, 32>, 8>;
@compute @workgroup_size(32, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let j = (wid.y * nwg.x + wid.x) * 32u + lid.x;
  var M = ${NEG};
  var S = 0.0;
  if (j < u.m) {
    for (var c = lid.y; c < u.chunks; c += 8u) {
      let pm = PM[c * u.stride + j];
      let ps = ${single ? '1.0' : 'PS[c * u.stride + j]'};
      let nm = max(M, pm);
      S = S * exp(M - nm) + ps * exp(pm - nm);
      M = nm;
    }
  }
  smx[lid.y][lid.x] = M; ssum[lid.y][lid.x] = S;
  workgroupBarrier();
  if (lid.y == 0u && j < u.m) {
    for (var t = 1u; t < 8u; t++) { M = max(M, smx[t][lid.x]); }
    var T = 0.0;
    for (var t = 0u; t < 8u; t++) { T += ssum[t][lid.x] * exp(smx[t][lid.x] - M); }
    let lse = M + log(T);
    ${form ? sinkOut('O', 'j', form) : 'O[j] = lse;'}
  }
}`;
}

/**
 * Tuning knob read by the benchmarks (not public API): pass-1 workgroups aimed for, i.e. enough column strips x
 * row chunks to fill an H100 (132 SMs) about twice over while keeping the partials small (2048 at 8192^2: 64
 * chunks of 128 rows, 8 MB of partials against 256 MB of C).
 */
export const lseTuning = { targetWorkgroups: 2048 };

/** Rows per chunk of the column reduction for an [n, mq] matrix (a multiple of 16, at most 65535 chunks). */
export function colsRowsPerChunk(n: number, mq: number): number {
  const strips = Math.ceil(mq / 64);
  const wantChunks = Math.max(1, Math.ceil(lseTuning.targetWorkgroups / strips));
  const rows = Math.max(16, Math.ceil(n / wantChunks), Math.ceil(n / 65535));
  return Math.ceil(rows / 16) * 16;
}

const codeCache = new Map<string, string>();
function cached(key: string, make: () => string): string {
  let c = codeCache.get(key);
  if (!c) codeCache.set(key, (c = make()));
  return c;
}

/**
 * The column-merge program (pass 2): merges per-chunk (max, sum) partials (`single`: per-chunk LSE values) into one
 * LSE per column. Bindings: PM, [PS,] [logm,] out, uniforms {m, chunks, eps, stride} with chunk c's partials at
 * floats [c·stride, c·stride + m). `sinkhorn` true is the legacy form with logm (out = eps·(logm − LSE)); 'kl' has
 * no logm binding (out = −eps·LSE, the log-weights having entered the partials); false is the plain LSE.
 */
export function colsMergeProgram(sinkhorn: boolean | 'kl', single = false): { key: string; code: string } {
  const form = sinkhorn === false ? null : { w: false, l: sinkhorn === true };
  // The legacy tags ('sink', 'lse') are kept so that one key keeps meaning one program.
  const tag = `${sinkhorn === 'kl' ? 'sink-kl' : sinkhorn ? 'sink' : 'lse'}${single ? '-single' : ''}`;
  return { key: `lemma-lse-cols2-${tag}`, code: cached(`cols2-${tag}`, () => colsPass2Code(form, single)) };
}

/** Records the reduction and returns the new output tensor ([n] for 'rows', [m] for 'cols'). */
export function lseReduceWebGPU(be: WebGPUInternals, spec: LseReduceSpec): TensorInfo {
  const [n, m] = spec.C.shape as [number, number];
  const form: SinkForm | null = spec.pot !== undefined ? { w: spec.logw !== undefined, l: spec.logm !== undefined } : null;
  const vec4 = m % 4 === 0;
  const mq = vec4 ? m / 4 : m;
  const tag = `${formTag(form)}-${vec4 ? 'v4' : 's'}`;
  const read = (info: TensorInfo) => ({ info, access: 'read' as const });
  const write = (info: TensorInfo) => ({ info, access: 'read_write' as const });
  const sinkIn = (terms: (TensorInfo | undefined)[]) => terms.filter((t): t is TensorInfo => t !== undefined).map(read);
  if (spec.axis === 'rows') {
    const out = gpuOutput(be, [n]);
    if (n === 0) return out;
    const bindings = [read(spec.C), ...(form ? sinkIn([spec.pot, spec.logw, spec.logm]) : []), write(out)];
    recordDispatch(be, {
      key: `lemma-lse-rows-${tag}`,
      code: cached(`rows-${tag}`, () => rowsCode(form, vec4)),
      bindings,
      uniforms: packUniforms([['u32', n], ['u32', mq], ['f32', spec.eps], ['f32', 1 / spec.eps]]),
      workgroups: grid2D(n),
    });
    return out;
  }
  const out = gpuOutput(be, [m]);
  if (m === 0) return out;
  const rowsPerChunk = colsRowsPerChunk(n, mq);
  const chunks = Math.max(1, Math.ceil(n / rowsPerChunk));
  const pm = gpuOutput(be, [chunks * m]);
  const ps = gpuOutput(be, [chunks * m]);
  const b1 = [read(spec.C), ...(form ? sinkIn([spec.pot, spec.logw]) : []), write(pm), write(ps)];
  // Pass 1 sees only the log-weights; pass 2 only the log-marginal (legacy pass-1 keys stay 'sink' / 'lse').
  const tag1 = `${form ? `sink${form.w ? '-w' : ''}` : 'lse'}-${vec4 ? 'v4' : 's'}`;
  recordDispatch(be, {
    key: `lemma-lse-cols1-${tag1}`,
    code: cached(`cols1-${tag1}`, () => colsPass1Code(form, vec4)),
    bindings: b1,
    uniforms: packUniforms([['u32', n], ['u32', mq], ['u32', rowsPerChunk], ['u32', 0], ['f32', 1 / spec.eps]]),
    workgroups: [Math.ceil(mq / 64), chunks],
  });
  const b2 = [read(pm), read(ps), ...(form?.l ? [read(spec.logm!)] : []), write(out)];
  recordDispatch(be, {
    ...colsMergeProgram(form === null ? false : form.l ? true : 'kl'),
    bindings: b2,
    uniforms: packUniforms([['u32', m], ['u32', chunks], ['f32', spec.eps], ['u32', m]]),
    workgroups: grid2D(Math.ceil(m / 32)),
  });
  // Released once the encoder using them is submitted (tfjs defers disposal of queued ids).
  be.disposeData(pm.dataId);
  be.disposeData(ps.dataId);
  return out;
}

/** WebGPU kernel of `LemmaLogSumExp`. */
export const logSumExpWebGPU: KernelImpl<LogSumExpInputs, LogSumExpAttrs> = ({ inputs, backend, attrs }) => {
  const be = webgpuInternals('logSumExp', backend);
  return lseReduceWebGPU(be, { C: inputs.x, eps: 1, axis: attrs.axis === 1 ? 'rows' : 'cols' });
};

/** WebGPU kernel of `LemmaSinkhornHalfStep`: one fused pass over C (rows: a workgroup per row; cols: a tiled column reduction). */
export const sinkhornHalfStepWebGPU: KernelImpl<SinkhornHalfStepInputs, SinkhornHalfStepAttrs> = ({ inputs, backend, attrs }) => {
  const { C, potential, logWeights, logMarginal } = inputs;
  const be = webgpuInternals('sinkhornHalfStep', backend);
  return lseReduceWebGPU(be, { C, pot: potential, logw: logWeights, logm: logMarginal, eps: attrs.eps, axis: attrs.axis });
};
