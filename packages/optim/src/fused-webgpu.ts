/**
 * One WGSL dispatch per variable for a {@link FusedRule} on the webgpu backend, through `@lemma/gpu-kernels`'
 * `runWGSL`. Unlike `applyElementwiseRule`, the program also reads a one-element device tensor `gscale`
 * (global-norm clip factor, or 0 when the step's gradients are not finite), so clipping and the NaN/Inf skip
 * need no readback: a 0 leaves the parameter and every slot untouched.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runWGSL } from '@lemma/gpu-kernels';
import type { FusedRule, RuleScalars } from './rules';

const WORKGROUP = 256;
const MAX_GROUPS = 65535;

/** The full WGSL program of a rule (`V` is f32 or vec4<f32>, as in gpu-kernels' ElementwiseRule convention). */
export function fusedProgram(rule: FusedRule, vec4: boolean): string {
  const slotDecl = rule.slots
    .map((name, k) => `@group(0) @binding(${3 + k}) var<storage, read_write> SLOT_${name}: array<V>;`)
    .join('\n');
  return /* wgsl */ `
alias V = ${vec4 ? 'vec4<f32>' : 'f32'};
struct Scalars { n: u32, ${rule.scalars.map((x) => `${x}: f32`).join(', ')} }
@group(0) @binding(0) var<storage, read_write> PARAM: array<V>;
@group(0) @binding(1) var<storage, read> GRAD: array<V>;
@group(0) @binding(2) var<storage, read> GSCALE: array<f32>;
${slotDecl}
@group(0) @binding(${3 + rule.slots.length}) var<uniform> s: Scalars;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${WORKGROUP}u + lid;
  if (i >= s.n) { return; }
  let gs = GSCALE[0];
  if (gs == 0.0) { return; }
  var p = PARAM[i];
  let g = GRAD[i] * gs;
  ${rule.slots.map((name) => `var ${name} = SLOT_${name}[i];`).join('\n  ')}
  {
    ${rule.wgsl}
  }
  PARAM[i] = p;
  ${rule.slots.map((name) => `SLOT_${name}[i] = ${name};`).join('\n  ')}
}`;
}

const programs = new WeakMap<FusedRule, { v4: string; s: string }>();

function refCount(t: tf.Tensor): number {
  return (tf.backend() as unknown as { refCount(id: tf.DataId): number }).refCount(t.dataId);
}

/** Gives a variable a buffer of its own before an in-place write (tf.variable(x)/assign(x) share x's buffer). */
export function makeExclusive(v: tf.Variable): void {
  if (refCount(v) <= 1) return;
  const copy = tf.tidy(() => tf.add(v, 0));
  v.assign(copy);
  copy.dispose();
}

/**
 * Records the fused update of one variable: `p` and `slots` are updated in place. `gscale` is a float32 tensor of
 * shape [1]; the rule's own `gscale` scalar is forced to 1.
 */
export function applyFusedWebGPU(rule: FusedRule, p: tf.Variable, g: tf.Tensor, slots: tf.Tensor[], gscale: tf.Tensor, k: RuleScalars): void {
  let code = programs.get(rule);
  if (!code) programs.set(rule, (code = { v4: fusedProgram(rule, true), s: fusedProgram(rule, false) }));
  const size = p.size;
  if (size === 0) return;
  makeExclusive(p);
  const vec4 = size % 4 === 0;
  const n = vec4 ? size / 4 : size;
  const u = new ArrayBuffer(4 * (1 + rule.scalars.length));
  const dv = new DataView(u);
  dv.setUint32(0, n, true);
  rule.scalars.forEach((name, j) => dv.setFloat32(4 * (j + 1), name === 'gscale' ? 1 : k[name]!, true));
  const groups = Math.ceil(n / WORKGROUP);
  const gx = Math.min(groups, MAX_GROUPS);
  runWGSL({
    key: `lemma-optim-${rule.name}-${vec4 ? 'v4' : 's'}`,
    code: vec4 ? code.v4 : code.s,
    bindings: [
      { tensor: p, access: 'read_write' },
      { tensor: g, access: 'read' },
      { tensor: gscale, access: 'read' },
      ...slots.map((t) => ({ tensor: t, access: 'read_write' as const })),
    ],
    uniforms: u,
    workgroups: [gx, Math.ceil(groups / gx)],
  });
}
