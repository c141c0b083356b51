import { bindTensor, grid2D, recordDispatch, uploadUniforms } from '../_shared/webgpu';
import { isCapturing, onReplay } from '../../train/replay-hooks';
import type { WebGPUInternals } from '../_shared/webgpu';
import type { ElementwiseRule, RuleAttrs, RuleInputs, RuleScalars } from './kernel';

/** Uniform fields of a rule: its scalars, then its host-derived scalars. */
function uniformNames(rule: ElementwiseRule): string[] {
  return [...rule.scalars, ...(rule.derived?.names ?? [])];
}

/**
 * The WGSL program of a rule updating `k` tensors in one dispatch. Group 0 holds, per tensor t, PARAM_t, GRAD_t
 * and SLOT_t_<name> (each bound with exactly the tensor's byte size, so `arrayLength` is its element count);
 * group 1 holds the scalar uniforms. The flat workgroup index walks tensor 0's ceil(n_0/256) workgroups, then
 * tensor 1's, and so on, so no per-tensor uniform is needed and group 0 can be cached across steps.
 */
export function ruleCode(rule: ElementwiseRule, vec4: boolean, k = 1, scaled = false, sliced = false): string {
  const decls: string[] = [];
  const bodies: string[] = [];
  let b = 0;
  for (let t = 0; t < k; t++) {
    decls.push(`@group(0) @binding(${b++}) var<storage, read_write> PARAM_${t}: array<V>;`);
    decls.push(`@group(0) @binding(${b++}) var<storage, read> GRAD_${t}: array<V>;`);
    for (const name of rule.slots) decls.push(`@group(0) @binding(${b++}) var<storage, read_write> SLOT_${t}_${name}: array<V>;`);
    bodies.push(/* wgsl */ `
  {
    let n = arrayLength(&PARAM_${t});
    let wgs = (n + 255u) / 256u;
    if (w < base + wgs) {
      let i = (w - base) * 256u + lid;
      if (i < n) {${sliced ? '\n        let s = SS[i / (n / arrayLength(&SS))];' : ''}
        var p = PARAM_${t}[i];
        let g = GRAD_${t}[i]${scaled ? ' * gs' : ''};
        ${rule.slots.map((name) => `var ${name} = SLOT_${t}_${name}[i];`).join('\n        ')}
        {
          ${rule.wgsl}
        }
        PARAM_${t}[i] = p;
        ${rule.slots.map((name) => `SLOT_${t}_${name}[i] = ${name};`).join('\n        ')}
      }
      return;
    }
    base += wgs;
  }`);
  }
  return /* wgsl */ `
alias V = ${vec4 ? 'vec4<f32>' : 'f32'};
struct Scalars { ${uniformNames(rule).length ? uniformNames(rule).map((s) => `${s}: f32`).join(', ') : 'unused_: f32'} }
${decls.join('\n')}
${sliced ? '@group(1) @binding(0) var<storage, read> SS: array<Scalars>;' : '@group(1) @binding(0) var<uniform> s: Scalars;'}
${scaled ? '@group(1) @binding(1) var<storage, read> GSCALE: array<f32>;' : ''}
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  ${scaled ? 'let gs = GSCALE[0];\n  if (gs == 0.0) { return; }' : ''}
  let w = wid.y * nwg.x + wid.x;
  var base = 0u;
  ${bodies.join('\n')}
}`;
}

interface RuleVariant {
  layout: GPUBindGroupLayout;
  v4: GPUComputePipeline;
  s: GPUComputePipeline;
}

interface RuleState {
  uniforms: GPUBindGroupLayout;
  /** Group 1 of the per-slice variants: the scalars of every slice as read-only storage (and the scale). */
  sliced: GPUBindGroupLayout;
  slicedScaled: GPUBindGroupLayout;
  /** Group 1 of the variants with a device gradient scale: the uniforms, then the [1] scale (read-only storage). */
  uniformsScaled: GPUBindGroupLayout;
  /** Pipelines by tensors per dispatch (1..maxPerDispatch) and `s` when scaled; both widths share one layout. */
  variants: Map<string, RuleVariant>;
  /** Group-0 bind groups keyed by tensor count, the GPUBuffer identities and byte sizes of their bindings. */
  groups: Map<string, GPUBindGroup>;
  maxPerDispatch: number;
  /** The same with a device gradient scale (one storage binding fewer for the tensors). */
  maxPerDispatchScaled: number;
}

const perDevice = new WeakMap<GPUDevice, Map<ElementwiseRule, RuleState>>();
const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 1;

function bufferId(b: GPUBuffer): number {
  let id = bufferIds.get(b);
  if (id === undefined) bufferIds.set(b, (id = nextBufferId++));
  return id;
}

/**
 * Tuning knobs read by the benchmarks (not public API): the most tensors one dispatch updates (`undefined`: as
 * many as the device's storage-buffer limit allows, 2 for AdamW under WebGPU's default of 8 per stage), and
 * whether bind groups are reused across calls (off: the cost when every gradient buffer is new each step), and
 * whether each dispatch counts towards tfjs's submit batch (on: a large step is submitted at once, so the GPU
 * starts while the host records the next; off: the whole call counts as one dispatch).
 */
export const ruleTuning: { maxPerDispatch: number | undefined; cacheBindGroups: boolean; countEachDispatch: boolean } = {
  maxPerDispatch: undefined,
  cacheBindGroups: true,
  countEachDispatch: true,
};

function ruleState(device: GPUDevice, rule: ElementwiseRule): RuleState {
  let cache = perDevice.get(device);
  if (!cache) perDevice.set(device, (cache = new Map()));
  let st = cache.get(rule);
  if (!st) {
    const perTensor = 2 + rule.slots.length;
    const storage = device.limits.maxStorageBuffersPerShaderStage ?? 8;
    const limit = Math.max(1, Math.floor(storage / perTensor));
    const limitScaled = Math.max(1, Math.floor((storage - 1) / perTensor));
    st = {
      uniforms: device.createBindGroupLayout({ entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } }] }),
      uniformsScaled: device.createBindGroupLayout({
        entries: [
          { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
          { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
        ],
      }),
      sliced: device.createBindGroupLayout({ entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } }] }),
      slicedScaled: device.createBindGroupLayout({
        entries: [
          { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
          { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
        ],
      }),
      variants: new Map(),
      groups: new Map(),
      maxPerDispatch: Math.min(4, limit),
      maxPerDispatchScaled: Math.min(4, limitScaled),
    };
    cache.set(rule, st);
  }
  return st;
}

/** The group-1 layout of a variant. */
function group1Layout(st: RuleState, scaled: boolean, sliced: boolean): GPUBindGroupLayout {
  if (sliced) return scaled ? st.slicedScaled : st.sliced;
  return scaled ? st.uniformsScaled : st.uniforms;
}

function ruleVariant(device: GPUDevice, rule: ElementwiseRule, st: RuleState, k: number, scaled: boolean, sliced: boolean): RuleVariant {
  const vkey = `${k}${scaled ? 's' : ''}${sliced ? 'k' : ''}`;
  let v = st.variants.get(vkey);
  if (v) return v;
  const C = GPUShaderStage.COMPUTE;
  const entries: GPUBindGroupLayoutEntry[] = [];
  for (let t = 0; t < k; t++) {
    entries.push({ binding: entries.length, visibility: C, buffer: { type: 'storage' } });
    entries.push({ binding: entries.length, visibility: C, buffer: { type: 'read-only-storage' } });
    for (let s = 0; s < rule.slots.length; s++) entries.push({ binding: entries.length, visibility: C, buffer: { type: 'storage' } });
  }
  const layout = device.createBindGroupLayout({ entries });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout, group1Layout(st, scaled, sliced)] });
  const make = (vec4: boolean): GPUComputePipeline =>
    device.createComputePipeline({
      label: `elementwiseRule:${rule.name}`,
      layout: pipelineLayout,
      compute: { module: device.createShaderModule({ code: ruleCode(rule, vec4, k, scaled, sliced) }), entryPoint: 'main' },
    });
  v = { layout, v4: make(true), s: make(false) };
  st.variants.set(vkey, v);
  return v;
}

/** Most cached group-0 bind groups kept per rule beyond 4 per tensor of the current call (oldest dropped first). */
const GROUP_CACHE_SLACK = 256;

interface Item {
  buffers: GPUBuffer[];
  size: number;
  workgroups: number;
}

/**
 * Records the fused update of every parameter into the backend's current compute pass: tensors of the same
 * width (vec4 or scalar) are grouped up to `maxPerDispatch` per dispatch, one uniform buffer is uploaded per
 * call, and each group's bind group is cached across steps keyed by the tensors' GPUBuffer identities (so
 * variables whose storage changes, e.g. by tfjs `assign`, simply get a new one). Each dispatch counts towards
 * tfjs's submit batching (`WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE`), so a large step is submitted as soon as it is
 * recorded. With `gradScale` (a [1] float32 tensor, bound next to the uniforms in group 1) every gradient is
 * multiplied by its value and a 0 makes every invocation return before touching anything.
 */
export function applyRuleWebGPU(be: WebGPUInternals, { params, grads, slots, gradScale }: RuleInputs, { rule, sets, sliced, replay }: RuleAttrs): void {
  const st = ruleState(be.device, rule);
  const scaled = gradScale !== undefined;
  const slices = sliced ? sets.length : 1;
  const storage = be.device.limits.maxStorageBuffersPerShaderStage ?? 8;
  const slicedMost = Math.max(1, Math.min(4, Math.floor((storage - 1 - (scaled ? 1 : 0)) / (2 + rule.slots.length))));
  const most = sliced ? slicedMost : scaled ? st.maxPerDispatchScaled : st.maxPerDispatch;
  const maxK = Math.max(1, Math.min(most, ruleTuning.maxPerDispatch ?? most));
  const byWidth: [Item[], Item[]] = [[], []]; // [vec4, scalar]
  for (let t = 0; t < params.length; t++) {
    const p = params[t]!;
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (size === 0) continue;
    // Parameter and slots are written in place, the gradient only read.
    const buffers = [p, grads[t]!, ...slots[t]!].map((info, k) => bindTensor(be, info, k === 1 ? 'read' : 'read_write'));
    // Per-slice scalars: a vec4 lane must not straddle two slices.
    const vec4 = size % 4 === 0 && (size / slices) % 4 === 0;
    byWidth[vec4 ? 0 : 1].push({ buffers, size, workgroups: Math.ceil((vec4 ? size / 4 : size) / 256) });
  }
  if (byWidth[0].length + byWidth[1].length === 0) return;

  // Groups of up to maxK tensors; a tensor whose writable buffers already appear in the group starts a new one
  // (WebGPU forbids aliasing writable bindings within one dispatch).
  const dispatches: { group: GPUBindGroup; pipeline: GPUComputePipeline; workgroups: number }[] = [];
  const keep = 4 * params.length + GROUP_CACHE_SLACK;
  byWidth.forEach((items, w) => {
    let i = 0;
    while (i < items.length) {
      const members: Item[] = [items[i]!];
      const written = new Set<GPUBuffer>(items[i]!.buffers.filter((_, k) => k !== 1));
      i++;
      while (members.length < maxK && i < items.length && !items[i]!.buffers.some((b, k) => k !== 1 && written.has(b))) {
        items[i]!.buffers.forEach((b, k) => k !== 1 && written.add(b));
        members.push(items[i]!);
        i++;
      }
      const variant = ruleVariant(be.device, rule, st, members.length, scaled, sliced);
      let key = `${members.length}`;
      for (const m of members) {
        key += `|${m.size}`;
        for (const b of m.buffers) key += `,${bufferId(b)}`;
      }
      let group = ruleTuning.cacheBindGroups ? st.groups.get(key) : undefined;
      if (group) {
        st.groups.delete(key); // re-inserted below: Map order is recency, the oldest are evicted first
      } else {
        const entries: GPUBindGroupEntry[] = [];
        for (const m of members) for (const buffer of m.buffers) entries.push({ binding: entries.length, resource: { buffer, offset: 0, size: 4 * m.size } });
        group = be.device.createBindGroup({ layout: variant.layout, entries });
      }
      st.groups.set(key, group);
      dispatches.push({ group, pipeline: w === 0 ? variant.v4 : variant.s, workgroups: members.reduce((a, m) => a + m.workgroups, 0) });
    }
  });
  while (st.groups.size > keep) st.groups.delete(st.groups.keys().next().value as string);

  // One uniform buffer per call (one shared buffer rewritten each step would race with unsubmitted steps).
  const names = uniformNames(rule);
  const fields = Math.max(1, names.length);
  const pack = (values: readonly RuleScalars[]): Float32Array => {
    // Uniform struct: 16-byte aligned; per-slice storage array: a stride of 4 bytes per f32 field.
    const u = new Float32Array(sliced ? fields * slices : Math.ceil(fields / 4) * 4);
    values.forEach((set, j) => names.forEach((name, k) => (u[j * fields + k] = set[name]!)));
    return u;
  };
  const first = pack(sliced ? sets : [sets[0]!]);
  const { buffer: ubuf } = uploadUniforms(be, first, sliced ? GPUBufferUsage.STORAGE : GPUBufferUsage.UNIFORM);
  // Step graph: the next step's scalars are written into this call's buffer before each replay.
  if (replay && isCapturing()) onReplay((ctx) => ctx.writeBuffer(ubuf, pack(replay())));
  const uentries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: ubuf, size: 4 * first.length } }];
  if (gradScale) uentries.push({ binding: 1, resource: { buffer: bindTensor(be, gradScale, 'read'), offset: 0, size: 4 } });
  const ugroup = be.device.createBindGroup({ layout: group1Layout(st, scaled, sliced), entries: uentries });
  recordDispatch(
    be,
    dispatches.map((d) => ({ pipeline: d.pipeline, groups: [d.group, ugroup], workgroups: grid2D(d.workgroups) })),
    { countEach: ruleTuning.countEachDispatch },
  );
}
