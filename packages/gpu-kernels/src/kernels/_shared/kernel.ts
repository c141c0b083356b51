import * as tf from '@tensorflow/tfjs-core';
import type { GradFunc, KernelBackend, KernelFunc, NamedAttrMap, NamedTensorMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * A kernel of tfjs's registry with the types of its inputs and attributes, defined once per op in the op's
 * `kernel.ts` and shared by the op (`runKernel`), each backend (`registerOp`) and the gradient
 * (`registerOpGradient`). `I` maps input names to `TensorInfo` (a `tf.Tensor` is one), `A` is a plain object.
 */
export interface KernelDef<I extends object, A extends object> {
  readonly name: string;
  /** Type carrier only (never set). */
  readonly types?: { inputs: I; attrs: A };
}

/** The attributes of a kernel that has none. */
export type NoAttrs = Record<never, never>;

/** The inputs of a kernel that has none (e.g. a random tensor). */
export type NoInputs = Record<never, never>;

/** The kernel `name` with inputs `I` and attributes `A`. */
export function defineKernel<I extends object, A extends object = NoAttrs>(name: string): KernelDef<I, A> {
  return { name };
}

/** What a backend's implementation of a kernel receives: typed inputs and attributes, and the backend. */
export interface KernelArgs<I, A> {
  inputs: I;
  attrs: A;
  backend: KernelBackend;
}

/** One backend's implementation of a kernel. */
export type KernelImpl<I, A> = (args: KernelArgs<I, A>) => TensorInfo | TensorInfo[];

/**
 * The gradient of a kernel: the inputs it saves (in order), which of its outputs it saves after them (tfjs's
 * `outputsToSave`, e.g. a reduction whose gradient reuses its result) and, per input, a thunk for its gradient.
 */
export interface KernelGradient<I extends object, A extends object> {
  inputsToSave: (keyof I & string)[];
  outputsToSave?: boolean[];
  gradFunc(dy: Tensor, saved: Tensor[], attrs: A): { [K in keyof I]?: () => Tensor };
}

// The bridges between the typed contract and tfjs's untyped maps: the only casts of inputs and attrs in
// gpu-kernels. They are sound because tfjs hands `inputs` and `attrs` from runKernel to the kernel function and
// the gradient unchanged, and every call site is typed by the same KernelDef.

/** A typed implementation as tfjs's `KernelFunc`. */
export function toKernelFunc<I extends object, A extends object>(impl: KernelImpl<I, A>): KernelFunc {
  return impl as unknown as KernelFunc;
}

/** A typed gradient as tfjs's `GradFunc`. */
export function toGradFunc<I extends object, A extends object>(grad: KernelGradient<I, A>): GradFunc {
  return (dy, saved, attrs: NamedAttrMap) => grad.gradFunc(dy as Tensor, saved, attrs as unknown as A) as ReturnType<GradFunc>;
}

function untyped<T extends object>(inputs: object): T {
  return inputs as T;
}

/** The op-side form of a kernel's inputs: the same names, each a tensor. */
export type KernelTensors<I> = { [K in keyof I]: undefined extends I[K] ? Tensor | undefined : Tensor };

/**
 * Runs `kernel` through tfjs's registry on the active backend (so tf.profile, the gradient tape and every
 * registered backend see it) and returns its output as the op declares it (`O`: one tensor, or a tuple).
 */
export function runKernel<I extends object, A extends object, O extends tf.Tensor | tf.Tensor[] = tf.Tensor>(kernel: KernelDef<I, A>, inputs: KernelTensors<I>, attrs: A): O {
  return tf.engine().runKernel(kernel.name, untyped<NamedTensorMap>(inputs), untyped<NamedAttrMap>(attrs)) as O;
}
