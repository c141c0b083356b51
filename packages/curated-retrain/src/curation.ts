/**
 * Curation operators on a flat array of candidate scores (rewards). They are different operators, not
 * implementations of one: only {@link luceSelect} realises the paper's per-group Luce choice (Algorithm 1).
 */
import type { Rng } from '@lemma/gpu-kernels';
import { describeType, expectArrayLike, expectInteger, expectRng } from '@lemma/gpu-kernels/validate';
import { checkBeta } from './curation-parameter-checks';

function checkScores(fn: string, scores: ArrayLike<number>): void {
  expectArrayLike(fn, 'scores', scores, { describe: describeType });
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) throw new Error(`${fn}: rewards must be finite, got ${scores[i]} at candidate ${i}`);
  }
}

function checkGroups(fn: string, scores: ArrayLike<number>, K: number): number {
  expectArrayLike(fn, 'scores', scores, { describe: describeType });
  expectInteger(fn, 'K', K, { min: 1, max: Infinity, expected: 'an integer >= 1', describe: describeType });
  if (scores.length % K !== 0) throw new Error(`${fn}: scores must hold whole groups of K=${K} candidates, got length ${scores.length}`);
  return scores.length / K;
}

/** How {@link luceSelect} draws each group's winner; both are exactly the Luce choice P(k) ∝ e^{βr_k}. */
export type LuceSampler = 'gumbel' | 'inverse-cdf';

/**
 * Algorithm 1's Luce choice: candidates come in consecutive groups of K; from each group pick one with
 * P(k) = e^{βr_k}/Σ_j e^{βr_j}. `gumbel` (default): k* = argmax_k (β r_k + G_k), G_k ~ Gumbel(0,1) i.i.d. (the
 * Gumbel-max trick, standard; notes §1, the same construction as the tensor path); `inverse-cdf`: one uniform per group against the
 * group's softmax, K times fewer random numbers (about 4x faster on the CPU). Returns each winner's flat index.
 */
export function luceSelect(scores: ArrayLike<number>, K: number, rng: Rng, beta = 1, sampler: LuceSampler = 'gumbel'): Int32Array {
  const fn = 'luceSelect';
  const G = checkGroups(fn, scores, K);
  checkBeta(fn, beta);
  checkScores(fn, scores);
  expectRng(fn, 'rng', rng, { describe: describeType });
  if (sampler !== 'gumbel' && sampler !== 'inverse-cdf') throw new Error(`${fn}: sampler must be 'gumbel' or 'inverse-cdf', got ${String(sampler)}`);
  const out = new Int32Array(G);
  if (sampler === 'inverse-cdf') {
    // K is at most the pool size here (G >= 1), or there is nothing to draw: no K-sized buffer for an empty pool.
    const w = new Float64Array(G === 0 ? 0 : K);
    for (let g = 0; g < G; g++) {
      const o = g * K;
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, beta * scores[o + k]!);
      let tot = 0;
      for (let k = 0; k < K; k++) tot += w[k] = Math.exp(beta * scores[o + k]! - m); // shifted: no overflow
      let u = rng.uniform() * tot;
      let k = 0;
      while (k < K - 1 && (u -= w[k]!) > 0) k++;
      out[g] = o + k;
    }
    return out;
  }
  for (let g = 0; g < G; g++) {
    let best = -Infinity;
    let arg = g * K;
    for (let k = g * K; k < (g + 1) * K; k++) {
      const v = beta * scores[k]! + rng.gumbel();
      if (v > best) {
        best = v;
        arg = k;
      }
    }
    out[g] = arg;
  }
  return out;
}

/** Hard best-of-K (β -> ∞): the highest-reward candidate of each consecutive group of K (ties: the first). Ours, not the paper's. */
export function bestOfKSelect(scores: ArrayLike<number>, K: number): Int32Array {
  const fn = 'bestOfKSelect';
  const G = checkGroups(fn, scores, K);
  checkScores(fn, scores);
  const out = new Int32Array(G);
  for (let g = 0; g < G; g++) {
    let arg = g * K;
    for (let k = g * K + 1; k < (g + 1) * K; k++) if (scores[k]! > scores[arg]!) arg = k;
    out[g] = arg;
  }
  return out;
}

/**
 * "Score one pool, sample globally": draws `m` distinct candidates from the whole pool with sequential
 * probabilities ∝ e^{β r} without replacement (Gumbel-top-m). This is Wei-0125/Adversarial-Curation's Gaussian-8 filter (notes §5); it is
 * NOT Ferbach et al.'s operator: as m approaches the pool size it keeps almost everything, and its population
 * limit is not p·H^K.
 */
export function globalSoftmaxSelect(scores: ArrayLike<number>, m: number, rng: Rng, beta = 1): Int32Array {
  const fn = 'globalSoftmaxSelect';
  expectArrayLike(fn, 'scores', scores, { describe: describeType });
  expectInteger(fn, 'm', m, { min: 0, max: Infinity, expected: 'an integer >= 0', describe: describeType });
  expectRng(fn, 'rng', rng, { describe: describeType });
  if (m > scores.length) throw new Error(`${fn}: m must be <= the pool size ${scores.length}, got ${m}`);
  checkBeta(fn, beta);
  checkScores(fn, scores);
  const keys = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) keys[i] = beta * scores[i]! + rng.gumbel();
  const idx = Int32Array.from(keys.keys()).sort((a, b) => keys[b]! - keys[a]!);
  return idx.slice(0, m);
}
