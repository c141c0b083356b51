/**
 * Bases of Hom_G(rho_in, rho_out), the G-equivariant linear maps: the orbit (parameter-sharing) basis
 * for permutation actions and the generic null space of W rho_in(g) - rho_out(g) W over generators.
 * Orbit basis: standard parameter sharing (Ravanbakhsh et al. 2017; notes §5 [R]); null-space route: ours (notes §5).
 */
import { expectFiniteArray, expectFunction, expectInteger, expectOptions, invalidArgument } from '@lemma/gpu-kernels/validate';
import { type PermAction, assertSameGroup } from './groups';
import { matrixRank, nullSpace } from './nullspace';
import { expectPermutation } from './permutation';
import { MAX_DENSE_ENTRIES, type SparseMatrix, denseOf, expectSparse, operatorNorm, sparseFromDense } from './sparse';

/** A basis {b_1, ..., b_K} of equivariant maps R^dIn -> R^dOut. */
export interface EquivariantBasis {
  readonly name: string;
  readonly dIn: number;
  readonly dOut: number;
  /** The basis elements, each dOut x dIn. */
  readonly elements: readonly SparseMatrix[];
  /** Index of the identity element (maps of a space to itself), or -1. */
  readonly identityIndex: number;
  /** The actions it is equivariant for (absent for hand-built bases). */
  readonly actionIn?: PermAction;
  readonly actionOut?: PermAction;
}

/** Bases already validated (their fields are readonly), so hot paths check each basis once. */
const checkedBases = new WeakSet<object>();

/**
 * Throws unless `b` is an {@link EquivariantBasis}: positive integer dims, every element a dOut x dIn sparse matrix
 * with in-range indices and finite values, identityIndex in [-1, |B|). Caches the verdict per basis object.
 */
export function expectBasis(fn: string, arg: string, b: unknown): EquivariantBasis {
  if (b !== null && typeof b === 'object' && checkedBases.has(b)) return b as EquivariantBasis;
  if (b === null || typeof b !== 'object') throw invalidArgument(fn, arg, 'an EquivariantBasis', b, 'type');
  const basis = b as EquivariantBasis;
  expectInteger(fn, `${arg}.dIn`, basis.dIn, { min: 1 });
  expectInteger(fn, `${arg}.dOut`, basis.dOut, { min: 1 });
  if (!Array.isArray(basis.elements)) throw invalidArgument(fn, `${arg}.elements`, 'an array of sparse matrices', basis.elements, 'type');
  basis.elements.forEach((e, k) => expectSparse(fn, `${arg}.elements[${k}]`, e, basis.dOut, basis.dIn));
  expectInteger(fn, `${arg}.identityIndex`, basis.identityIndex, { min: -1, max: basis.elements.length - 1 });
  checkedBases.add(b);
  return basis;
}

/** Options of {@link orbitBasis}. */
export interface OrbitBasisOptions {
  /**
   * Restrict to pairs (outIndex, inIndex) where this returns true (e.g. a k x k kernel window). The
   * set must be G-invariant; this is checked.
   */
  support?: (outIndex: number, inIndex: number) => boolean;
  /** Name of the basis. */
  name?: string;
}

/**
 * The orbit basis: one 0/1 matrix per G-orbit of index pairs (i_out, j_in), since W is equivariant
 * iff W[pi_out(i), pi_in(j)] = W[i, j] for every generator. When in and out are the same action, one
 * diagonal orbit is replaced by the identity so that I is a basis element (the construction figure needs I ∈ B_{i->i} [C], notes §2).
 */
export function orbitBasis(actionIn: PermAction, actionOut: PermAction, options: OrbitBasisOptions = {}): EquivariantBasis {
  assertSameGroup('orbitBasis', actionIn, actionOut);
  const opts = expectOptions('orbitBasis', 'options', options, ['support', 'name']);
  if (opts.support !== undefined) expectFunction('orbitBasis', 'options.support', opts.support);
  if (opts.name !== undefined && typeof opts.name !== 'string') throw invalidArgument('orbitBasis', 'options.name', 'a string', opts.name, 'type');
  const dIn = actionIn.dim;
  const dOut = actionOut.dim;
  const nPairs = dIn * dOut;
  if (nPairs > MAX_DENSE_ENTRIES) throw new RangeError(`orbitBasis: actionIn.dim·actionOut.dim must be <= ${MAX_DENSE_ENTRIES} (one union-find entry per index pair), got ${dIn}·${dOut}`);
  const support = opts.support;
  const parent = new Int32Array(nPairs);
  for (let i = 0; i < nPairs; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let g = 0; g < actionIn.generators.length; g++) {
    const pi = actionIn.generators[g]!;
    const po = actionOut.generators[g]!;
    for (let i = 0; i < dOut; i++) {
      for (let j = 0; j < dIn; j++) {
        const a = i * dIn + j;
        const b = po[i]! * dIn + pi[j]!;
        if (support && support(i, j) !== support(po[i]!, pi[j]!)) {
          throw new Error(`orbitBasis: options.support must be G-invariant, but pair (${i}, ${j}) and its image under generator ${g} disagree`);
        }
        const ra = find(a);
        const rb = find(b);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
  const orbitOf = new Map<number, number>();
  const members: number[][] = [];
  for (let a = 0; a < nPairs; a++) {
    if (support && !support(Math.floor(a / dIn), a % dIn)) continue;
    const root = find(a);
    let k = orbitOf.get(root);
    if (k === undefined) {
      k = members.length;
      orbitOf.set(root, k);
      members.push([]);
    }
    members[k]!.push(a);
  }
  const elements: SparseMatrix[] = members.map((m) => ({
    rows: dOut,
    cols: dIn,
    rowIdx: Int32Array.from(m, (a) => Math.floor(a / dIn)),
    colIdx: Int32Array.from(m, (a) => a % dIn),
    values: new Float64Array(m.length).fill(1),
  }));
  let identityIndex = -1;
  if (actionIn === actionOut || (actionIn.name === actionOut.name && dIn === dOut)) {
    // Diagonal pairs map to diagonal pairs, so the diagonal is a union of orbits; I = their sum.
    const diagonal = elements.map((e) => e.rowIdx.every((r, t) => r === e.colIdx[t]));
    identityIndex = diagonal.indexOf(true);
    const allDiagonalCovered = support ? Array.from({ length: dIn }, (_, i) => support(i, i)).every(Boolean) : true;
    if (identityIndex >= 0 && allDiagonalCovered) {
      elements[identityIndex] = sparseIdentityOf(dIn);
    } else {
      identityIndex = -1;
    }
  }
  return { name: options.name ?? `orbit basis ${actionIn.name} -> ${actionOut.name}`, dIn, dOut, elements, identityIndex, actionIn, actionOut };
}

function sparseIdentityOf(n: number): SparseMatrix {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  return { rows: n, cols: n, rowIdx: idx, colIdx: idx.slice(), values: new Float64Array(n).fill(1) };
}

/** Dense permutation matrix of `p` (P e_i = e_{p[i]}), row-major. */
export function permutationMatrix(p: ArrayLike<number>): Float64Array {
  expectPermutation('permutationMatrix', 'p', p);
  const n = p.length;
  if (n * n > MAX_DENSE_ENTRIES) throw new RangeError(`permutationMatrix: p.length² must be <= ${MAX_DENSE_ENTRIES}, got ${n}²`);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[p[i]! * n + i] = 1;
  return m;
}

/**
 * The generic route: a basis of {W : W rho_in(g) = rho_out(g) W for all generators g} by Gaussian
 * elimination on the (|gens| dOut dIn) x (dOut dIn) constraint matrix. Works for any representation
 * matrices (dense row-major, one per generator); keep dOut·dIn below ~1500.
 * Equivariance W ρ_in(g) = ρ_out(g) W: notes §1 [C, Natale]; solving it over generators is ours (notes §5).
 */
export function nullSpaceBasis(
  rhoIn: readonly Float64Array[],
  rhoOut: readonly Float64Array[],
  dIn: number,
  dOut: number,
  name = 'null-space basis',
): EquivariantBasis {
  return nullSpaceBasisIn('nullSpaceBasis', rhoIn, rhoOut, dIn, dOut, name);
}

/** {@link nullSpaceBasis} with errors naming `fn`, the public entry that was called. */
function nullSpaceBasisIn(fn: string, rhoIn: readonly Float64Array[], rhoOut: readonly Float64Array[], dIn: number, dOut: number, name: string): EquivariantBasis {
  if (!Array.isArray(rhoIn)) throw invalidArgument(fn, 'rhoIn', 'an array of dense matrices', rhoIn, 'type');
  if (!Array.isArray(rhoOut)) throw invalidArgument(fn, 'rhoOut', 'an array of dense matrices', rhoOut, 'type');
  if (rhoIn.length !== rhoOut.length || rhoIn.length === 0) {
    throw new Error(`${fn}: rhoIn and rhoOut must list the same positive number of generators, got ${rhoIn.length} and ${rhoOut.length}`);
  }
  expectInteger(fn, 'dIn', dIn, { min: 1 });
  expectInteger(fn, 'dOut', dOut, { min: 1 });
  if (typeof name !== 'string') throw invalidArgument(fn, 'name', 'a string', name, 'type');
  const nU = dIn * dOut;
  if (nU > 4096) throw new Error(`${fn}: dOut·dIn must be <= 4096 for dense elimination, got ${nU}`);
  const nG = rhoIn.length;
  for (let g = 0; g < nG; g++) {
    if (!(ArrayBuffer.isView(rhoIn[g]) || Array.isArray(rhoIn[g])) || rhoIn[g]!.length !== dIn * dIn) throw new Error(`${fn}: rhoIn[${g}] must have length ${dIn * dIn}, got ${rhoIn[g]?.length}`);
    if (!(ArrayBuffer.isView(rhoOut[g]) || Array.isArray(rhoOut[g])) || rhoOut[g]!.length !== dOut * dOut) throw new Error(`${fn}: rhoOut[${g}] must have length ${dOut * dOut}, got ${rhoOut[g]?.length}`);
    expectFiniteArray(fn, `rhoIn[${g}]`, rhoIn[g]);
    expectFiniteArray(fn, `rhoOut[${g}]`, rhoOut[g]);
  }
  const a = new Float64Array(nG * nU * nU);
  for (let g = 0; g < nG; g++) {
    const ri = rhoIn[g]!;
    const ro = rhoOut[g]!;
    // Row (g, r, c): sum_j W[r,j] rhoIn[j,c] - sum_i rhoOut[r,i] W[i,c] = 0; unknown W[r,j] at r·dIn + j.
    for (let r = 0; r < dOut; r++) {
      for (let c = 0; c < dIn; c++) {
        const row = (g * nU + r * dIn + c) * nU;
        for (let j = 0; j < dIn; j++) a[row + r * dIn + j]! += ri[j * dIn + c]!;
        for (let i = 0; i < dOut; i++) a[row + i * dIn + c]! -= ro[r * dOut + i]!;
      }
    }
  }
  const vectors = nullSpace(a, nG * nU, nU);
  const elements = vectors.map((v) => sparseFromDense(v, dOut, dIn, 1e-12));
  let identityIndex = -1;
  if (dIn === dOut) {
    const withId = includeIdentity(elements, dIn);
    return { name, dIn, dOut, elements: withId.elements, identityIndex: withId.identityIndex };
  }
  return { name, dIn, dOut, elements, identityIndex };
}

/** {@link nullSpaceBasis} for two permutation actions. */
export function nullSpaceBasisOfActions(actionIn: PermAction, actionOut: PermAction): EquivariantBasis {
  assertSameGroup('nullSpaceBasisOfActions', actionIn, actionOut);
  if (actionIn.dim * actionOut.dim > 4096) throw new Error(`nullSpaceBasisOfActions: actionOut.dim·actionIn.dim must be <= 4096 for dense elimination, got ${actionIn.dim}·${actionOut.dim}`);
  const b = nullSpaceBasisIn(
    'nullSpaceBasisOfActions',
    actionIn.generators.map(permutationMatrix),
    actionOut.generators.map(permutationMatrix),
    actionIn.dim,
    actionOut.dim,
    `null-space basis ${actionIn.name} -> ${actionOut.name}`,
  );
  return { ...b, actionIn, actionOut };
}

/**
 * Makes the identity a basis element when it lies in the span: puts I first and keeps each remaining
 * element only if it raises the rank (so the result spans the same space with I in it).
 * Ours: notes §5 'extend {I} to a basis' (the construction needs I ∈ B_{i->i}).
 */
export function includeIdentity(elements: readonly SparseMatrix[], n: number): { elements: SparseMatrix[]; identityIndex: number } {
  expectInteger('includeIdentity', 'n', n, { min: 1 });
  if (!Array.isArray(elements)) throw invalidArgument('includeIdentity', 'elements', 'an array of n x n sparse matrices', elements, 'type');
  elements.forEach((e, k) => expectSparse('includeIdentity', `elements[${k}]`, e, n, n));
  if ((elements.length + 1) * n * n > MAX_DENSE_ENTRIES) throw new RangeError(`includeIdentity: (elements.length + 1)·n² must be <= ${MAX_DENSE_ENTRIES}, got ${elements.length + 1}·${n}²`);
  const id = sparseIdentityOf(n);
  const flat = (ms: readonly SparseMatrix[]): Float64Array => {
    const out = new Float64Array(ms.length * n * n);
    ms.forEach((m, k) => out.set(denseOf(m), k * n * n));
    return out;
  };
  const rankAll = matrixRank(flat(elements), elements.length, n * n);
  if (matrixRank(flat([...elements, id]), elements.length + 1, n * n) > rankAll) {
    return { elements: [...elements], identityIndex: -1 };
  }
  const kept: SparseMatrix[] = [id];
  for (const e of elements) {
    if (kept.length === rankAll) break;
    if (matrixRank(flat([...kept, e]), kept.length + 1, n * n) > kept.length) kept.push(e);
  }
  return { elements: kept, identityIndex: 0 };
}

/** Largest |b rho_in(g) - rho_out(g) b| entry over basis elements and generators (0 for an exact basis; notes §8 invariant 1). */
export function basisEquivarianceResidual(basis: EquivariantBasis, actionIn: PermAction, actionOut: PermAction): number {
  expectBasis('basisEquivarianceResidual', 'basis', basis);
  assertSameGroup('basisEquivarianceResidual', actionIn, actionOut);
  if (actionIn.dim !== basis.dIn || actionOut.dim !== basis.dOut) {
    throw new Error(`basisEquivarianceResidual: actions have dims ${actionIn.dim} -> ${actionOut.dim}, basis is ${basis.dIn} -> ${basis.dOut}`);
  }
  let worst = 0;
  for (const b of basis.elements) {
    const d = denseOf(b);
    for (let g = 0; g < actionIn.generators.length; g++) {
      const pi = actionIn.generators[g]!;
      const po = actionOut.generators[g]!;
      // (W P_in)[r, pi[j]] = W[r, j] and (P_out W)[po[r], c] = W[r, c]; compare entrywise.
      for (let r = 0; r < basis.dOut; r++) {
        for (let j = 0; j < basis.dIn; j++) {
          worst = Math.max(worst, Math.abs(d[po[r]! * basis.dIn + pi[j]!]! - d[r * basis.dIn + j]!));
        }
      }
    }
  }
  return worst;
}

/** Rank of the span of the basis elements (equals |B| when they are linearly independent). */
export function basisRank(basis: EquivariantBasis): number {
  expectBasis('basisRank', 'basis', basis);
  const n = basis.dIn * basis.dOut;
  if (basis.elements.length * n > MAX_DENSE_ENTRIES) throw new RangeError(`basisRank: |B|·dIn·dOut must be <= ${MAX_DENSE_ENTRIES}, got ${basis.elements.length}·${basis.dIn}·${basis.dOut}`);
  const flat = new Float64Array(basis.elements.length * n);
  basis.elements.forEach((m, k) => flat.set(denseOf(m), k * n));
  return matrixRank(flat, basis.elements.length, n);
}

/** How {@link basisNorm} got its value. */
export interface BasisNormResult {
  /** ‖B‖ = max over |beta|_inf <= 1 of ‖sum_k beta_k b_k‖_op (or an upper bound on it). */
  norm: number;
  /** 'exact': all 2^K sign vertices enumerated; 'bound': sqrt(‖S‖_1 ‖S‖_inf) with S = sum_k |b_k|. */
  method: 'exact' | 'bound';
}

/**
 * The basis norm ‖B‖. The max of a convex function over the cube is attained at a vertex, so for
 * K <= maxExact the 2^K sign patterns are enumerated (power iteration each); otherwise the bound
 * ‖A‖_2 <= sqrt(‖A‖_1 ‖A‖_inf) applied to S = sum |b_k| (entrywise) is returned (a standard norm inequality; ours here).
 */
export function basisNorm(basis: EquivariantBasis, maxExact = 8): BasisNormResult {
  expectBasis('basisNorm', 'basis', basis);
  expectInteger('basisNorm', 'maxExact', maxExact, { max: 16 });
  const K = basis.elements.length;
  const { dIn, dOut } = basis;
  if (K <= maxExact && dIn * dOut <= 40_000) {
    // 2^(K-1) sign patterns x 100 power steps x dIn·dOut: past ~2^33 operations this is a hang, not a norm.
    if (2 ** Math.max(K - 1, 0) * 100 * dIn * dOut > 2 ** 33) {
      throw new RangeError(`basisNorm: maxExact = ${maxExact} would enumerate 2^${K - 1} sign patterns of a ${dOut} x ${dIn} basis; pass maxExact < ${K} for the bound`);
    }
    const dense = basis.elements.map(denseOf);
    let best = 0;
    const w = new Float64Array(dIn * dOut);
    // ‖B‖ of §1 (definition restated by Natale et al. 2024 [C]; the paper's equation number is unknown: body unread).
    // beta and -beta give the same norm, so fix beta_0 = +1.
    for (let s = 0; s < 1 << Math.max(K - 1, 0); s++) {
      w.fill(0);
      for (let k = 0; k < K; k++) {
        const sign = k === 0 ? 1 : (s >> (k - 1)) & 1 ? -1 : 1;
        const d = dense[k]!;
        for (let t = 0; t < w.length; t++) w[t]! += sign * d[t]!;
      }
      best = Math.max(best, operatorNorm(w, dOut, dIn, 100, s));
    }
    return { norm: best, method: 'exact' };
  }
  const rowSum = new Float64Array(dOut);
  const colSum = new Float64Array(dIn);
  for (const b of basis.elements) {
    for (let e = 0; e < b.values.length; e++) {
      rowSum[b.rowIdx[e]!]! += Math.abs(b.values[e]!);
      colSum[b.colIdx[e]!]! += Math.abs(b.values[e]!);
    }
  }
  return { norm: Math.sqrt(Math.max(...rowSum) * Math.max(...colSum)), method: 'bound' };
}
