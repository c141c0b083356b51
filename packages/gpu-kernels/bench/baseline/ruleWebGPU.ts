import type { TensorInfo } from '@tensorflow/tfjs-core';
import { grid2D, recordDispatch } from '../../src/kernels/_shared/webgpu';
import type { WebGPUInternals } from '../../src/kernels/_shared/webgpu';
import type { ElementwiseRule } from '../../src/kernels/elementwiseRule/types';

/** The full WGSL program of a rule: bindings p, g, slots..., uniforms; one thread per element or vec4. */
export function ruleCode(rule: ElementwiseRule, vec4: boolean): string {
  const slotDecl = rule.slots.map((name, k) => `@group(0) @binding(${2 + k}) var<storage, read_write> SLOT_${name}: array<V>;`).join('\n');
  return /* wgsl */ `
alias V = ${vec4 ? 'vec4<f32>' : 'f32'};
struct Scalars { n: u32, ${rule.scalars.map((s) => `${s}: f32`).join(', ')} }
@group(0) @binding(0) var<storage, read_write> PARAM: array<V>;
@group(0) @binding(1) var<storage, read> GRAD: array<V>;
${slotDecl}
@group(0) @binding(${2 + rule.slots.length}) var<uniform> s: Scalars;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= s.n) { return; }
  var p = PARAM[i];
  let g = GRAD[i];
  ${rule.slots.map((name) => `var ${name} = SLOT_${name}[i];`).join('\n  ')}
  {
    ${rule.wgsl}
  }
  PARAM[i] = p;
  ${rule.slots.map((name) => `SLOT_${name}[i] = ${name};`).join('\n  ')}
}`;
}

const codes = new WeakMap<ElementwiseRule, { v4: string; s: string }>();

/** Records one fused update dispatch for one parameter tensor. */
export function ruleWebGPU(be: WebGPUInternals, rule: ElementwiseRule, p: TensorInfo, g: TensorInfo, slots: TensorInfo[], scalars: Readonly<Record<string, number>>): void {
  let c = codes.get(rule);
  if (!c) codes.set(rule, (c = { v4: ruleCode(rule, true), s: ruleCode(rule, false) }));
  const size = p.shape.reduce((a, b) => a * b, 1);
  if (size === 0) return;
  const vec4 = size % 4 === 0;
  const n = vec4 ? size / 4 : size;
  const u = new ArrayBuffer(4 * (1 + rule.scalars.length));
  const dv = new DataView(u);
  dv.setUint32(0, n, true);
  rule.scalars.forEach((name, k) => dv.setFloat32(4 * (k + 1), scalars[name]!, true));
  recordDispatch(be, {
    key: `baseline-rule-${rule.name}-${vec4 ? 'v4' : 's'}`,
    code: vec4 ? c.v4 : c.s,
    bindings: [
      { info: p, access: 'read_write' },
      { info: g, access: 'read' },
      ...slots.map((t) => ({ info: t, access: 'read_write' as const })),
    ],
    uniforms: u,
    workgroups: grid2D(Math.ceil(n / 256)),
  });
}
