import { createRng } from '@lemma/gpu-kernels';
import { expectBoolean, expectFiniteValues, expectInteger, expectObject, expectOneOf, expectOptions } from '@lemma/gpu-kernels/validate';
import { linearSumAssignment } from './assignment';
import type { Params } from './params';
import { checkSpec, permToAxes, type PermutationSpec } from './permutation-spec';
import { checkPermutations, identityPermutations, permuteParam, viewShape, type Permutations } from './permute';

/** Rows of `values` (row-major `view`) along `axis`: an [n, rest] float64 matrix (moveaxis(axis, 0) then reshape). */
export function unitRows(values: Float32Array, view: number[], axis: number): { n: number; r: number; data: Float64Array } {
  const n = view[axis]!;
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= view[i]!;
  let inner = 1;
  for (let i = axis + 1; i < view.length; i++) inner *= view[i]!;
  const r = outer * inner;
  const data = new Float64Array(n * r);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < n; k++) {
      const src = (o * n + k) * inner;
      const dst = k * r + o * inner;
      for (let i = 0; i < inner; i++) data[dst + i] = values[src + i]!;
    }
  return { n, r, data };
}

/** S += A Bᵀ for row-major A [n, r], B [n, r]. */
function addGram(S: Float64Array, A: Float64Array, B: Float64Array, n: number, r: number): void {
  for (let i = 0; i < n; i++) {
    const ai = i * r;
    for (let j = 0; j < n; j++) {
      const bj = j * r;
      let s = 0;
      for (let k = 0; k < r; k++) s += A[ai + k]! * B[bj + k]!;
      S[i * n + j] = S[i * n + j]! + s;
    }
  }
}

/** Σ_w ⟨A_w, π(B)_w⟩ over the spec's parameters: the weight-matching objective (Git Re-Basin, the objective of Alg. 1). */
export function matchingObjective(A: Params, B: Params, spec: PermutationSpec, perms: Permutations): number {
  checkPermutations('matchingObjective', perms, spec);
  checkMatchedParams('matchingObjective', A, B, spec);
  return objectiveOf('matchingObjective', A, B, spec, perms);
}

/**
 * Throws unless A and B hold every parameter the spec labels, with finite values and views that fit, and B's
 * shapes match A's (a NaN weight would otherwise reach the assignment solver as a NaN cost).
 */
function checkMatchedParams(fn: string, A: Params, B: Params, spec: PermutationSpec): void {
  expectObject(fn, 'A', A, 'a Params record');
  expectObject(fn, 'B', B, 'a Params record');
  for (const [key, pa] of Object.entries(spec.params)) {
    for (const [which, P] of [['A', A], ['B', B]] as const) {
      const p = P[key];
      if (!p) throw new Error(`${fn}: parameter '${key}' of the spec is missing from ${which}`);
      viewShape(fn, key, p, pa);
      expectFiniteValues(fn, `${which}['${key}'].values`, p.values);
    }
    if (B[key]!.values.length !== A[key]!.values.length) throw new Error(`${fn}: B['${key}'] must have A's shape [${A[key]!.shape}], got [${B[key]!.shape}]`);
  }
}

/** The objective without re-validating `perms` (coordinate descent calls it after every step). */
function objectiveOf(fn: string, A: Params, B: Params, spec: PermutationSpec, perms: Permutations): number {
  let s = 0;
  for (const key of Object.keys(spec.params)) {
    const a = A[key]!;
    const b = B[key]!;
    const pb = permuteParam(fn, key, b, spec.params[key], perms).values;
    for (let i = 0; i < a.values.length; i++) s += a.values[i]! * pb[i]!;
  }
  return s;
}

/** Options of {@link weightMatching}. */
export interface WeightMatchingOptions {
  /** Seed of the random visiting order (default 0). */
  seed?: number;
  /** Maximum sweeps over all permutations (default 100). */
  maxSweeps?: number;
  /** Starting permutations (default identity). */
  init?: Permutations;
}

/** Result of {@link weightMatching}. */
export interface WeightMatchingResult {
  /** Align B with `permuteParams(B, spec, perms)`. */
  perms: Permutations;
  /** Objective after the start and after every step (never decreases). */
  objective: number[];
  sweeps: number;
}

/**
 * Weight matching by coordinate descent (Git Re-Basin Alg. 1): visit the permutations in a seeded random order; for
 * each, solve one linear assignment on S = Σ_{(w, axis)} A_w B̃_wᵀ (B̃ with all other permutations applied) and keep
 * it if it improves; stop after a sweep without improvement. The objective Σ_w ⟨A_w, π(B)_w⟩ never decreases.
 * S and the sweep follow samuela/git-re-basin's `weight_matching` (PermutationCoordinateDescent, max_iter 100).
 *
 * @example
 * const { perms } = weightMatching(await getParams(a), await getParams(b), sequentialPermutationSpec(a));
 */
export function weightMatching(A: Params, B: Params, spec: PermutationSpec, options: WeightMatchingOptions = {}): WeightMatchingResult {
  const fn = 'weightMatching';
  // Coordinate descent, not an exact solve: exact weight matching is NP-hard (Git Re-Basin Lemma 1).
  expectOptions(fn, 'options', options, ['seed', 'maxSweeps', 'init']);
  if (options.seed !== undefined) expectInteger(fn, 'options.seed', options.seed, { min: 0 });
  if (options.maxSweeps !== undefined) expectInteger(fn, 'options.maxSweeps', options.maxSweeps, { min: 1 });
  checkSpec(fn, 'spec', spec);
  if (options.init !== undefined) checkPermutations(fn, options.init, spec, 'options.init');
  checkMatchedParams(fn, A, B, spec);
  const rng = createRng(options.seed ?? 0);
  const maxSweeps = options.maxSweeps ?? 100;
  const p2a = permToAxes(spec);
  const perms: Permutations = {};
  const ident = identityPermutations(spec);
  for (const name of Object.keys(spec.perms)) perms[name] = Int32Array.from(options.init?.[name] ?? ident[name]!);
  const objective = [objectiveOf(fn, A, B, spec, perms)];
  let sweeps = 0;
  for (; sweeps < maxSweeps; ) {
    sweeps++;
    let improved = false;
    for (const name of rng.shuffle(Object.keys(spec.perms))) {
      const n = spec.perms[name]!;
      const S = new Float64Array(n * n);
      for (const { key, axis } of p2a[name]!) {
        const a = A[key]!;
        const pa = spec.params[key]!;
        const view = viewShape(fn, key, a, pa);
        const bt = permuteParam(fn, key, B[key]!, pa, perms, name);
        const ar = unitRows(a.values, view, axis);
        const br = unitRows(bt.values, view, axis);
        addGram(S, ar.data, br.data, n, ar.r);
      }
      const cur = perms[name]!;
      let oldL = 0;
      for (let i = 0; i < n; i++) oldL += S[i * n + cur[i]!]!;
      const r = linearSumAssignment({ rows: n, cols: n, data: S }, { maximize: true });
      // Accept strict improvements only (Git Re-Basin uses 1e-12), so ties cannot cycle.
      if (r.cost > oldL + 1e-12 * Math.max(1, Math.abs(oldL))) {
        perms[name] = r.rowToCol;
        improved = true;
      }
      objective.push(objectiveOf(fn, A, B, spec, perms));
    }
    if (!improved) break;
  }
  return { perms, objective, sweeps };
}

/** Second moment E[x̃ x̃ᵀ] of a layer's input with a constant 1 appended (x̃ = [x; 1]), (d+1) x (d+1) row-major. */
export interface InputMoment {
  dim: number;
  data: Float64Array;
}

/** Options of {@link layerwiseOTAlignment}. */
export interface LayerwiseOTOptions {
  /**
   * 'euclidean': ||w_i^A - w_j^B||² on incoming weights (the paper's construction, = OTFusion with exact OT).
   * 'covariance': ||w̃_i^A - w̃_j^B||²_Σ with Σ = E[x̃x̃ᵀ] of the layer input (bias appended), i.e. the expected squared
   * difference of the two units' pre-activations; Dense producers only. Needs `moments`.
   */
  cost?: 'euclidean' | 'covariance';
  /** Permutation name -> input moment of the layer producing it (see `layerInputMoments`). */
  moments?: Record<string, InputMoment>;
  /**
   * Include the bias (and any other incoming parameter) in the cost (default true). `false` matches on the kernel
   * alone, as the paper's experiments do (OT_LMC notebook): cost −W_B W_Aᵀ ('euclidean') or −W_B Σ W_Aᵀ ('covariance', Σ = E[xxᵀ], the
   * top-left d x d block of a (d+1) x (d+1) moment).
   */
  bias?: boolean;
}

/** Result of {@link layerwiseOTAlignment}. */
export interface LayerwiseOTResult {
  perms: Permutations;
  /** Per permutation: the matched cost (1/n) Σ_i c(w_i^A, w_σ(i)^B) = W_2² of the incoming-weight measures. */
  cost: Record<string, number>;
}

/**
 * The paper's one-pass alignment (Ferbach et al.; section number not in the notes): layer by layer from the input, treat the incoming weight
 * vectors of each layer's units as a uniform empirical measure, align B's inputs with the permutation already found
 * for the previous layer, and solve the exact OT (an assignment, Birkhoff) with squared-Euclidean or
 * covariance-weighted cost.
 */
export function layerwiseOTAlignment(A: Params, B: Params, spec: PermutationSpec, options: LayerwiseOTOptions = {}): LayerwiseOTResult {
  expectOptions('layerwiseOTAlignment', 'options', options, ['cost', 'moments', 'bias']);
  if (options.cost !== undefined) expectOneOf('layerwiseOTAlignment', 'options.cost', options.cost, ['euclidean', 'covariance']);
  if (options.bias !== undefined) expectBoolean('layerwiseOTAlignment', 'options.bias', options.bias);
  checkSpec('layerwiseOTAlignment', 'spec', spec);
  checkMatchedParams('layerwiseOTAlignment', A, B, spec);
  if (options.moments !== undefined) expectObject('layerwiseOTAlignment', 'options.moments', options.moments, 'an object of InputMoment');
  const mode = options.cost ?? 'euclidean';
  const withBias = options.bias ?? true;
  const perms: Permutations = {};
  const costs: Record<string, number> = {};
  for (const name of Object.keys(spec.perms)) {
    const n = spec.perms[name]!;
    // Incoming weights of `name`: parameters whose last axis it labels.
    const all = Object.entries(spec.params).filter(([, pa]) => pa.axes[pa.axes.length - 1] === name);
    // Without biases: the kernel only (the first incoming parameter with more than one axis).
    const kernel = all.find(([, pa]) => pa.axes.length > 1);
    const incoming = withBias ? all : kernel ? [kernel] : [];
    if (incoming.length === 0) throw new Error(`layerwiseOTAlignment: permutation '${name}' has no incoming weights (no parameter with it on the last axis)`);
    const rowsA: Float64Array[] = [];
    const rowsB: Float64Array[] = [];
    const widths: number[] = [];
    for (const [key, pa] of incoming) {
      const a = A[key]!;
      const view = viewShape('layerwiseOTAlignment', key, a, pa);
      const bt = permuteParam('layerwiseOTAlignment', key, B[key]!, pa, perms, name);
      rowsA.push(unitRows(a.values, view, view.length - 1).data);
      rowsB.push(unitRows(bt.values, view, view.length - 1).data);
      widths.push(a.values.length / n);
    }
    const S = new Float64Array(n * n);
    const normA = new Float64Array(n);
    const normB = new Float64Array(n);
    if (mode === 'covariance') {
      // The covariance-weighted cost of Ferbach et al.'s experiments (supported by their Thm D.2 in a simplified case).
      // Kernel-only form −W_B Σ W_Aᵀ, Σ = uncentred E[xxᵀ]: damienferbach/OT_LMC notebook, "WM (ours)".
      const mom = options.moments?.[name];
      if (!mom) throw new Error(`layerwiseOTAlignment: cost 'covariance' needs moments['${name}'] (see layerInputMoments)`);
      if (!(mom.data instanceof Float64Array)) throw new Error(`layerwiseOTAlignment: options.moments['${name}'].data must be a Float64Array, got ${typeof mom.data}`);
      expectFiniteValues('layerwiseOTAlignment', `options.moments['${name}'].data`, mom.data);
      // Kernel (first, d columns) and bias (second, 1 column) form w̃ = [w; b]; other incoming params add plainly.
      const d = widths[0]!;
      let wa: Float64Array;
      let wb: Float64Array;
      let sigma: Float64Array;
      let q: number;
      if (withBias) {
        if (mom.dim !== d + 1 || widths[1] !== 1) throw new Error(`layerwiseOTAlignment: moments['${name}'] must be ${d + 1}x${d + 1} for a kernel with bias, got ${mom.dim}x${mom.dim}`);
        wa = concatRows([rowsA[0]!, rowsA[1]!], [d, 1], n);
        wb = concatRows([rowsB[0]!, rowsB[1]!], [d, 1], n);
        sigma = mom.data;
        q = d + 1;
      } else {
        if (mom.dim !== d && mom.dim !== d + 1) throw new Error(`layerwiseOTAlignment: moments['${name}'] must be ${d}x${d} (or ${d + 1}x${d + 1} with the bias row) for a kernel of ${d} inputs, got ${mom.dim}x${mom.dim}`);
        wa = rowsA[0]!;
        wb = rowsB[0]!;
        sigma = mom.dim === d ? mom.data : topLeft(mom.data, d + 1, d);
        q = d;
      }
      if (sigma.length !== q * q) throw new Error(`layerwiseOTAlignment: moments['${name}'].data must hold ${q * q} values, got ${sigma.length}`);
      const ta = matMul(wa, sigma, n, q, q);
      const tb = matMul(wb, sigma, n, q, q);
      addGram(S, ta, wb, n, q);
      for (let i = 0; i < n; i++) {
        normA[i] = dot(ta, wa, i * q, q);
        normB[i] = dot(tb, wb, i * q, q);
      }
      for (let t = withBias ? 2 : 1; t < incoming.length; t++) addPlain(S, normA, normB, rowsA[t]!, rowsB[t]!, n, widths[t]!);
    } else {
      for (let t = 0; t < incoming.length; t++) addPlain(S, normA, normB, rowsA[t]!, rowsB[t]!, n, widths[t]!);
    }
    // Exact OT between two uniform n-atom measures is an assignment (Ferbach et al. Lemma B.3, Birkhoff); this is
    // the alignment whose LMC error their Thm 3.1 (two layers) and Thm 5.2 (i.i.d. layers) bound.
    // argmin Σ ||a_i - b_σ(i)||² = argmax Σ ⟨a_i, b_σ(i)⟩ (the norms do not depend on σ; standard).
    const r = linearSumAssignment({ rows: n, cols: n, data: S }, { maximize: true });
    perms[name] = r.rowToCol;
    let c = 0;
    for (let i = 0; i < n; i++) c += normA[i]! + normB[r.rowToCol[i]!]! - 2 * S[i * n + r.rowToCol[i]!]!;
    costs[name] = c / n;
  }
  return { perms, cost: costs };
}

function addPlain(S: Float64Array, na: Float64Array, nb: Float64Array, A: Float64Array, B: Float64Array, n: number, r: number): void {
  addGram(S, A, B, n, r);
  for (let i = 0; i < n; i++) {
    na[i] = na[i]! + dot(A, A, i * r, r);
    nb[i] = nb[i]! + dot(B, B, i * r, r);
  }
}

function dot(x: Float64Array, y: Float64Array, off: number, r: number): number {
  let s = 0;
  for (let k = 0; k < r; k++) s += x[off + k]! * y[off + k]!;
  return s;
}

function concatRows(parts: Float64Array[], widths: number[], n: number): Float64Array {
  const w = widths.reduce((a, b) => a + b, 0);
  const out = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    let o = 0;
    parts.forEach((p, t) => {
      out.set(p.subarray(i * widths[t]!, (i + 1) * widths[t]!), i * w + o);
      o += widths[t]!;
    });
  }
  return out;
}

/** The top-left q x q block of a row-major m x m matrix. */
function topLeft(M: Float64Array, m: number, q: number): Float64Array {
  const out = new Float64Array(q * q);
  for (let i = 0; i < q; i++) out.set(M.subarray(i * m, i * m + q), i * q);
  return out;
}

/** Row-major [n, k] x [k, m]. */
function matMul(A: Float64Array, B: Float64Array, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < k; t++) {
      const a = A[i * k + t]!;
      if (a === 0) continue;
      const bo = t * m;
      const oo = i * m;
      for (let j = 0; j < m; j++) out[oo + j] = out[oo + j]! + a * B[bo + j]!;
    }
  return out;
}
