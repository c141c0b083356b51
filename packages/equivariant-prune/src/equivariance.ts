/** Equivariance of a network, measured in float64: ‖f(g x) - g f(x)‖ over group elements (notes §8 invariant 2; cf. escnn check_equivariance). */
import { expectInteger } from '@lemma/gpu-kernels/validate';
import { checkInput, networkForwardF64 } from './forward-f64';
import { type PermAction, assertSameGroup } from './groups';
import { type EquivariantNetwork, checkNetwork } from './network';
import { type Permutation, composeUnchecked, expectPermutation, MAX_ACTION_DIM } from './permutation';

/** Largest `maxElements` of {@link groupElementPairs} and {@link equivarianceErrorF64} (each element is two stored permutations). */
const MAX_PAIR_ELEMENTS = 1_000_000;

/** Applies a group element (a permutation of one copy's indices) to every copy of every batch row. */
export function actOnBatch(g: Permutation, x: Float64Array, batch: number, copies: number): Float64Array {
  expectPermutation('actOnBatch', 'g', g);
  expectInteger('actOnBatch', 'batch', batch);
  expectInteger('actOnBatch', 'copies', copies, { max: MAX_ACTION_DIM });
  if (!(Array.isArray(x) || ArrayBuffer.isView(x))) throw new TypeError(`actOnBatch: x must be a Float64Array of length batch·copies·dim = ${batch * copies * g.length}, got ${typeof x}`);
  return act(g, x, batch, copies);
}

function act(g: Permutation, x: Float64Array, batch: number, copies: number): Float64Array {
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
  const fn = 'equivarianceErrorF64';
  checkNetwork(`${fn}: net`, net);
  assertSameGroup(fn, actionIn, actionOut);
  expectInteger(fn, 'maxElements', maxElements, { min: 1, max: MAX_PAIR_ELEMENTS });
  const first = net.layers[0]!;
  const last = net.layers[net.layers.length - 1]!;
  if (actionIn.dim !== first.basis.dIn || actionOut.dim !== last.basis.dOut) {
    throw new Error(`${fn}: actionIn and actionOut must act on the network's copy spaces (dims ${first.basis.dIn} -> ${last.basis.dOut}), got dims ${actionIn.dim} -> ${actionOut.dim}`);
  }
  expectInteger(fn, 'batch', batch);
  checkInput(fn, 'x', x, batch * first.cIn * first.basis.dIn, 'batch·cIn·dIn');
  const cIn = first.cIn;
  const cOut = last.cOut;
  let pairs: [Permutation, Permutation][];
  try {
    pairs = elementPairs(actionIn, actionOut, maxElements);
  } catch (e) {
    if (!(e instanceof TooManyElements)) throw e;
    pairs = actionIn.generators.map((g, i) => [g, actionOut.generators[i]!]);
  }
  const fx = networkForwardF64(net, x, batch);
  let worst = 0;
  for (const [gi, go] of pairs) {
    const fgx = networkForwardF64(net, act(gi, x, batch, cIn), batch);
    const gfx = act(go, fx, batch, cOut);
    for (let i = 0; i < fgx.length; i++) worst = Math.max(worst, Math.abs(fgx[i]! - gfx[i]!));
  }
  return worst;
}

/**
 * Every group element as a pair (its permutation on actionIn, its permutation on actionOut), found as
 * the closure of the generator pairs (keyed on both, so a non-faithful side cannot merge elements).
 */
export function groupElementPairs(actionIn: PermAction, actionOut: PermAction, maxElements = 64): [Permutation, Permutation][] {
  assertSameGroup('groupElementPairs', actionIn, actionOut);
  expectInteger('groupElementPairs', 'maxElements', maxElements, { min: 1, max: MAX_PAIR_ELEMENTS });
  return elementPairs(actionIn, actionOut, maxElements);
}

/** Thrown when the closure passes maxElements (equivarianceErrorF64 then falls back on the generators). */
class TooManyElements extends RangeError {}

function elementPairs(actionIn: PermAction, actionOut: PermAction, maxElements: number): [Permutation, Permutation][] {
  const nG = actionIn.generators.length;
  const compose = composeUnchecked;
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
        if (seen.size >= maxElements) throw new TooManyElements(`groupElementPairs: more than maxElements = ${maxElements} elements`);
        seen.add(k);
        out.push([qi, qo]);
        queue.push([qi, qo]);
      }
    }
  }
  return out;
}
