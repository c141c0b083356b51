/** Categorical model over {0, ..., C-1}: exact MLE by counts (notes §7: the exact-update comparison). */
import type { Rng } from '@lemma/gpu-kernels';
import { describeType, expectInteger, expectOptions, expectRng } from '@lemma/gpu-kernels/validate';
import { checkDistribution } from '../distribution-checks';
import type { GenerativeModel } from '../model';
import { checkSampleCount, checkSamples, type Samples } from '../samples';

/** A categorical model; `probs` is the current distribution (a copy). */
export interface CategoricalModel extends GenerativeModel {
  readonly numClasses: number;
  readonly probs: Float64Array;
  fit(samples: Samples): void;
  sample(n: number, rng: Rng): Samples;
  logProb(x: Samples): Float64Array;
}

/** Options of {@link categoricalModel}. */
export interface CategoricalModelOptions {
  numClasses: number;
  /** Initial probabilities (default uniform). */
  probs?: ArrayLike<number>;
}

/**
 * A categorical model whose `fit` sets p to the empirical class frequencies (the exact MLE), so the Monte Carlo
 * loop is directly comparable with the exact population update.
 *
 * @example
 * const m = categoricalModel({ numClasses: 3, probs: [0.5, 0.3, 0.2] });
 * const s = m.sample(10, createRng(0)); // s.data holds class indices
 */
export function categoricalModel(options: CategoricalModelOptions): CategoricalModel {
  const fn = 'categoricalModel';
  expectOptions(fn, 'options', options, ['numClasses', 'probs'], { required: true, describe: describeType });
  const C = expectInteger(fn, 'numClasses', options.numClasses, { min: 1, max: 1e7, expected: 'an integer in [1, 10000000] (one probability per class)', describe: describeType });
  let p = options.probs ? checkDistribution(fn, 'probs', options.probs) : new Float64Array(C).fill(1 / C);
  if (p.length !== C) throw new Error(`${fn}: probs must have length numClasses=${C}, got ${p.length}`);
  let cdf = new Float64Array(C);
  const rebuild = (): void => {
    cdf = new Float64Array(C);
    let s = 0;
    for (let i = 0; i < C; i++) cdf[i] = s += p[i]!;
  };
  rebuild();
  return {
    dim: 1,
    numClasses: C,
    get probs() {
      return Float64Array.from(p);
    },
    fit(samples: Samples) {
      checkSamples('categoricalModel.fit', 'samples', samples, 1);
      const counts = new Float64Array(C);
      for (const v of samples.data) {
        if (!Number.isInteger(v) || v < 0 || v >= C) throw new Error(`categoricalModel.fit: samples must be class indices in [0, ${C - 1}], got ${v}`);
        counts[v]!++;
      }
      p = counts.map((c) => c / samples.n);
      rebuild();
    },
    sample(n: number, rng: Rng) {
      checkSampleCount('categoricalModel.sample', 'n', n, 1);
      expectRng('categoricalModel.sample', 'rng', rng, { describe: describeType });
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform() * cdf[C - 1]!;
        let lo = 0;
        let hi = C - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cdf[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        // Skip zero-mass classes that share the same cumulative value.
        while (p[lo] === 0 && lo < C - 1) lo++;
        out[i] = lo;
      }
      return { n, dim: 1, data: out };
    },
    logProb(x: Samples) {
      checkSamples('categoricalModel.logProb', 'x', x, 1, true);
      return x.data.map((v) => (Number.isInteger(v) && v >= 0 && v < C ? Math.log(p[v]!) : -Infinity));
    },
  };
}
