/**
 * The eigenbasis Monte Carlo (see simulate-cpu.ts) as one WGSL kernel on the tfjs webgpu backend,
 * through `@lemma/gpu-kernels`' runWGSL: one workgroup per seed, many steps per dispatch, float32 state.
 * Features are regenerated from the counter-based Philox stream the CPU simulator reads (draw-layout.ts), so
 * nothing of size B d is ever stored: each step computes the B residuals by workgroup reductions, then the gradient.
 * Same update as simulate-cpu.ts (Experimental optimizers.py `dana_optimizer`); the eigenbasis reduction is ours.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runWGSL, getGPUDevice, keyFromSeed, PHILOX_WGSL } from '@lemma/gpu-kernels';
import type { SpectralInputs } from '../types';
import { summariseRuns } from './summarise-runs';
import { validateSimulation } from './validate-simulation';
import { type SimulationOptions, type SimulationResult } from '../types';
import type { PowerLaw } from '../theory/schedule';
import { checkDrawLayout } from './draw-layout';

/** Options of {@link simulateEigenbasisGPU}. */
export interface GpuSimulationOptions extends SimulationOptions {
  /** Maximum optimizer steps fused into one dispatch (default 2048). */
  stepsPerDispatch?: number;
}

const WG = 256;
const CH = 8; // samples reduced together per pass (shared memory WG * CH floats = 8 KiB)

const CODE = /* wgsl */ `
${PHILOX_WGSL}
struct U {
  d: u32, B: u32, t0: u32, nSteps: u32,
  slot: u32, nSlots: u32, k0: u32, momentum: u32,
  noise: f32, pInf: f32, invB: f32, k1: u32,
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

// Normals 4q .. 4q+3 of sample b at step t of run s (draw-layout.ts), Box-Muller as in gpu-kernels' randomNormal.
fn normals4(q: u32, b: u32, t: u32, s: u32) -> vec4<f32> {
  return philoxNormal4(philoxUnit(philox4x32(vec4<u32>(b * ((u.d + 4u) / 4u) + q, s, t, 0u), vec2<u32>(u.k0, u.k1))));
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
  let nq = (d + 4u) / 4u; // Philox blocks per sample: modes 0..d-1, the label noise at mode d, padding
  for (var step = 0u; step < u.nSteps; step++) {
    let t = u.t0 + step;
    // Residuals r_b = (f_b . w - noise eps_b) / B, CH samples per reduction pass; thread tid owns modes 4q..4q+3.
    for (var b0 = 0u; b0 < u.B; b0 += ${CH}u) {
      var acc: array<f32, ${CH}>;
      for (var j = 0u; j < ${CH}u; j++) { acc[j] = 0.0; }
      for (var q = tid; q < nq; q += ${WG}u) {
        var a = vec4<f32>(0.0);
        for (var m = 0u; m < 4u; m++) {
          let k = 4u * q + m;
          if (k < d) { a[m] = sl[k] * w[base + k]; } else if (k == d) { a[m] = -u.noise; }
        }
        for (var j = 0u; j < ${CH}u; j++) {
          if (b0 + j < u.B) { acc[j] += dot(a, normals4(q, b0 + j, t, s)); }
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
      if (tid < ${CH}u && b0 + tid < u.B) { rb[b0 + tid] = red[tid * ${WG}u] * u.invB; }
      workgroupBarrier();
    }
    let tf = f32(t);
    let g1 = pl(u.g1, tf);
    let g2 = pl(u.g2, tf);
    let g3 = pl(u.g3, tf);
    let keep = 1.0 - pl(u.dl, tf);
    for (var q = tid; 4u * q < d; q += ${WG}u) {
      var g = vec4<f32>(0.0);
      for (var b = 0u; b < u.B; b++) { g += normals4(q, b, t, s) * rb[b]; }
      for (var m = 0u; m < 4u; m++) {
        let k = 4u * q + m;
        if (k < d) {
          let gk = g[m] * sl[k];
          if (u.momentum != 0u) {
            let yk = keep * y[base + k] + g1 * gk;
            y[base + k] = yk;
            w[base + k] = w[base + k] - g2 * gk - g3 * yk;
          } else {
            w[base + k] = w[base + k] - g2 * gk;
          }
        }
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
  const [k0, k1] = keyFromSeed(fields.seed);
  u32[6] = k0;
  u32[7] = fields.momentum ? 1 : 0;
  f32[8] = fields.noise;
  f32[9] = fields.pInf;
  f32[10] = 1 / fields.B;
  u32[11] = k1;
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
 * {@link simulateEigenbasisCPU} and the same normals for the same seed; float32 state.
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
  checkDrawLayout(fn, d, B, opts.steps);
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
        key: 'scaling-laws/eigenbasis-genmom-v2',
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
