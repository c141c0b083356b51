/**
 * The public contract between a step graph (see `captureStepGraph`) and code whose per-step host values
 * (an optimizer's step counter, a scheduled learning rate, bias corrections) would otherwise be frozen at
 * their captured values when the graph replays.
 */

/** What a replay hook may do before the graph's commands of one replay are encoded. */
export interface ReplayContext {
  /** How many replays ran before this one (0 for the first replay after capture). */
  readonly replay: number;
  /**
   * The buffer the graph uses in place of `captured`, a buffer that the captured step bound or wrote. Buffers
   * the step only borrowed (transient tfjs buffers, uniforms) are relocated into graph-owned copies; buffers
   * of tensors that outlive the step (variables) are used as they are and resolve to themselves.
   * @throws when `captured` was never used by the captured step.
   */
  resolve(captured: GPUBuffer): GPUBuffer;
  /**
   * Writes `data` at byte `offset` (a multiple of 4) into the graph's copy of `captured` before this
   * replay's commands run, and replaces whatever the captured step wrote there from the host, so the graph
   * does not also replay the captured bytes.
   */
  writeBuffer(captured: GPUBuffer, data: ArrayBuffer | ArrayBufferView, offset?: number): void;
}

/** A function run on the host before each replay of the graph that was being captured when it was registered. */
export type ReplayHook = (ctx: ReplayContext) => void;

/** The capture in progress, installed by the step-graph recorder; internal. */
export interface CaptureSink {
  addHook(hook: ReplayHook): void;
}

let sink: CaptureSink | null = null;

/** @internal Used by the recorder to start/stop receiving hooks. */
export function setCaptureSink(next: CaptureSink | null): void {
  sink = next;
}

/**
 * True while a step graph is being captured on the webgpu backend, i.e. while the commands a step records
 * will be replayed later without running the step's host code again. Code that writes host-computed values
 * into GPU buffers (uniforms, small storage buffers) must then register an {@link onReplay} hook that writes
 * the next step's values.
 */
export function isCapturing(): boolean {
  return sink !== null;
}

/**
 * Registers `hook` with the step graph being captured; outside a capture it does nothing (so callers need
 * not test {@link isCapturing} first).
 *
 * Contract:
 * - The hook belongs to the capture that was active when it was registered. A graph keeps only the hooks of
 *   the capture it was built from (captureStepGraph captures two steps and builds from the second; hooks of
 *   the first are dropped), and runs them, in registration order, before every replay, and never otherwise.
 * - The hook runs on the host before the replay's commands are encoded. It must compute the values of the
 *   step being replayed (e.g. advance the optimizer's own step counter then write its bias corrections) and
 *   write them with `ctx.writeBuffer(capturedBuffer, bytes)`, where `capturedBuffer` is the buffer the step
 *   wrote during capture (e.g. the uniform buffer it filled with `queue.writeBuffer`).
 * - It must not run tfjs ops, read back, or submit GPU work.
 * - A graph refuses to replay (throws before submitting anything) when the host wrote different bytes to a
 *   buffer in its two captured steps and no hook rewrote that buffer, since the replay would be wrong.
 *
 * @example
 * const ubuf = be.bufferManager.acquireBuffer(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
 * be.queue.writeBuffer(ubuf, 0, scalarsFor(this.step));
 * onReplay((ctx) => { this.step++; ctx.writeBuffer(ubuf, scalarsFor(this.step)); });
 */
export function onReplay(hook: ReplayHook): void {
  if (typeof hook !== 'function') throw new Error(`onReplay: hook must be a function, got ${typeof hook}`);
  sink?.addHook(hook);
}
