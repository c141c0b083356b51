/** Float64 reference forward pass and vector-Jacobian product of coefficient-parameterised networks. */
import { expectInteger, invalidArgument } from '@lemma/gpu-kernels/validate';
import { biasVectorOf } from './bias';
import { type EquivariantLayer, type EquivariantNetwork, checkLayer, checkNetwork, maskedCoeffsOf, outputWidth } from './network';
import { sparseMatTVecAdd, sparseMatVecAdd } from './sparse';

/** Float64 reference of one layer on a batch (row-major batch x cIn·dIn). */
export function layerForwardF64(layer: EquivariantLayer, x: Float64Array, batch: number): Float64Array {
  checkLayer('layerForwardF64: layer', layer);
  checkBatch('layerForwardF64', batch);
  checkInput('layerForwardF64', 'x', x, batch * layer.cIn * layer.basis.dIn, 'batch·cIn·dIn');
  return layerForwardUnchecked('layerForwardF64', layer, x, batch);
}

function checkBatch(where: string, batch: number): void {
  expectInteger(where, 'batch', batch);
}

/** Throws unless `x` is a finite array of length `want` (NaN would flow through every layer into the output). */
export function checkInput(where: string, arg: string, x: unknown, want: number, what: string): void {
  if (!(Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView)))) throw invalidArgument(where, arg, `a Float64Array of length ${what} = ${want}`, x, 'type');
  const a = x as ArrayLike<number>;
  if (a.length !== want) throw new Error(`${where}: ${arg} must have length ${what} = ${want}, got ${a.length}`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) throw new Error(`${where}: ${arg} must be finite, got ${a[i]} at index ${i}`);
}

function layerForwardUnchecked(where: string, layer: EquivariantLayer, x: Float64Array, batch: number): Float64Array {
  const { basis, cIn, cOut } = layer;
  const { dIn, dOut } = basis;
  if (x.length !== batch * cIn * dIn) throw new Error(`${where}: x must have length batch·cIn·dIn = ${batch * cIn * dIn}, got ${x.length}`);
  const K = basis.elements.length;
  const c = maskedCoeffsOf(layer);
  const y = new Float64Array(batch * cOut * dOut);
  for (let n = 0; n < batch; n++) {
    for (let b = 0; b < cOut; b++) {
      for (let a = 0; a < cIn; a++) {
        for (let k = 0; k < K; k++) {
          const alpha = c[(b * cIn + a) * K + k]!;
          if (alpha === 0) continue;
          sparseMatVecAdd(basis.elements[k]!, alpha, x, (n * cIn + a) * dIn, y, (n * cOut + b) * dOut);
        }
      }
    }
  }
  const bv = biasVectorOf(layer);
  if (bv) for (let n = 0; n < batch; n++) for (let i = 0; i < bv.length; i++) y[n * bv.length + i]! += bv[i]!;
  return y;
}

/** In-place ReLU. */
export function reluInPlace(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) if (x[i]! < 0) x[i] = 0;
  return x;
}

/** Float64 reference forward of a network (ReLU between layers). */
export function networkForwardF64(net: EquivariantNetwork, x: Float64Array, batch: number): Float64Array {
  checkNetwork('networkForwardF64: net', net);
  checkBatch('networkForwardF64', batch);
  checkInput('networkForwardF64', 'x', x, batch * net.layers[0]!.cIn * net.layers[0]!.basis.dIn, 'batch·cIn·dIn');
  let h = x;
  net.layers.forEach((l, i) => {
    h = layerForwardUnchecked('networkForwardF64', l, h, batch);
    if (i < net.layers.length - 1) reluInPlace(h);
  });
  return h;
}

/**
 * Vector-Jacobian product of a network in float64: Jᵀ v with J = ∂f/∂x at x (row-major batch x input width; v is
 * batch x output width). ReLU's derivative at 0 is taken as 0. Biases do not enter (they are constant in x).
 */
export function networkVjpF64(net: EquivariantNetwork, x: Float64Array, batch: number, v: Float64Array): Float64Array {
  checkNetwork('networkVjpF64: net', net);
  checkBatch('networkVjpF64', batch);
  checkInput('networkVjpF64', 'x', x, batch * net.layers[0]!.cIn * net.layers[0]!.basis.dIn, 'batch·cIn·dIn');
  checkInput('networkVjpF64', 'v', v, batch * outputWidth(net), 'batch·output width');
  const pre: Float64Array[] = [];
  let h = x;
  net.layers.forEach((l, i) => {
    const z = layerForwardUnchecked('networkVjpF64', l, h, batch);
    pre.push(z);
    h = i < net.layers.length - 1 ? reluInPlace(Float64Array.from(z)) : z;
  });
  let g = Float64Array.from(v);
  for (let i = net.layers.length - 1; i >= 0; i--) {
    if (i < net.layers.length - 1) {
      const z = pre[i]!;
      for (let t = 0; t < g.length; t++) if (!(z[t]! > 0)) g[t] = 0;
    }
    const { basis, cIn, cOut } = net.layers[i]!;
    const { dIn, dOut } = basis;
    const K = basis.elements.length;
    const c = maskedCoeffsOf(net.layers[i]!);
    const gx = new Float64Array(batch * cIn * dIn);
    for (let n = 0; n < batch; n++) {
      for (let b = 0; b < cOut; b++) {
        for (let a = 0; a < cIn; a++) {
          for (let k = 0; k < K; k++) {
            const alpha = c[(b * cIn + a) * K + k]!;
            if (alpha !== 0) sparseMatTVecAdd(basis.elements[k]!, alpha, g, (n * cOut + b) * dOut, gx, (n * cIn + a) * dIn);
          }
        }
      }
    }
    g = gx;
  }
  return g;
}
