/** Float64 reference forward pass and vector-Jacobian product of coefficient-parameterised networks. */
import { layerBiasVector } from './bias';
import { type EquivariantLayer, type EquivariantNetwork, checkLayer, checkNetwork, maskedCoeffs, outputSize } from './network';
import { sparseMatTVecAdd, sparseMatVecAdd } from './sparse';

/** Float64 reference of one layer on a batch (row-major batch x cIn·dIn). */
export function layerForwardF64(layer: EquivariantLayer, x: Float64Array, batch: number): Float64Array {
  checkLayer('layerForwardF64: layer', layer);
  checkBatch('layerForwardF64', batch);
  return layerForwardUnchecked('layerForwardF64', layer, x, batch);
}

function checkBatch(where: string, batch: number): void {
  if (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 0) throw new Error(`${where}: batch must be a non-negative integer, got ${String(batch)}`);
}

function layerForwardUnchecked(where: string, layer: EquivariantLayer, x: Float64Array, batch: number): Float64Array {
  const { basis, cIn, cOut } = layer;
  const { dIn, dOut } = basis;
  if (x.length !== batch * cIn * dIn) throw new Error(`${where}: x must have length batch·cIn·dIn = ${batch * cIn * dIn}, got ${x.length}`);
  const K = basis.elements.length;
  const c = maskedCoeffs(layer);
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
  const bv = layerBiasVector(layer);
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
  if (v.length !== batch * outputSize(net)) throw new Error(`networkVjpF64: v must have length batch·output width = ${batch * outputSize(net)}, got ${v.length}`);
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
    const c = maskedCoeffs(net.layers[i]!);
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
