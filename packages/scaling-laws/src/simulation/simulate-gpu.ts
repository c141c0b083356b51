/**
 * The eigenbasis Monte Carlo (see simulate-cpu.ts) as one WGSL kernel on the tfjs webgpu backend,
 * through `@lemma/gpu-kernels`' runWGSL: one workgroup per seed, many steps per dispatch, float32 state.
 * Features are regenerated from a counter-based hash (seed, step, sample, mode), so nothing of size B d
 * is ever stored: each step computes the B residuals by workgroup reductions, then the gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runWGSL, getGPUDevice } from '@lemma/gpu-kernels';
import type { SpectralInputs } from './plrf';
import { summariseRuns, validateSimulation, type SimulationOptions, type SimulationResult } from './simulate-cpu';
import type { PowerLaw } from './schedule';

/** Options of {@link simulateEigenbasisGPU}. */
export interface GpuSimulationOptions extends SimulationOptions {
  /** Maximum optimizer steps fused into one dispatch (default 2048). */
  stepsPerDispatch?: number;
}

const WG = 256;
const CH = 8; // samples reduced together per pass (shared memory WG * CH floats = 8 KiB)

const CODE = /* wgsl */ `
struct U {
  d: u32, B: u32, t0: u32, nSteps: u32,
  slot: u32, nSlots: u32, seed: u32, momentum: u32,
  noise: f32, pInf: f32, invB: f32, pad0: f32,
  g1: vec4<f32>, g2: vec4<f32>, g3: vec4<f32>, dl: vec4<f32>,
};
@group(0) @binding(0) var<storage, read> sl: array<f32>;
@group(0) @binding(1) var<storage, read> lam: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> risk: array<f32>;
@group(0) @binding(5) var<uniform> u: U;
var<workgroup> red: array<f32, ${WG * CH}>;
var<workgroup> rb: array<f32, 256>;

fn pcg(v: u32) -> u32 {
  let s = v * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}
// Standard normal for (key, counter) by Box-Muller on two hashed uniforms.
fn gauss(key: u32, c: u32) -> f32 {
  let h1 = pcg(c ^ key);
  let h2 = pcg(h1 + 0x9e3779b9u);
  let u1 = (f32(h1 >> 8u) + 0.5) * (1.0 / 16777216.0);
  let u2 = f32(h2 >> 8u) * (1.0 / 16777216.0);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
fn pl(p: vec4<f32>, t: f32) -> f32 {
  if (p.y == 0.0 || p.x == 0.0) { return p.x; }
  return p.x * exp(p.y * log(1.0 + t / p.z));
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let s = wid.x;
  let tid = lid.x;
  let d = u.d;
  let base = s * d;
  let stride = d + 1u;
  for (var step = 0u; step < u.nSteps; step++) {
    let t = u.t0 + step;
    let key = pcg(pcg(u.seed ^ (s * 0x85ebca6bu)) ^ pcg(t * 0xc2b2ae35u + 0x27d4eb2fu));
    // Residuals r_b = (f_b . w - noise eps_b) / B, CH samples per reduction pass.
    for (var b0 = 0u; b0 < u.B; b0 += ${CH}u) {
      var acc: array<f32, ${CH}>;
      for (var j = 0u; j < ${CH}u; j++) { acc[j] = 0.0; }
      for (var k = tid; k < d; k += ${WG}u) {
        let a = sl[k] * w[base + k];
        for (var j = 0u; j < ${CH}u; j++) {
          if (b0 + j < u.B) { acc[j] += a * gauss(key, (b0 + j) * stride + k); }
        }
      }
      for (var j = 0u; j < ${CH}u; j++) { red[j * ${WG}u + tid] = acc[j]; }
      workgroupBarrier();
      for (var off = ${WG / 2}u; off > 0u; off >>= 1u) {
        if (tid < off) {
          for (var j = 0u; j < ${CH}u; j++) { red[j * ${WG}u + tid] += red[j * ${WG}u + tid + off]; }
        }
        workgroupBarrier();
      }
      if (tid < ${CH}u && b0 + tid < u.B) {
        let b = b0 + tid;
        rb[b] = (red[tid * ${WG}u] - u.noise * gauss(key, b * stride + d)) * u.invB;
      }
      workgroupBarrier();
    }
    let tf = f32(t);
    let g1 = pl(u.g1, tf);
    let g2 = pl(u.g2, tf);
    let g3 = pl(u.g3, tf);
    let keep = 1.0 - pl(u.dl, tf);
    for (var k = tid; k < d; k += ${WG}u) {
      var g = 0.0;
      for (var b = 0u; b < u.B; b++) { g += gauss(key, b * stride + k) * rb[b]; }
      g *= sl[k];
      if (u.momentum != 0u) {
        let yk = keep * y[base + k] + g1 * g;
        y[base + k] = yk;
        w[base + k] = w[base + k] - g2 * g - g3 * yk;
      } else {
        w[base + k] = w[base + k] - g2 * g;
      }
    }
    workgroupBarrier();
  }
  // Risk 1/2 sum lambda w^2 + P_inf into this dispatch's slot.
  var p = 0.0;
  for (var k = tid; k < d; k += ${WG}u) { let x = w[base + k]; p += lam[k] * x * x; }
  red[tid] = p;
  workgroupBarrier();
  for (var off = ${WG / 2}u; off > 0u; off >>= 1u) {
    if (tid < off) { red[tid] += red[tid + off]; }
    workgroupBarrier();
  }
  if (tid == 0u) { risk[s * u.nSlots + u.slot] = 0.5 * red[0] + u.pInf; }
}
`;

function packUniforms(fields: { d: number; B: number; t0: number; nSteps: number; slot: number; nSlots: number; seed: number; momentum: boolean; noise: number; pInf: number }, hp: SimulationOptions['hparams']): ArrayBuffer {
  const buf = new ArrayBuffer(112);
  const u32 = new Uint32Array(buf);
  const f32 = new Float32Array(buf);
  u32[0] = fields.d;
  u32[1] = fields.B;
  u32[2] = fields.t0;
  u32[3] = fields.nSteps;
  u32[4] = fields.slot;
  u32[5] = fields.nSlots;
  u32[6] = fields.seed >>> 0;
  u32[7] = fields.momentum ? 1 : 0;
  f32[8] = fields.noise;
  f32[9] = fields.pInf;
  f32[10] = 1 / fields.B;
  const put = (off: number, p: PowerLaw): void => {
    f32[off] = p.scale;
    f32[off + 1] = p.power;
    f32[off + 2] = p.timeScale ?? 1;
  };
  put(12, hp.g1);
  put(16, hp.g2);
  put(20, hp.g3);
  put(24, hp.delta);
  return buf;
}

/**
 * Eigenbasis Monte Carlo on the GPU (tfjs webgpu backend required). Same model and options as
 * {@link simulateEigenbasisCPU}; float32 state, its own counter-based random stream.
 */
export async function simulateEigenbasisGPU(inputs: SpectralInputs, opts: GpuSimulationOptions): Promise<SimulationResult> {
  const fn = 'simulateEigenbasisGPU';
  // A GPU does ~1e11 mode-updates a second: allow 1e15 (hours at most).
  const B = validateSimulation(fn, inputs, opts, 1e15);
  if (!getGPUDevice()) throw new Error(`${fn}: needs the tfjs webgpu backend (selectBackend('webgpu')), active backend is '${tf.getBackend()}'`);
  if (B > 256) throw new Error(`${fn}: batch must be <= 256 on the GPU path, got ${B}`);
  if (opts.seeds > 65535) throw new Error(`${fn}: seeds must be <= 65535 (one workgroup each), got ${opts.seeds}`);
  const per = opts.stepsPerDispatch ?? 2048;
  const { lambda, rho0, pInf } = inputs;
  const d = lambda.length;
  const S = opts.seeds;
  const steps = opts.steps;
  const nSlots = steps.length + 1; // last slot receives intermediate (unlogged) dispatches
  const sl = tf.tensor1d(Float32Array.from(lambda, Math.sqrt));
  const lam = tf.tensor1d(Float32Array.from(lambda));
  const w0 = new Float32Array(S * d);
  for (let s = 0; s < S; s++) for (let k = 0; k < d; k++) w0[s * d + k] = -Math.sqrt(rho0[k]!);
  const w = tf.tensor1d(w0);
  const y = tf.zeros([S * d]);
  const riskT = tf.zeros([S * nSlots]);
  const hp = opts.hparams;
  const momentum = !(hp.g1.scale === 0 || hp.g3.scale === 0);
  const noise = Math.sqrt(2 * pInf);
  try {
    let t = 0;
    const dispatch = (nSteps: number, slot: number): void => {
      runWGSL({
        key: 'scaling-laws/eigenbasis-genmom-v1',
        code: CODE,
        bindings: [
          { tensor: sl, access: 'read' },
          { tensor: lam, access: 'read' },
          { tensor: w, access: 'read_write' },
          { tensor: y, access: 'read_write' },
          { tensor: riskT, access: 'read_write' },
        ],
        uniforms: packUniforms({ d, B, t0: t, nSteps, slot, nSlots, seed: opts.seed, momentum, noise, pInf }, hp),
        workgroups: [S],
      });
      t += nSteps;
    };
    for (let i = 0; i < steps.length; i++) {
      const target = steps[i]!;
      while (target - t > per) dispatch(per, nSlots - 1);
      dispatch(target - t, i);
    }
    const raw = await riskT.data();
    const risk = new Float64Array(S * steps.length);
    for (let s = 0; s < S; s++) for (let i = 0; i < steps.length; i++) risk[s * steps.length + i] = raw[s * nSlots + i]!;
    return summariseRuns(steps, risk, S);
  } finally {
    for (const x of [sl, lam, w, y, riskT]) x.dispose();
  }
}
