/** Float64 reference forward pass and vector-Jacobian product of coefficient-parameterised networks. */
import { expectInteger, invalidArgument } from '@lemma/gpu-kernels/validate';
import { biasVectorOf } from './bias';
import { type EquivariantLayer, type EquivariantNetwork, checkLayer, checkNetwork, maskedCoeffsOf, outputWidth } from './network';

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
  const nz = nonzeroCoeffs(layer);
  const nnz = basis.elements.map((e) => e.values.length);
  // y_b = Σ_(a,k) α_bak E_k x_a (the Kronecker form, notes §1 [C]) in whichever order costs fewer flops: applying each
  // used E_k to its input copies first (z_ak = E_k x_a, then dense sums), or summing the input copies first
  // (w_bk = Σ_a α_bak x_a, then E_k w_bk). A wide pruned layer (many input copies, few outputs) favours the second.
  let costInputFirst = nz.alpha.length * dOut;
  for (let s = 0; s < nz.slotK.length; s++) costInputFirst += nnz[nz.slotK[s]!]!;
  let costOutputFirst = nz.alpha.length * dIn;
  for (let p = 0; p < nz.pairK.length; p++) costOutputFirst += nnz[nz.pairK[p]!]!;
  const outputFirst = costOutputFirst < costInputFirst;
  // In chunks of samples laid out sample-innermost, so the inner loops run over the chunk.
  const chunk = Math.min(CHUNK, batch);
  const xt = new Float64Array(cIn * dIn * chunk);
  const z = new Float64Array((outputFirst ? nz.pairK.length * dIn : nz.slotA.length * dOut) * chunk);
  const yt = new Float64Array(cOut * dOut * chunk);
  const y = new Float64Array(batch * cOut * dOut);
  for (let n0 = 0; n0 < batch; n0 += chunk) {
    const nb = Math.min(chunk, batch - n0);
    toSampleInner(x, n0, nb, cIn * dIn, xt);
    z.fill(0);
    yt.fill(0);
    if (outputFirst) {
      for (let t = 0; t < nz.alpha.length; t++) {
        const alpha = nz.alpha[t]!;
        const zo = nz.pair[t]! * dIn * nb;
        const xo = nz.a[t]! * dIn * nb;
        for (let i = 0; i < dIn * nb; i++) z[zo + i]! += alpha * xt[xo + i]!;
      }
      for (let p = 0; p < nz.pairK.length; p++) {
        const { rowIdx, colIdx, values } = basis.elements[nz.pairK[p]!]!;
        const yo = nz.pairB[p]! * dOut;
        for (let e = 0; e < values.length; e++) {
          const v = values[e]!;
          const yoe = (yo + rowIdx[e]!) * nb;
          const zoe = (p * dIn + colIdx[e]!) * nb;
          for (let r = 0; r < nb; r++) yt[yoe + r]! += v * z[zoe + r]!;
        }
      }
    } else {
      for (let s = 0; s < nz.slotA.length; s++) {
        const { rowIdx, colIdx, values } = basis.elements[nz.slotK[s]!]!;
        const xo = nz.slotA[s]! * dIn;
        for (let e = 0; e < values.length; e++) {
          const v = values[e]!;
          const zo = (s * dOut + rowIdx[e]!) * nb;
          const xoe = (xo + colIdx[e]!) * nb;
          for (let r = 0; r < nb; r++) z[zo + r]! += v * xt[xoe + r]!;
        }
      }
      for (let t = 0; t < nz.alpha.length; t++) {
        const alpha = nz.alpha[t]!;
        const yo = nz.b[t]! * dOut * nb;
        const zo = nz.slot[t]! * dOut * nb;
        for (let i = 0; i < dOut * nb; i++) yt[yo + i]! += alpha * z[zo + i]!;
      }
    }
    fromSampleInner(yt, n0, nb, cOut * dOut, y);
  }
  const bv = biasVectorOf(layer);
  if (bv) for (let n = 0; n < batch; n++) for (let i = 0; i < bv.length; i++) y[n * bv.length + i]! += bv[i]!;
  return y;
}

/**
 * A layer's nonzero (masked) coefficients as (output copy b, input copy a, value), indexed two ways: by slot, one per
 * (input copy a, basis element k) that some coefficient uses, and by pair, one per (output copy b, basis element k).
 * Pruned networks keep few of their cIn·cOut·|B| coefficients.
 */
function nonzeroCoeffs(layer: EquivariantLayer): {
  b: Int32Array;
  a: Int32Array;
  alpha: Float64Array;
  slot: Int32Array;
  slotA: Int32Array;
  slotK: Int32Array;
  pair: Int32Array;
  pairB: Int32Array;
  pairK: Int32Array;
} {
  const { cIn, cOut } = layer;
  const K = layer.basis.elements.length;
  const c = maskedCoeffsOf(layer);
  // Sized for every coefficient, then cut to the count: this runs once per layer per call (per graph for the MPNN).
  const size = c.length;
  const nb = new Int32Array(size);
  const na = new Int32Array(size);
  const alpha = new Float64Array(size);
  const slot = new Int32Array(size);
  const pair = new Int32Array(size);
  const slotOf = new Int32Array(cIn * K).fill(-1);
  const pairOf = new Int32Array(cOut * K).fill(-1);
  const slotA = new Int32Array(Math.min(size, cIn * K));
  const slotK = new Int32Array(slotA.length);
  const pairB = new Int32Array(Math.min(size, cOut * K));
  const pairK = new Int32Array(pairB.length);
  let t = 0;
  let slots = 0;
  let pairs = 0;
  // Coefficients are laid out [cOut][cIn][K].
  for (let b = 0, i = 0; b < cOut; b++) {
    for (let a = 0; a < cIn; a++) {
      for (let k = 0; k < K; k++, i++) {
        const v = c[i]!;
        if (v === 0) continue;
        const ak = a * K + k;
        if (slotOf[ak] === -1) {
          slotOf[ak] = slots;
          slotA[slots] = a;
          slotK[slots++] = k;
        }
        const bk = b * K + k;
        if (pairOf[bk] === -1) {
          pairOf[bk] = pairs;
          pairB[pairs] = b;
          pairK[pairs++] = k;
        }
        nb[t] = b;
        na[t] = a;
        alpha[t] = v;
        slot[t] = slotOf[ak]!;
        pair[t++] = pairOf[bk]!;
      }
    }
  }
  return {
    b: nb.subarray(0, t),
    a: na.subarray(0, t),
    alpha: alpha.subarray(0, t),
    slot: slot.subarray(0, t),
    pair: pair.subarray(0, t),
    slotA: slotA.subarray(0, slots),
    slotK: slotK.subarray(0, slots),
    pairB: pairB.subarray(0, pairs),
    pairK: pairK.subarray(0, pairs),
  };
}

/** Samples per chunk of the forward and VJP loops. */
const CHUNK = 64;

/** Rows n0..n0+nb of a row-major [batch, width] array into `out` laid out [width, nb] (the sample innermost). */
function toSampleInner(x: Float64Array, n0: number, nb: number, width: number, out: Float64Array): void {
  for (let r = 0; r < nb; r++) for (let f = 0; f < width; f++) out[f * nb + r] = x[(n0 + r) * width + f]!;
}

/** The inverse of {@link toSampleInner}: `t` laid out [width, nb] into rows n0..n0+nb of `y`. */
function fromSampleInner(t: Float64Array, n0: number, nb: number, width: number, y: Float64Array): void {
  for (let r = 0; r < nb; r++) for (let f = 0; f < width; f++) y[(n0 + r) * width + f] = t[f * nb + r]!;
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
    const nz = nonzeroCoeffs(net.layers[i]!);
    const gx = new Float64Array(batch * cIn * dIn);
    // The adjoint of the forward's factoring: w_ak = Σ_b α_bak g_b, then gx_a += E_kᵀ w_ak.
    const chunk = Math.min(CHUNK, batch);
    const gt = new Float64Array(cOut * dOut * chunk);
    const w = new Float64Array(nz.slotA.length * dOut * chunk);
    const gxt = new Float64Array(cIn * dIn * chunk);
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const nb = Math.min(chunk, batch - n0);
      toSampleInner(g, n0, nb, cOut * dOut, gt);
      w.fill(0);
      gxt.fill(0);
      for (let t = 0; t < nz.alpha.length; t++) {
        const alpha = nz.alpha[t]!;
        const go = nz.b[t]! * dOut * nb;
        const wo = nz.slot[t]! * dOut * nb;
        for (let j = 0; j < dOut * nb; j++) w[wo + j]! += alpha * gt[go + j]!;
      }
      for (let s = 0; s < nz.slotA.length; s++) {
        const { rowIdx, colIdx, values } = basis.elements[nz.slotK[s]!]!;
        const xo = nz.slotA[s]! * dIn;
        for (let e = 0; e < values.length; e++) {
          const v = values[e]!;
          const wo = (s * dOut + rowIdx[e]!) * nb;
          const xoe = (xo + colIdx[e]!) * nb;
          for (let r = 0; r < nb; r++) gxt[xoe + r]! += v * w[wo + r]!;
        }
      }
      fromSampleInner(gxt, n0, nb, cIn * dIn, gx);
    }
    g = gx;
  }
  return g;
}
