/** Equivariance of a network, measured in float64: ‖f(g x) - g f(x)‖ over group elements. */
import { networkForwardF64 } from './forward-f64';
import type { PermAction } from './groups';
import type { EquivariantNetwork } from './network';
import type { Permutation } from './permutation';

/** Applies a group element (a permutation of one copy's indices) to every copy of every batch row. */
export function actOnBatch(g: Permutation, x: Float64Array, batch: number, copies: number): Float64Array {
  const d = g.length;
  if (x.length !== batch * copies * d) throw new Error(`actOnBatch: x must have length batch·copies·dim = ${batch * copies * d}, got ${x.length}`);
  const out = new Float64Array(x.length);
  for (let r = 0; r < batch * copies; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) out[o + g[i]!] = x[o + i]!;
  }
  return out;
}

/**
 * Largest ‖f(g x) - g f(x)‖_inf over the group elements (all of them when there are at most
 * `maxElements`, else the generators) and the batch, in float64.
 */
export function equivarianceErrorF64(
  net: EquivariantNetwork,
  actionIn: PermAction,
  actionOut: PermAction,
  x: Float64Array,
  batch: number,
  maxElements = 64,
): number {
  const cIn = net.layers[0]!.cIn;
  const cOut = net.layers[net.layers.length - 1]!.cOut;
  let pairs: [Permutation, Permutation][];
  try {
    pairs = groupElementPairs(actionIn, actionOut, maxElements);
  } catch {
    pairs = actionIn.generators.map((g, i) => [g, actionOut.generators[i]!]);
  }
  const fx = networkForwardF64(net, x, batch);
  let worst = 0;
  for (const [gi, go] of pairs) {
    const fgx = networkForwardF64(net, actOnBatch(gi, x, batch, cIn), batch);
    const gfx = actOnBatch(go, fx, batch, cOut);
    for (let i = 0; i < fgx.length; i++) worst = Math.max(worst, Math.abs(fgx[i]! - gfx[i]!));
  }
  return worst;
}

/**
 * Every group element as a pair (its permutation on actionIn, its permutation on actionOut), found as
 * the closure of the generator pairs (keyed on both, so a non-faithful side cannot merge elements).
 */
export function groupElementPairs(actionIn: PermAction, actionOut: PermAction, maxElements = 64): [Permutation, Permutation][] {
  const nG = actionIn.generators.length;
  const compose = (a: Permutation, b: Permutation): Permutation => {
    const out = new Int32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[b[i]!]!;
    return out;
  };
  const key = (p: Permutation, q: Permutation): string => `${Array.prototype.join.call(p, ',')}|${Array.prototype.join.call(q, ',')}`;
  const idIn = Int32Array.from({ length: actionIn.dim }, (_, i) => i);
  const idOut = Int32Array.from({ length: actionOut.dim }, (_, i) => i);
  const seen = new Set<string>([key(idIn, idOut)]);
  const out: [Permutation, Permutation][] = [[idIn, idOut]];
  const queue: [Permutation, Permutation][] = [[idIn, idOut]];
  while (queue.length > 0) {
    const [pi, po] = queue.pop()!;
    for (let g = 0; g < nG; g++) {
      const qi = compose(actionIn.generators[g]!, pi);
      const qo = compose(actionOut.generators[g]!, po);
      const k = key(qi, qo);
      if (!seen.has(k)) {
        if (seen.size >= maxElements) throw new Error(`groupElementPairs: more than maxElements = ${maxElements} elements`);
        seen.add(k);
        out.push([qi, qo]);
        queue.push([qi, qo]);
      }
    }
  }
  return out;
}
