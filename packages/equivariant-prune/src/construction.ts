/**
 * The paper's construction (Ferbach et al. 2023: its construction figure [C], number not in the notes; Thm 1): each target layer F_i^{n_i} -> F_{i+1}^{n_{i+1}}
 * becomes two random layers, F_i^{n_i} -> F_i^{n_i·2m} (basis B_{i->i}, which contains I) and
 * F_i^{n_i·2m} -> F_{i+1}^{n_{i+1}} (basis B_{i->i+1}), with every coefficient U[-1, 1]. Pruning keeps, in
 * the first layer, only the identity coefficient from input copy a to its own hidden copies, and in the
 * second layer the coefficients chosen by one subset-sum problem per (output copy, input copy, basis
 * element, sign). Hidden copies j < m of input copy a get a positive identity coefficient, j >= m a negative
 * one (the ± split behind x = relu(x) - relu(-x)).
 * Numbers: Thm 1 and Lemma 1 via Natale et al. 2024 [C]; no equation numbers (the paper body was unread, notes §0).
 *
 * Biases (ours; the notes record no bias construction of the paper): a G-invariant bias sum_k beta[b,k] v_k is a linear map from an extra input fixed at 1 (the trivial
 * representation) to F_out, with equivariant basis {v_k} (G-fixed vectors). The construction treats that
 * input like any other copy: the odd layer sends the constant 1 to m hidden constant units
 * u_j = relu(lambda_j · 1), the even layer sends unit j to output copy b with sum_k mu[b,j,k] v_k. Since the
 * input is 1 >= 0, the negative half of the ± split is identically 0, so only lambda_j > 0 is drawn
 * (|U[-1, 1]|) and one subset-sum problem per (output copy, bias vector) solves
 * sum_{j in S} lambda_j mu[b,j,k] ≈ beta[b,k]. The units live in the even layer's `bias.units`.
 */
import { createRng } from '@lemma/gpu-kernels';
import { expectFiniteArray, expectInteger, expectNumber, expectOptions, expectSeed, invalidArgument } from '@lemma/gpu-kernels/validate';
import { type EquivariantBasis, expectBasis } from './basis';
import { biasCoeffsOf } from './bias';
import { type EquivariantLayer, type EquivariantNetwork, MAX_COEFFS, checkNetwork } from './network';
import { solveSubsetSumBatch } from './subset-sum';

/** Inputs of the overparametrization rule. */
export interface HiddenCopiesRule {
  /** Input copies n_in of the target layer. */
  nIn: number;
  /** Output copies n_out. */
  nOut: number;
  /** |B|, the number of basis elements. */
  basisSize: number;
  /** ‖B‖ (see basisNorm). */
  basisNorm: number;
  /** Target depth L. */
  depth: number;
  /** Error tolerance epsilon. */
  eps: number;
  /** The constant c of the rule (default 1). */
  c?: number;
}

/** m = ceil(c · log2(n_in n_out max(|B|, ‖B‖) L / eps)) samples per subset-sum instance (Thm 1; this form is [R], notes §4/§8.8). */
export function hiddenCopiesFor(rule: HiddenCopiesRule): number {
  if (rule === null || typeof rule !== 'object') throw invalidArgument('hiddenCopiesFor', 'rule', 'a HiddenCopiesRule { nIn, nOut, basisSize, basisNorm, depth, eps }', rule, 'type');
  expectOptions('hiddenCopiesFor', 'rule', rule, ['nIn', 'nOut', 'basisSize', 'basisNorm', 'depth', 'eps', 'c']);
  const { nIn, nOut, basisSize, basisNorm, depth, eps } = rule;
  const c = rule.c ?? 1;
  if (!(eps > 0 && eps < 1)) throw new Error(`hiddenCopiesFor: eps must be in (0, 1), got ${eps}`);
  // An infinite c or basisNorm would return m = Infinity, not a sample count.
  expectNumber('hiddenCopiesFor', 'rule.c', c, { min: 0, exclusiveMin: true });
  for (const [k, v] of Object.entries({ nIn, nOut, basisSize, depth })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`hiddenCopiesFor: ${k} must be a positive integer, got ${v}`);
  }
  expectNumber('hiddenCopiesFor', 'rule.basisNorm', basisNorm, { min: 0, exclusiveMin: true });
  // Thm 1's width O(log(n_in n_out max(|B|, ‖B‖) ℓ / ε)) [R]; Natale et al.'s Thm 4 [C] matches it up to a log factor.
  return Math.max(1, Math.ceil(c * Math.log2((nIn * nOut * Math.max(basisSize, basisNorm) * depth) / eps)));
}

/** Options of {@link buildRandomNetwork}. */
export interface RandomNetworkOptions {
  /** Samples per subset-sum instance m per sign, for every layer or per layer. */
  samples: number | readonly number[];
  /** Seed of the U[-1, 1] coefficients. */
  seed: number;
  /**
   * B_{i->i} for each target layer's input space (must contain the identity). Defaults to a basis
   * holding only the identity, which is all the pruned network uses.
   */
  selfBases?: readonly EquivariantBasis[];
}

/** The random overparametrized network: layers 2i (odd in the paper) and 2i+1 per target layer i. */
export interface RandomNetwork {
  readonly network: EquivariantNetwork;
  /** m per target layer. */
  readonly samples: readonly number[];
}

function identityBasis(d: number): EquivariantBasis {
  const idx = Int32Array.from({ length: d }, (_, i) => i);
  return {
    name: `identity on R^${d}`,
    dIn: d,
    dOut: d,
    elements: [{ rows: d, cols: d, rowIdx: idx, colIdx: idx.slice(), values: new Float64Array(d).fill(1) }],
    identityIndex: 0,
  };
}

/** Draws the random network of the construction for `target` (two layers per target layer; the construction figure's odd and even layers [C]). */
export function buildRandomNetwork(target: EquivariantNetwork, options: RandomNetworkOptions): RandomNetwork {
  checkNetwork('buildRandomNetwork: target', target);
  if (options === undefined) throw invalidArgument('buildRandomNetwork', 'options', 'an options object { samples, seed }', options, 'type');
  expectOptions('buildRandomNetwork', 'options', options, ['samples', 'seed', 'selfBases']);
  expectSeed('buildRandomNetwork', 'options.seed', options.seed);
  const L = target.layers.length;
  const samples = typeof options.samples === 'number' ? new Array<number>(L).fill(options.samples) : [...options.samples];
  if (samples.length !== L || samples.some((m) => !Number.isInteger(m) || m < 1 || m > 40)) {
    throw new Error(`buildRandomNetwork: options.samples must be an integer in [1, 40] or ${L} of them, got ${JSON.stringify(options.samples)}`);
  }
  if (options.selfBases !== undefined && (!Array.isArray(options.selfBases) || options.selfBases.length !== L)) {
    throw new Error(`buildRandomNetwork: options.selfBases must have ${L} entries (one per target layer), got ${Array.isArray(options.selfBases) ? options.selfBases.length : String(options.selfBases)}`);
  }
  options.selfBases?.forEach((b, i) => expectBasis('buildRandomNetwork', `options.selfBases[${i}]`, b));
  target.layers.forEach((t, i) => {
    const hidden = t.cIn * 2 * samples[i]!;
    const odd = hidden * t.cIn * (options.selfBases?.[i]?.elements.length ?? 1);
    const even = t.cOut * hidden * t.basis.elements.length;
    if (Math.max(odd, even) > MAX_COEFFS) throw new RangeError(`buildRandomNetwork: options.samples = ${samples[i]} makes layer ${i} of the random network hold ${Math.max(odd, even)} coefficients, more than MAX_COEFFS = ${MAX_COEFFS}`);
  });
  const rng = createRng(options.seed, 11);
  const layers: EquivariantLayer[] = [];
  target.layers.forEach((t, i) => {
    const m = samples[i]!;
    const self = options.selfBases?.[i] ?? identityBasis(t.basis.dIn);
    if (self.dIn !== t.basis.dIn || self.dOut !== t.basis.dIn || self.identityIndex < 0) {
      throw new Error(`buildRandomNetwork: selfBases[${i}] must map R^${t.basis.dIn} to itself and contain the identity, got ${self.dIn} -> ${self.dOut} (identityIndex ${self.identityIndex})`);
    }
    const cIn = t.cIn;
    const hidden = cIn * 2 * m;
    const Ks = self.elements.length;
    const odd = new Float64Array(hidden * cIn * Ks);
    for (let q = 0; q < odd.length; q++) odd[q] = 2 * rng.uniform() - 1;
    // ± split (the construction figure's odd layer [C]; the sign split is Pensia's x = σ(x) − σ(−x), reconstructed [R]): hidden copy
    // (a, j) has a positive identity coefficient for j < m, negative for j >= m.
    for (let a = 0; a < cIn; a++) {
      for (let j = 0; j < 2 * m; j++) {
        const h = a * 2 * m + j;
        const q = (h * cIn + a) * Ks + self.identityIndex;
        odd[q] = (j < m ? 1 : -1) * Math.abs(odd[q]!);
      }
    }
    const K = t.basis.elements.length;
    const even = new Float64Array(t.cOut * hidden * K);
    for (let q = 0; q < even.length; q++) even[q] = 2 * rng.uniform() - 1;
    layers.push({ basis: self, cIn, cOut: hidden, coeffs: odd });
    if (!t.bias) {
      layers.push({ basis: t.basis, cIn: hidden, cOut: t.cOut, coeffs: even });
      return;
    }
    // Hidden constant units for the bias: relu(lambda_j · 1) with lambda_j > 0, and their random output weights.
    const units = new Float64Array(m);
    for (let j = 0; j < m; j++) units[j] = Math.abs(2 * rng.uniform() - 1);
    const Kb = t.bias.vectors.length;
    const bc = new Float64Array(t.cOut * m * Kb);
    for (let q = 0; q < bc.length; q++) bc[q] = 2 * rng.uniform() - 1;
    layers.push({ basis: t.basis, cIn: hidden, cOut: t.cOut, coeffs: even, bias: { vectors: t.bias.vectors, coeffs: bc, units } });
  });
  return { network: { layers }, samples };
}

/**
 * The random network that uses only the first `samples[i]` hidden copies of each sign (and the first
 * `samples[i]` bias units) of `random`: the subset-sum samples of every instance become a prefix of the
 * original ones, so the optimal coefficient errors are non-increasing along m (adding samples never hurts).
 * This is how a sweep over m reuses one draw instead of redrawing per m.
 */
export function restrictSamples(random: RandomNetwork, samples: number | readonly number[]): RandomNetwork {
  expectRandomNetwork('restrictSamples', random);
  const L = random.samples.length;
  const want = typeof samples === 'number' ? new Array<number>(L).fill(samples) : [...samples];
  if (want.length !== L || want.some((m, i) => !Number.isInteger(m) || m < 1 || m > random.samples[i]!)) {
    throw new Error(`restrictSamples: samples must be an integer in [1, samples drawn] or ${L} of them (drawn: ${random.samples.join(', ')}), got ${JSON.stringify(samples)}`);
  }
  const layers: EquivariantLayer[] = [];
  for (let i = 0; i < L; i++) {
    const odd = random.network.layers[2 * i]!;
    const even = random.network.layers[2 * i + 1]!;
    const M = random.samples[i]!;
    const m = want[i]!;
    const cIn = odd.cIn;
    const Ks = odd.basis.elements.length;
    const K = even.basis.elements.length;
    const hidden = cIn * 2 * m;
    // New hidden copy a·2m + j' is old copy a·2M + j, with j = j' for the positive half and M + (j' - m) for the negative one.
    const oldOf = (h: number): number => {
      const a = Math.floor(h / (2 * m));
      const j = h % (2 * m);
      return a * 2 * M + (j < m ? j : M + j - m);
    };
    const oddC = new Float64Array(hidden * cIn * Ks);
    for (let h = 0; h < hidden; h++) oddC.set(odd.coeffs.subarray(oldOf(h) * cIn * Ks, (oldOf(h) + 1) * cIn * Ks), h * cIn * Ks);
    const evenC = new Float64Array(even.cOut * hidden * K);
    for (let b = 0; b < even.cOut; b++) {
      for (let h = 0; h < hidden; h++) {
        const o = (b * odd.cOut + oldOf(h)) * K;
        evenC.set(even.coeffs.subarray(o, o + K), (b * hidden + h) * K);
      }
    }
    layers.push({ basis: odd.basis, cIn, cOut: hidden, coeffs: oddC });
    const eb = even.bias;
    if (!eb || !eb.units) {
      layers.push({ basis: even.basis, cIn: hidden, cOut: even.cOut, coeffs: evenC });
      continue;
    }
    const Kb = eb.vectors.length;
    const bc = new Float64Array(even.cOut * m * Kb);
    for (let b = 0; b < even.cOut; b++) bc.set(eb.coeffs.subarray(b * M * Kb, (b * M + m) * Kb), b * m * Kb);
    layers.push({ basis: even.basis, cIn: hidden, cOut: even.cOut, coeffs: evenC, bias: { vectors: eb.vectors, coeffs: bc, units: eb.units.slice(0, m) } });
  }
  return { network: { layers }, samples: want };
}

/** Throws unless `random` looks like a {@link buildRandomNetwork} result: 2 layers per entry of `samples`. */
function expectRandomNetwork(fn: string, random: RandomNetwork): void {
  if (random === null || typeof random !== 'object' || !Array.isArray(random.samples)) throw invalidArgument(fn, 'random', 'a RandomNetwork (see buildRandomNetwork)', random, 'type');
  checkNetwork(`${fn}: random.network`, random.network);
  random.samples.forEach((m, i) => expectInteger(fn, `random.samples[${i}]`, m, { min: 1, max: 40 }));
  if (random.network.layers.length !== 2 * random.samples.length) {
    throw new Error(`${fn}: random must have 2 layers per entry of random.samples (${random.samples.length}), got ${random.network.layers.length} layers`);
  }
}

/** Per target layer statistics of {@link pruneToTarget}. */
export interface LayerPruneReport {
  /** Number of subset-sum instances solved (2 · n_out · n_in · |B|, plus n_out · |bias vectors| with a bias). */
  instances: number;
  /** Largest and median |approximated - target| coefficient error over instances. */
  maxCoeffError: number;
  medianCoeffError: number;
  /**
   * Certified bound on sup_{‖x‖<=1} ‖block(x) - (W x + c)‖: 2 · n_in n_out ‖B‖ · max coefficient error, plus
   * n_out · |bias vectors| · max ‖v_k‖ · max bias error with a bias (an absolute, not relative, term).
   */
  errorBound: number;
}

/** The pruned subnetwork: the random network with masks, plus what was achieved. */
export interface PrunedNetwork {
  /** The random network with masks set (pruning = zeroing coefficients). */
  readonly network: EquivariantNetwork;
  /** Per target layer reports. */
  readonly layers: readonly LayerPruneReport[];
  /** Approximated coefficients per target layer: [positive part, negative part] (folded form). */
  readonly folded: EquivariantNetwork;
}

/** Options of {@link pruneToTarget}. */
export interface PruneOptions {
  /** ‖B_{i->i+1}‖ per target layer, for the error bounds (default: 1 for each, i.e. bound per unit norm). */
  basisNorms?: readonly number[];
}

/**
 * Prunes the random network to approximate `target` (no training; the layer-approximation lemma applied per layer,
 * then Thm 1's induction): solves the subset-sum instances
 * sum_{j in S+} lambda_j mu_{j,b,k} ≈ alpha[b,a,k] and sum_{j in S-} |lambda_j| mu_{j,b,k} ≈ -alpha[b,a,k]
 * exactly by meet in the middle and keeps exactly those coefficients.
 * (Pensia-style two instances per coefficient, notes §2 [R]; the paper's own preprocessing is unknown.)
 */
export function pruneToTarget(target: EquivariantNetwork, random: RandomNetwork, options: PruneOptions = {}): PrunedNetwork {
  checkNetwork('pruneToTarget: target', target);
  const L = target.layers.length;
  if (random === null || typeof random !== 'object' || !random.network || !Array.isArray(random.network.layers)) throw invalidArgument('pruneToTarget', 'random', 'a RandomNetwork (see buildRandomNetwork)', random, 'type');
  if (random.network.layers.length !== 2 * L) {
    throw new Error(`pruneToTarget: random network must have 2·${L} layers, got ${random.network.layers.length}`);
  }
  expectRandomNetwork('pruneToTarget', random);
  const opts = expectOptions('pruneToTarget', 'options', options, ['basisNorms']);
  if (opts.basisNorms !== undefined) {
    expectFiniteArray('pruneToTarget', 'options.basisNorms', opts.basisNorms, L);
    opts.basisNorms.forEach((b, i) => expectNumber('pruneToTarget', `options.basisNorms[${i}]`, b, { min: 0, exclusiveMin: true }));
  }
  const outLayers: EquivariantLayer[] = [];
  const folded: EquivariantLayer[] = [];
  const reports: LayerPruneReport[] = [];
  target.layers.forEach((t, i) => {
    const odd = random.network.layers[2 * i]!;
    const even = random.network.layers[2 * i + 1]!;
    const m = random.samples[i]!;
    const { cIn, cOut } = t;
    const K = t.basis.elements.length;
    const Ks = odd.basis.elements.length;
    const idI = odd.basis.identityIndex;
    if (even.basis !== t.basis || odd.cIn !== cIn || even.cOut !== cOut || odd.cOut !== cIn * 2 * m) {
      throw new Error(`pruneToTarget: random layers ${2 * i}, ${2 * i + 1} do not match target layer ${i} (rebuild it with buildRandomNetwork(target))`);
    }
    const hidden = odd.cOut;
    const lambda = (a: number, j: number): number => odd.coeffs[((a * 2 * m + j) * cIn + a) * Ks + idI]!;
    // Instance order: (b, a, k, sign), sign 0 = positive copies.
    const nInst = cOut * cIn * K * 2;
    const samples = new Float64Array(nInst * m);
    const targets = new Float64Array(nInst);
    for (let b = 0; b < cOut; b++) {
      for (let a = 0; a < cIn; a++) {
        for (let k = 0; k < K; k++) {
          const alpha = t.mask && !t.mask[(b * cIn + a) * K + k] ? 0 : t.coeffs[(b * cIn + a) * K + k]!;
          for (let sign = 0; sign < 2; sign++) {
            const inst = ((b * cIn + a) * K + k) * 2 + sign;
            targets[inst] = sign === 0 ? alpha : -alpha;
            for (let j = 0; j < m; j++) {
              const jj = sign * m + j;
              const h = a * 2 * m + jj;
              // A product of two uniforms: Lueker's Cor. 3.3 ('contains a uniform') covers such samples [C, Natale].
              samples[inst * m + j] = Math.abs(lambda(a, jj)) * even.coeffs[(b * hidden + h) * K + k]!;
            }
          }
        }
      }
    }
    // Lemma 1 (random subset sum, Lueker 1998 Cor. 2.5 [C, Natale]) once per instance, solved exactly.
    const sol = solveSubsetSumBatch(samples, targets, m);
    const evenMask = new Uint8Array(even.coeffs.length);
    const used = new Uint8Array(hidden);
    const fold = new Float64Array(cOut * 2 * cIn * K);
    for (let b = 0; b < cOut; b++) {
      for (let a = 0; a < cIn; a++) {
        for (let k = 0; k < K; k++) {
          for (let sign = 0; sign < 2; sign++) {
            const inst = ((b * cIn + a) * K + k) * 2 + sign;
            for (let j = 0; j < m; j++) {
              if (!sol.selection[inst * m + j]) continue;
              const h = a * 2 * m + sign * m + j;
              evenMask[(b * hidden + h) * K + k] = 1;
              used[h] = 1;
            }
            // Folded block: g(x) = W+ relu(x) + W- relu(-x), W± from the achieved sums (ours: an equivalent form).
            fold[(b * 2 * cIn + sign * cIn + a) * K + k] = sol.value[inst]!;
          }
        }
      }
    }
    const oddMask = new Uint8Array(odd.coeffs.length);
    for (let h = 0; h < hidden; h++) {
      const a = Math.floor(h / (2 * m));
      if (used[h]) oddMask[(h * cIn + a) * Ks + idI] = 1;
    }
    outLayers.push({ ...odd, mask: oddMask });
    // Bias: one subset-sum instance per (output copy b, bias vector k) over the m hidden constant units.
    let biasErrs = new Float64Array(0);
    let foldBias: EquivariantLayer['bias'];
    let biasBound = 0;
    if (t.bias) {
      const eb = even.bias;
      if (!eb || !eb.units || eb.units.length !== m || eb.vectors !== t.bias.vectors) {
        throw new Error(`pruneToTarget: random layer ${2 * i + 1} has no matching bias units for target layer ${i} (rebuild it with buildRandomNetwork(target))`);
      }
      const Kb = eb.vectors.length;
      const beta = biasCoeffsOf(t)!;
      const bSamples = new Float64Array(cOut * Kb * m);
      for (let b = 0; b < cOut; b++) {
        for (let k = 0; k < Kb; k++) {
          for (let j = 0; j < m; j++) bSamples[(b * Kb + k) * m + j] = Math.max(0, eb.units[j]!) * eb.coeffs[(b * m + j) * Kb + k]!;
        }
      }
      const bs = solveSubsetSumBatch(bSamples, beta, m);
      const bMask = new Uint8Array(eb.coeffs.length);
      const uMask = new Uint8Array(m);
      for (let b = 0; b < cOut; b++) {
        for (let k = 0; k < Kb; k++) {
          for (let j = 0; j < m; j++) {
            if (!bs.selection[(b * Kb + k) * m + j]) continue;
            bMask[(b * m + j) * Kb + k] = 1;
            uMask[j] = 1;
          }
        }
      }
      outLayers.push({ ...even, mask: evenMask, bias: { ...eb, mask: bMask, unitsMask: uMask } });
      biasErrs = Float64Array.from(bs.error);
      foldBias = { vectors: eb.vectors, coeffs: Float64Array.from(bs.value) };
      const vNorm = Math.max(...eb.vectors.map((v) => Math.sqrt(v.reduce((acc, x) => acc + x * x, 0))));
      biasBound = cOut * Kb * vNorm * (biasErrs.length ? Math.max(...biasErrs) : 0);
    } else {
      outLayers.push({ ...even, mask: evenMask });
    }
    // Folded first layer: copy a -> +x_a (copy a) and -x_a (copy cIn + a), identity basis only.
    const foldOdd = new Float64Array(2 * cIn * cIn);
    for (let a = 0; a < cIn; a++) {
      foldOdd[a * cIn + a] = 1;
      foldOdd[(cIn + a) * cIn + a] = -1;
    }
    folded.push({ basis: identityBasis(t.basis.dIn), cIn, cOut: 2 * cIn, coeffs: foldOdd });
    folded.push(foldBias ? { basis: t.basis, cIn: 2 * cIn, cOut, coeffs: fold, bias: foldBias } : { basis: t.basis, cIn: 2 * cIn, cOut, coeffs: fold });
    const errs = Float64Array.from([...sol.error, ...biasErrs]).sort();
    const maxErr = errs.length ? errs[errs.length - 1]! : 0;
    const norm = options.basisNorms?.[i] ?? 1;
    reports.push({
      instances: nInst + biasErrs.length,
      maxCoeffError: maxErr,
      medianCoeffError: errs.length ? errs[Math.floor(errs.length / 2)]! : 0,
      // Layer-approximation lemma: ‖ΔW‖ ≤ n_in n_out ‖B‖ ε_c, doubled by the ± split (notes §4, [R]).
      errorBound: 2 * cIn * cOut * norm * maxErr + biasBound,
    });
  });
  return { network: { layers: outLayers }, layers: reports, folded: { layers: folded } };
}

/** Parameter counts of the construction (equivariant parameters = basis coefficients). */
export interface ParameterReport {
  /** Target coefficients sum_i n_i n_{i+1} |B_i| (notes §4 [R]) (plus bias coefficients; random/kept also count bias units). */
  target: number;
  /** Coefficients of the random network. */
  random: number;
  /** Coefficients kept by the pruning mask. */
  kept: number;
  /** Lower bound on random coefficients for any network whose prunings eps-approximate every target: target · log2(1/(2 eps)). */
  lowerBound: number;
}

/**
 * Counts coefficients of target, random and pruned networks, and the packing lower bound at `eps` (the paper's
 * lower-bound theorem: 2^M >= (1/2ε)^{#target coefficients}, so M >= target · log2(1/(2ε))).
 */
export function parameterReport(target: EquivariantNetwork, pruned: EquivariantNetwork, eps: number): ParameterReport {
  // Lower-bound theorem: its number is unknown (body unread); Pensia's dense form is quoted in Natale et al. App. 7 [C].
  checkNetwork('parameterReport: target', target);
  checkNetwork('parameterReport: pruned', pruned);
  expectNumber('parameterReport', 'eps', eps, { min: 0, exclusiveMin: true });
  const count = (n: EquivariantNetwork): number =>
    n.layers.reduce((s, l) => s + l.coeffs.length + (l.bias ? l.bias.coeffs.length + (l.bias.units?.length ?? 0) : 0), 0);
  const keptOf = (arr: { length: number }, mask?: Uint8Array): number => {
    if (!mask) return arr.length;
    let k = 0;
    for (let i = 0; i < mask.length; i++) k += mask[i]!;
    return k;
  };
  let kept = 0;
  for (const l of pruned.layers) {
    kept += keptOf(l.coeffs, l.mask);
    if (l.bias) kept += keptOf(l.bias.coeffs, l.bias.mask) + (l.bias.units ? keptOf(l.bias.units, l.bias.unitsMask) : 0);
  }
  const t = count(target);
  // Lower-bound theorem ('lowerbound' in the Reproducibility Statement [C]; the packing form is reconstructed [R]).
  return { target: t, random: count(pruned), kept, lowerBound: t * Math.max(0, Math.log2(1 / (2 * eps))) };
}
