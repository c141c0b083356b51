import * as tf from '@tensorflow/tfjs-core';
import { expectInteger, expectOptions } from '../validate';
import { kLayerVariables, validateInit, validateK } from './k-params';
import type { KInit } from './k-params';
import { kMatMulBias } from './k-mlp';
import type { KLinear } from './k-mlp';

/** Options of {@link kConv2d}. */
export interface KConv2dOptions {
  /** Stride in both spatial dimensions. Default 1. */
  stride?: number;
  /** TensorFlow padding: 'same' (output ceil(H / stride)) or 'valid'. Default 'same'. Circular padding: pad first, then 'valid'. */
  padding?: 'same' | 'valid';
  /** Fused nonlinearity after the bias. Default 'linear'. */
  activation?: 'linear' | 'relu';
}

/** Options of {@link kConv2dVariables}. */
export interface KConv2dVariablesOptions {
  K: number;
  /** One seed per model. */
  seeds: number[];
  kernelSize: number;
  inChannels: number;
  outChannels: number;
  /** Layer index l of the network: the weight draws Philox stream 2l and the bias stream 2l + 1. */
  layer: number;
  /** Default 'torch' (U(±1/sqrt(k·k·inChannels)), PyTorch's nn.Conv2d default). */
  init?: KInit;
}

/**
 * Variables of one convolution layer of K models: w [K, k, k, inChannels, outChannels], b [K, outChannels], slice k
 * drawn from model k's seed exactly as a lone model (K = 1) with that seed draws it.
 */
export function kConv2dVariables(opts: KConv2dVariablesOptions): KLinear {
  const op = 'kConv2dVariables';
  expectOptions(op, 'options', opts, ['K', 'seeds', 'kernelSize', 'inChannels', 'outChannels', 'layer', 'init']);
  const { K, seeds, kernelSize, inChannels, outChannels, layer, init = 'torch' } = opts;
  validateK(op, K, seeds);
  expectInteger(op, 'kernelSize', kernelSize, { min: 1 });
  expectInteger(op, 'inChannels', inChannels, { min: 1 });
  expectInteger(op, 'outChannels', outChannels, { min: 1 });
  expectInteger(op, 'layer', layer);
  validateInit(op, init);
  return kLayerVariables(seeds, layer, [kernelSize, kernelSize, inChannels, outChannels], [outChannels], kernelSize * kernelSize * inChannels, init);
}

/** Output size and leading padding of one spatial dimension under TensorFlow's padding rules. */
function outAndPad(n: number, k: number, s: number, padding: 'same' | 'valid'): { out: number; before: number; after: number } {
  if (padding === 'valid') return { out: Math.max(0, Math.ceil((n - k + 1) / s)), before: 0, after: 0 };
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + k - n, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/**
 * 2-D convolution of K models at once (NHWC): x is shared [B, H, W, Cin] or per model [K, B, H, W, Cin], w is
 * [K, k, k, Cin, Cout], b is [K, Cout]; the result is [K, B, Ho, Wo, Cout]. It gathers the k·k shifted views of
 * x into patches (im2col) and runs one batched matmul [K, B·Ho·Wo, k·k·Cin] x [K, k·k·Cin, Cout], so each model
 * does exactly its own FLOPs; gradients flow through tfjs' slice, concat and matmul gradients.
 *
 * @example
 * const { w, b } = kConv2dVariables({ K: 8, seeds, kernelSize: 3, inChannels: 1, outChannels: 16, layer: 0 });
 * const h = kConv2d(images, w, b, { activation: 'relu' }); // [8, B, 28, 28, 16]
 */
export function kConv2d(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, opts: KConv2dOptions = {}): tf.Tensor5D {
  const op = 'kConv2d';
  expectOptions(op, 'options', opts, ['stride', 'padding', 'activation']);
  const { stride = 1, padding = 'same', activation = 'linear' } = opts;
  expectInteger(op, 'stride', stride, { min: 1 });
  if (padding !== 'same' && padding !== 'valid') throw new Error(`${op}: padding must be 'same' or 'valid', got ${String(padding)}`);
  if (activation !== 'linear' && activation !== 'relu') throw new Error(`${op}: activation must be 'linear' or 'relu', got ${String(activation)}`);
  if (!(w instanceof tf.Tensor) || w.rank !== 5 || w.shape[1] !== w.shape[2]) throw new Error(`${op}: w must be [K, k, k, Cin, Cout], got ${w instanceof tf.Tensor ? `shape [${w.shape.join(', ')}]` : typeof w}`);
  const [K, k, , cin, cout] = w.shape as [number, number, number, number, number];
  if (!(b instanceof tf.Tensor) || b.rank !== 2 || b.shape[0] !== K || b.shape[1] !== cout) throw new Error(`${op}: b must be [${K}, ${cout}], got ${b instanceof tf.Tensor ? `shape [${b.shape.join(', ')}]` : typeof b}`);
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32') throw new Error(`${op}: x must be a float32 tensor, got ${x instanceof tf.Tensor ? x.dtype : typeof x}`);
  const shared = x.rank === 4 && x.shape[3] === cin;
  if (!shared && !(x.rank === 5 && x.shape[0] === K && x.shape[4] === cin)) {
    throw new Error(`${op}: x must be [B, H, W, ${cin}] (shared by the models) or [${K}, B, H, W, ${cin}] (one batch per model), got shape [${x.shape.join(', ')}]`);
  }
  const [Bn, H, W] = (shared ? x.shape : x.shape.slice(1)) as [number, number, number, number];
  const kx = shared ? 1 : K;
  const hd = outAndPad(H, k, stride, padding);
  const wd = outAndPad(W, k, stride, padding);
  if (hd.out < 1 || wd.out < 1) throw new Error(`${op}: a ${k}x${k} 'valid' convolution needs H, W >= ${k}, got [${H}, ${W}]`);
  return tf.tidy(() => {
    // Pad so that every window start i + s·o (o < out) has s rows below it: the strided pick is a reshape.
    const extraH = Math.max(0, (hd.out - 1) * stride + k + (stride - 1) - (H + hd.before + hd.after));
    const extraW = Math.max(0, (wd.out - 1) * stride + k + (stride - 1) - (W + wd.before + wd.after));
    let xp = tf.reshape(x, [kx * Bn, H, W, cin]) as tf.Tensor4D;
    if (hd.before + hd.after + extraH + wd.before + wd.after + extraW > 0) {
      xp = tf.pad(xp, [[0, 0], [hd.before, hd.after + extraH], [wd.before, wd.after + extraW], [0, 0]]);
    }
    const views: tf.Tensor[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        if (stride === 1) {
          views.push(tf.slice(xp, [0, i, j, 0], [kx * Bn, hd.out, wd.out, cin]));
        } else {
          const win = tf.slice(xp, [0, i, j, 0], [kx * Bn, hd.out * stride, wd.out * stride, cin]);
          // Rank 4 throughout: tfjs-webgpu's slice/pad shaders do not compile for rank 6.
          const picked = tf.slice(tf.reshape(win, [kx * Bn * hd.out, stride, wd.out, stride * cin]), [0, 0, 0, 0], [kx * Bn * hd.out, 1, wd.out, cin]);
          views.push(tf.reshape(picked, [kx * Bn, hd.out, wd.out, cin]));
        }
      }
    }
    // Patch layout (i, j, c) matches w's [k, k, Cin] order.
    const patches = tf.reshape(views.length === 1 ? views[0]! : tf.concat(views, -1), [kx, Bn * hd.out * wd.out, k * k * cin]) as tf.Tensor3D;
    const y = kMatMulBias(patches, tf.reshape(w, [K, k * k * cin, cout]) as tf.Tensor3D, b, activation);
    return tf.reshape(y, [K, Bn, hd.out, wd.out, cout]) as tf.Tensor5D;
  });
}

/** Options of {@link kPool2d}. */
export interface KPool2dOptions {
  type: 'max' | 'avg';
  /** Window size. */
  size: number;
  /** Default `size`. */
  stride?: number;
  /** Default 'valid'. */
  padding?: 'same' | 'valid';
}

/** Max or average pooling of K models' feature maps [K, B, H, W, C] (models folded into the batch). */
export function kPool2d(x: tf.Tensor, opts: KPool2dOptions): tf.Tensor5D {
  const op = 'kPool2d';
  if (opts === null || typeof opts !== 'object') throw new Error(`${op}: options must be an object, got ${String(opts)}`);
  expectOptions(op, 'options', opts, ['type', 'size', 'stride', 'padding']);
  const { type, size, stride = size, padding = 'valid' } = opts;
  if (type !== 'max' && type !== 'avg') throw new Error(`${op}: type must be 'max' or 'avg', got ${String(type)}`);
  expectInteger(op, 'size', size, { min: 1 });
  expectInteger(op, 'stride', stride, { min: 1 });
  if (padding !== 'same' && padding !== 'valid') throw new Error(`${op}: padding must be 'same' or 'valid', got ${String(padding)}`);
  if (!(x instanceof tf.Tensor) || x.rank !== 5) throw new Error(`${op}: x must be [K, B, H, W, C], got ${x instanceof tf.Tensor ? `shape [${x.shape.join(', ')}]` : typeof x}`);
  const [K, Bn, H, W, C] = x.shape as [number, number, number, number, number];
  return tf.tidy(() => {
    const x4 = tf.reshape(x, [K * Bn, H, W, C]) as tf.Tensor4D;
    const y = type === 'max' ? tf.maxPool(x4, size, stride, padding) : tf.avgPool(x4, size, stride, padding);
    const [, Ho, Wo] = y.shape;
    return tf.reshape(y, [K, Bn, Ho, Wo, C]) as tf.Tensor5D;
  });
}
