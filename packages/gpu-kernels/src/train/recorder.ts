/**
 * Records what a step does on the WebGPU device (bind groups, dispatches, host writes, copies, submits) by
 * wrapping the WebGPU prototypes while a capture is active. Wrapping at the WebGPU API rather than in tfjs
 * sees tfjs's kernels, ours and any other library's on the same device alike.
 */

/** One binding of a recorded bind group. */
export interface BufferEntry {
  binding: number;
  buffer: GPUBuffer;
  offset: number;
  size: number | undefined;
}

/** A bind group's layout and buffer entries, kept for every bind group created once instrumentation is on. */
export interface BindGroupRecord {
  layout: GPUBindGroupLayout;
  entries: BufferEntry[];
  /** Set when an entry is not a plain buffer (texture, sampler): such a group cannot be relocated. */
  unsupported?: string;
}

/** A recorded event, in the order the step made it. */
export type RecordedEvent =
  | { kind: 'write'; buffer: GPUBuffer; offset: number; data: Uint8Array<ArrayBuffer> }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; size: number }
  | { kind: 'clear'; buffer: GPUBuffer; offset: number; size: number }
  | { kind: 'dispatch'; pipeline: GPUComputePipeline; groups: (GPUBindGroup | null)[]; x: number; y: number; z: number }
  | { kind: 'submit' };

/** What one capture saw. */
export interface Recording {
  events: RecordedEvent[];
  /** Buffers tfjs's buffer manager (or anyone via createBuffer) handed out during the capture, in order. */
  acquired: Set<GPUBuffer>;
  /** Buffers given back to tfjs's pool (or destroyed) during the capture. */
  released: Set<GPUBuffer>;
  /** Why the step cannot be captured, first reason first. */
  refusals: string[];
}

const bindGroups = new WeakMap<GPUBindGroup, BindGroupRecord>();

/**
 * Bind-group cache: tfjs-webgpu creates a bind group for every op, though in a training loop the same layout
 * and buffers (its pool hands them out in the same order each step) recur; a bind group is an immutable
 * reference, so an identical descriptor can reuse the group made for it. Bounded LRU; counters for benches.
 */
export const bindGroupTuning = { cache: false, capacity: 8192, hits: 0, misses: 0 };
const groupCache = new Map<string, GPUBindGroup>();
const ids = new WeakMap<object, number>();
let nextId = 1;
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}

/** The cache key of a descriptor whose entries are all buffers, else null (textures, samplers: not cached). */
function cacheKey(d: GPUBindGroupDescriptor): string | null {
  let key = `${idOf(d.layout)}`;
  for (const e of d.entries as Iterable<GPUBindGroupEntry>) {
    const r = e.resource as GPUBufferBinding;
    if (!r || typeof r !== 'object' || !('buffer' in r) || !r.buffer) return null;
    key += `|${e.binding}:${idOf(r.buffer)}:${r.offset ?? 0}:${r.size ?? -1}`;
  }
  return key;
}
let installed = false;
let active: Recording | null = null;
/** Mapped ranges of buffers created mappedAtCreation during a capture: their bytes are recorded at unmap. */
const mapped = new WeakMap<GPUBuffer, ArrayBuffer[]>();

type Proto<T> = { prototype: T };

function toBytes(data: ArrayBufferLike | ArrayBufferView, dataOffset = 0, size?: number, elementBytes = 1): Uint8Array<ArrayBuffer> {
  const view = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data as ArrayBuffer);
  const start = dataOffset * (ArrayBuffer.isView(data) ? elementBytes : 1);
  const len = size === undefined ? view.byteLength - start : size * (ArrayBuffer.isView(data) ? elementBytes : 1);
  return view.slice(start, start + len);
}

/** The bind group's recorded descriptor, if it was created after instrumentation was installed. */
export function bindGroupRecord(group: GPUBindGroup): BindGroupRecord | undefined {
  return bindGroups.get(group);
}

/**
 * Wraps the WebGPU prototypes once. Outside a capture the only extra work is remembering each bind group's
 * entries in a WeakMap (so groups cached across steps, like the optimizers' parameter groups, can be
 * relocated later); inside, every command is recorded as well as executed.
 */
export function installRecorder(): boolean {
  if (installed) return true;
  const g = globalThis as unknown as Record<string, Proto<Record<string, unknown>> | undefined>;
  const need = ['GPUDevice', 'GPUQueue', 'GPUCommandEncoder', 'GPUComputePassEncoder', 'GPUBuffer'];
  if (!need.every((n) => g[n]?.prototype)) return false;
  const wrap = (cls: string, name: string, make: (orig: (...a: unknown[]) => unknown) => (this: unknown, ...a: unknown[]) => unknown) => {
    const proto = g[cls]!.prototype;
    const orig = proto[name] as (...a: unknown[]) => unknown;
    proto[name] = make(orig);
  };
  wrap('GPUDevice', 'createBindGroup', (orig) =>
    function (this: unknown, desc) {
      const d = desc as GPUBindGroupDescriptor;
      const key = bindGroupTuning.cache ? cacheKey(d) : null;
      if (key !== null) {
        const hit = groupCache.get(key);
        if (hit) {
          // Map order is recency: re-insert so the least recently used are evicted first.
          groupCache.delete(key);
          groupCache.set(key, hit);
          bindGroupTuning.hits++;
          return hit;
        }
      }
      const group = orig.call(this, desc) as GPUBindGroup;
      const rec: BindGroupRecord = { layout: d.layout, entries: [] };
      for (const e of d.entries as Iterable<GPUBindGroupEntry>) {
        const r = e.resource as GPUBufferBinding;
        if (r && typeof r === 'object' && 'buffer' in r && r.buffer) {
          rec.entries.push({ binding: e.binding, buffer: r.buffer, offset: r.offset ?? 0, size: r.size });
        } else {
          rec.unsupported = `binding ${e.binding} is not a buffer`;
        }
      }
      bindGroups.set(group, rec);
      if (key !== null) {
        bindGroupTuning.misses++;
        groupCache.set(key, group);
        // A while, not an if: a capacity lowered since the last insert shrinks the cache to it.
        while (groupCache.size > bindGroupTuning.capacity) groupCache.delete(groupCache.keys().next().value as string);
      }
      return group;
    },
  );
  // Dawn returns a new layout object per getBindGroupLayout call; one object per (pipeline, group) lets the
  // bind-group cache key on layout identity.
  if (g.GPUComputePipeline?.prototype) {
    const layouts = new WeakMap<object, Map<number, unknown>>();
    wrap('GPUComputePipeline', 'getBindGroupLayout', (orig) =>
      function (this: unknown, index) {
        let m = layouts.get(this as object);
        if (!m) layouts.set(this as object, (m = new Map()));
        let l = m.get(index as number);
        if (l === undefined) m.set(index as number, (l = orig.call(this, index)));
        return l;
      },
    );
  }
  wrap('GPUDevice', 'createBuffer', (orig) =>
    function (this: unknown, desc) {
      const buffer = orig.call(this, desc) as GPUBuffer;
      if (active) {
        active.acquired.add(buffer);
        if ((desc as GPUBufferDescriptor).mappedAtCreation) mapped.set(buffer, []);
      }
      return buffer;
    },
  );
  wrap('GPUBuffer', 'getMappedRange', (orig) =>
    function (this: unknown, ...a) {
      const range = orig.apply(this, a) as ArrayBuffer;
      const list = active ? mapped.get(this as GPUBuffer) : undefined;
      if (list) {
        if (a.length && a[0]) active!.refusals.push('a mapped range with an offset was written during capture');
        list.push(range);
      }
      return range;
    },
  );
  wrap('GPUBuffer', 'unmap', (orig) =>
    function (this: unknown) {
      const list = active ? mapped.get(this as GPUBuffer) : undefined;
      if (list) {
        for (const r of list) active!.events.push({ kind: 'write', buffer: this as GPUBuffer, offset: 0, data: new Uint8Array(r.slice(0)) });
        mapped.delete(this as GPUBuffer);
      }
      return orig.call(this);
    },
  );
  wrap('GPUBuffer', 'mapAsync', (orig) =>
    function (this: unknown, ...a) {
      if (active) {
        active.refusals.push('the step reads a buffer back (mapAsync) during capture: a step graph cannot contain a read-back');
        return Promise.reject(new Error('step graph: read-back during capture'));
      }
      return orig.apply(this, a);
    },
  );
  wrap('GPUQueue', 'writeBuffer', (orig) =>
    function (this: unknown, buffer, bufferOffset, data, dataOffset, size) {
      if (active) {
        const el = ArrayBuffer.isView(data) && 'BYTES_PER_ELEMENT' in (data as object) ? (data as Uint8Array).BYTES_PER_ELEMENT : 1;
        active.events.push({
          kind: 'write',
          buffer: buffer as GPUBuffer,
          offset: (bufferOffset as number) ?? 0,
          data: toBytes(data as ArrayBufferView, (dataOffset as number) ?? 0, size as number | undefined, el),
        });
      }
      return orig.call(this, buffer, bufferOffset, data, dataOffset, size);
    },
  );
  wrap('GPUQueue', 'writeTexture', (orig) =>
    function (this: unknown, ...a) {
      active?.refusals.push('the step writes a texture');
      return orig.apply(this, a);
    },
  );
  wrap('GPUQueue', 'submit', (orig) =>
    function (this: unknown, ...a) {
      active?.events.push({ kind: 'submit' });
      return orig.apply(this, a);
    },
  );
  wrap('GPUCommandEncoder', 'copyBufferToBuffer', (orig) =>
    function (this: unknown, src, srcOffset, dst, dstOffset, size) {
      if (active) {
        // WebGPU also allows (src, dst, size?) with offsets 0.
        if (typeof srcOffset !== 'number') {
          active.events.push({ kind: 'copy', src: src as GPUBuffer, srcOffset: 0, dst: srcOffset as GPUBuffer, dstOffset: 0, size: (dst as number) ?? (src as GPUBuffer).size });
        } else {
          active.events.push({ kind: 'copy', src: src as GPUBuffer, srcOffset, dst: dst as GPUBuffer, dstOffset: dstOffset as number, size: size as number });
        }
      }
      return orig.call(this, src, srcOffset, dst, dstOffset, size);
    },
  );
  wrap('GPUCommandEncoder', 'clearBuffer', (orig) =>
    function (this: unknown, buffer, offset, size) {
      if (active) {
        const b = buffer as GPUBuffer;
        const o = (offset as number) ?? 0;
        active.events.push({ kind: 'clear', buffer: b, offset: o, size: (size as number) ?? b.size - o });
      }
      return orig.call(this, buffer, offset, size);
    },
  );
  for (const name of ['copyBufferToTexture', 'copyTextureToBuffer', 'copyTextureToTexture', 'resolveQuerySet', 'beginRenderPass']) {
    wrap('GPUCommandEncoder', name, (orig) =>
      function (this: unknown, ...a) {
        active?.refusals.push(`the step calls GPUCommandEncoder.${name}, which a step graph does not record`);
        return orig.apply(this, a);
      },
    );
  }
  wrap('GPUCommandEncoder', 'beginComputePass', (orig) =>
    function (this: unknown, desc) {
      if (active && (desc as GPUComputePassDescriptor | undefined)?.timestampWrites) active.refusals.push('a compute pass writes timestamps (tf.time/profile during capture)');
      const pass = orig.call(this, desc) as GPUComputePassEncoder & { __lemma?: PassState };
      if (active) pass.__lemma = { pipeline: null, groups: [] };
      return pass;
    },
  );
  wrap('GPUComputePassEncoder', 'setPipeline', (orig) =>
    function (this: unknown, p) {
      const st = (this as { __lemma?: PassState }).__lemma;
      if (st) st.pipeline = p as GPUComputePipeline;
      return orig.call(this, p);
    },
  );
  wrap('GPUComputePassEncoder', 'setBindGroup', (orig) =>
    function (this: unknown, index, group, ...rest) {
      const st = (this as { __lemma?: PassState }).__lemma;
      if (st) {
        if (rest.length && (rest[0] as ArrayLike<number> | undefined)?.length) active?.refusals.push('a bind group is set with dynamic offsets');
        st.groups[index as number] = (group as GPUBindGroup) ?? null;
      }
      return orig.call(this, index, group, ...rest);
    },
  );
  wrap('GPUComputePassEncoder', 'dispatchWorkgroups', (orig) =>
    function (this: unknown, x, y, z) {
      const st = (this as { __lemma?: PassState }).__lemma;
      if (st && active) {
        if (!st.pipeline) active.refusals.push('a dispatch without a pipeline');
        active.events.push({ kind: 'dispatch', pipeline: st.pipeline!, groups: [...st.groups], x: x as number, y: (y as number) ?? 1, z: (z as number) ?? 1 });
      } else if (active) {
        active.refusals.push('a dispatch on a compute pass begun before the capture started');
      }
      return orig.call(this, x, y, z);
    },
  );
  wrap('GPUComputePassEncoder', 'dispatchWorkgroupsIndirect', (orig) =>
    function (this: unknown, ...a) {
      active?.refusals.push('an indirect dispatch');
      return orig.apply(this, a);
    },
  );
  installed = true;
  return true;
}

interface PassState {
  pipeline: GPUComputePipeline | null;
  groups: (GPUBindGroup | null)[];
}

/** Starts recording into a fresh {@link Recording}; only one capture may be active. */
export function startRecording(): Recording {
  if (!installRecorder()) throw new Error('step graph: WebGPU globals (GPUDevice, GPUQueue, ...) are not available');
  if (active) throw new Error('step graph: a capture is already in progress (captures do not nest)');
  active = { events: [], acquired: new Set(), released: new Set(), refusals: [] };
  return active;
}

/** Stops the active recording. */
export function stopRecording(): void {
  active = null;
}

/** The recording in progress, if any. */
export function activeRecording(): Recording | null {
  return active;
}
