/** Test helper: the float32-vs-float64 tolerance of the tensor forwards (tf-forward.test.ts, image-forward.test.ts). */
import { float32SumTolerance } from '@lemma/gpu-kernels/testing';
import { networkForwardF64 } from '../forward-f64';
import type { EquivariantNetwork } from '../network';

/** The same network with |coefficients|: its output on |x| bounds every partial sum (error scale). */
function absNet(net: EquivariantNetwork): EquivariantNetwork {
  return { layers: net.layers.map((l) => ({ ...l, bias: l.bias && { ...l.bias, coeffs: l.bias.coeffs.map(Math.abs), units: l.bias.units?.map(Math.abs) }, coeffs: l.coeffs.map(Math.abs), basis: { ...l.basis, elements: l.basis.elements.map((e) => ({ ...e, values: e.values.map(Math.abs) })) } })) };
}

/** float32 error bound: (terms summed) · u · 4 times the absolute network's output (holds through ReLU). */
export function tolerance(net: EquivariantNetwork, x: Float64Array, batch: number): number {
  const terms = net.layers.reduce((s, l) => s + l.cIn * l.basis.dIn * l.basis.elements.length + (l.bias ? l.bias.coeffs.length : 0), 0);
  const scale = networkForwardF64(absNet(net), x.map(Math.abs), batch).reduce((m, v) => Math.max(m, v), 0);
  return float32SumTolerance(terms) * scale + 1e-6;
}
