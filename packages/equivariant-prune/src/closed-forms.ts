/** Closed-form equivariant bases: MLP, DeepSets, Maron et al.'s 2-order layers, (group) convolutions. */
import { expectOneOf, expectOptions, invalidArgument } from '@lemma/gpu-kernels/validate';
import { type EquivariantBasis, expectBasis, orbitBasis } from './basis';
import { type ImageGroup, symmetricGroup, trivialAction } from './groups';
import type { SparseMatrix } from './sparse';

function fromEntries(rows: number, cols: number, entries: [number, number, number][]): SparseMatrix {
  return {
    rows,
    cols,
    rowIdx: Int32Array.from(entries, (e) => e[0]),
    colIdx: Int32Array.from(entries, (e) => e[1]),
    values: Float64Array.from(entries, (e) => e[2]),
  };
}

/**
 * Largest n each closed form builds: the densest element has n², n³ or n⁴ entries (Maron's op 15 sums all n⁴
 * pairs), so the caps keep one basis under ~2^21 stored entries per element instead of hanging at n = 1e4.
 */
export const MAX_BASIS_N = { deepSets: 1024, setReadout: 1 << 20, maron1to2: 128, maron2to1: 128, maron2to2: 32 } as const;

function checkN(where: string, n: number, max: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
    throw new Error(`${where}: n must be an integer in [1, ${max}] (the basis has O(n^k) stored entries), got ${String(n)}`);
  }
}

/** The trivial group on R (one MLP weight per channel pair): B = {[1]} (notes §5 table; Pensia et al. 2020's MLP case). */
export function mlpBasis(): EquivariantBasis {
  const a = trivialAction(1);
  return { name: 'MLP {1}', dIn: 1, dOut: 1, elements: [fromEntries(1, 1, [[0, 0, 1]])], identityIndex: 0, actionIn: a, actionOut: a };
}

/** DeepSets (S_n on R^n): {I, 11ᵀ/n} (Maron's 'inf' normalization, so ‖B‖ = 2). Standard (Zaheer et al. 2017) = Maron's ops_1_to_1 (notes §5). */
export function deepSetsBasis(n: number): EquivariantBasis {
  checkN('deepSetsBasis', n, MAX_BASIS_N.deepSets);
  const id: [number, number, number][] = [];
  const mean: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    id.push([i, i, 1]);
    for (let j = 0; j < n; j++) mean.push([i, j, 1 / n]);
  }
  const a = symmetricGroup(n).set();
  return { name: `DeepSets n=${n}`, dIn: n, dOut: n, elements: [fromEntries(n, n, id), fromEntries(n, n, mean)], identityIndex: 0, actionIn: a, actionOut: a };
}

/** S_n-invariant readout R^n -> R: {1ᵀ/n} (mean pooling), the only equivariant map from a set to a scalar (standard, Zaheer et al. 2017). */
export function setReadoutBasis(n: number): EquivariantBasis {
  checkN('setReadoutBasis', n, MAX_BASIS_N.setReadout);
  const g = symmetricGroup(n);
  const e: [number, number, number][] = [];
  for (let j = 0; j < n; j++) e.push([0, j, 1 / n]);
  return { name: `set mean readout n=${n}`, dIn: n, dOut: 1, elements: [fromEntries(1, n, e)], identityIndex: -1, actionIn: g.set(), actionOut: g.invariant() };
}

/**
 * Maron et al. (2019) 2 -> 2 layer: the 15 ops of `ops_2_to_2` with 'inf' normalization (sums over
 * one index / n, over two indices / n²). Linearly independent only for n >= 4 (rank 14 at n = 3, 8 at n = 2).
 * Op 10 (index 9) is the identity. Source: Maron et al.'s reference code `ops_2_to_2` (notes §5 [C]); no paper equation number.
 */
export function maron2to2Basis(n: number): EquivariantBasis {
  checkN('maron2to2Basis', n, MAX_BASIS_N.maron2to2);
  const N = n * n;
  const ix = (i: number, j: number): number => i * n + j;
  // Maron et al. 2019's 15 = Bell(4) ops_2_to_2 (ranks 1/8/14/15/15 at n = 1..5 measured, notes §5 and update).
  const ops: [number, number, number][][] = Array.from({ length: 15 }, () => []);
  const n1 = 1 / n;
  const n2 = 1 / (n * n);
  for (let i = 0; i < n; i++) {
    ops[0]!.push([ix(i, i), ix(i, i), 1]); // 1: diag(diag X)
    for (let k = 0; k < n; k++) {
      ops[1]!.push([ix(i, i), ix(k, k), n1]); // 2: diag(sum of diag)
      ops[2]!.push([ix(i, i), ix(i, k), n1]); // 3: diag(row sums)
      ops[3]!.push([ix(i, i), ix(k, i), n1]); // 4: diag(col sums)
      for (let l = 0; l < n; l++) ops[4]!.push([ix(i, i), ix(k, l), n2]); // 5: diag(sum all)
    }
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        ops[5]!.push([ix(i, j), ix(k, i), n1]); // 6: col-sum_i along row i
        ops[6]!.push([ix(i, j), ix(i, k), n1]); // 7: row-sum_i along row i
        ops[7]!.push([ix(i, j), ix(k, j), n1]); // 8: col-sum_j along column j
        ops[8]!.push([ix(i, j), ix(j, k), n1]); // 9: row-sum_j along column j
        ops[13]!.push([ix(i, j), ix(k, k), n1]); // 14: sum of diag everywhere
        for (let l = 0; l < n; l++) ops[14]!.push([ix(i, j), ix(k, l), n2]); // 15: sum all everywhere
      }
      ops[9]!.push([ix(i, j), ix(i, j), 1]); // 10: identity
      ops[10]!.push([ix(i, j), ix(j, i), 1]); // 11: transpose
      ops[11]!.push([ix(i, j), ix(i, i), 1]); // 12: diag_i along row i
      ops[12]!.push([ix(i, j), ix(j, j), 1]); // 13: diag_j along column j
    }
  }
  const a = symmetricGroup(n).pairs();
  return { name: `Maron 2->2 n=${n}`, dIn: N, dOut: N, elements: ops.map((e) => fromEntries(N, N, e)), identityIndex: 9, actionIn: a, actionOut: a };
}

/** Maron 1 -> 2 (S_n on R^n to R^{n x n}): 5 ops, independent for n >= 3 (rank 4 at n = 2); Maron's code `ops_1_to_2` (notes §5). */
export function maron1to2Basis(n: number): EquivariantBasis {
  checkN('maron1to2Basis', n, MAX_BASIS_N.maron1to2);
  const N = n * n;
  const ops: [number, number, number][][] = Array.from({ length: 5 }, () => []);
  for (let i = 0; i < n; i++) {
    ops[0]!.push([i * n + i, i, 1]); // diag(x)
    for (let k = 0; k < n; k++) ops[1]!.push([i * n + i, k, 1 / n]); // diag(mean x)
    for (let j = 0; j < n; j++) {
      ops[2]!.push([i * n + j, i, 1]); // x_i along row i
      ops[3]!.push([i * n + j, j, 1]); // x_j along column j
      for (let k = 0; k < n; k++) ops[4]!.push([i * n + j, k, 1 / n]); // mean x everywhere
    }
  }
  const g = symmetricGroup(n);
  return { name: `Maron 1->2 n=${n}`, dIn: n, dOut: N, elements: ops.map((e) => fromEntries(N, n, e)), identityIndex: -1, actionIn: g.set(), actionOut: g.pairs() };
}

/** Maron 2 -> 1 (S_n on R^{n x n} to R^n): 5 ops, independent for n >= 3 (rank 4 at n = 2); Maron's code `ops_2_to_1` (notes §5). */
export function maron2to1Basis(n: number): EquivariantBasis {
  checkN('maron2to1Basis', n, MAX_BASIS_N.maron2to1);
  const N = n * n;
  const ops: [number, number, number][][] = Array.from({ length: 5 }, () => []);
  for (let i = 0; i < n; i++) {
    ops[0]!.push([i, i * n + i, 1]); // diag
    for (let k = 0; k < n; k++) {
      ops[1]!.push([i, k * n + k, 1 / n]); // mean of diag
      ops[2]!.push([i, i * n + k, 1 / n]); // row means
      ops[3]!.push([i, k * n + i, 1 / n]); // column means
      for (let l = 0; l < n; l++) ops[4]!.push([i, k * n + l, 1 / (n * n)]); // mean of all
    }
  }
  const g = symmetricGroup(n);
  return { name: `Maron 2->1 n=${n}`, dIn: N, dOut: n, elements: ops.map((e) => fromEntries(n, N, e)), identityIndex: -1, actionIn: g.pairs(), actionOut: g.set() };
}

/** Field types of an image layer: one scalar channel or one regular field (|G| orientation channels). */
export type FieldType = 'scalar' | 'regular';

const FIELD_TYPES: readonly FieldType[] = ['scalar', 'regular'];

function expectImageGroup(fn: string, group: unknown): ImageGroup {
  const g = group as ImageGroup | null;
  if (g === null || typeof g !== 'object' || typeof g.scalarField !== 'function' || typeof g.regularField !== 'function' || !Number.isInteger(g.size)) {
    throw invalidArgument(fn, 'group', 'an ImageGroup (see imageGroup)', group, 'type');
  }
  return g;
}

/** Options of {@link groupConvBasis}. */
export interface GroupConvBasisOptions {
  /** Input field type. */
  from: FieldType;
  /** Output field type. */
  to: FieldType;
  /** Odd kernel size k (k x k window). */
  kernel: number;
}

/**
 * Group convolutions with k x k kernels for an image group with circular translations: the orbit basis
 * restricted to pairs whose pixels differ by at most (k-1)/2 in each coordinate (mod size). Regular ->
 * regular has dimension |G| k² (C4, k = 3: 36); scalar -> regular k²; scalar -> scalar = C_N/D_N-invariant
 * kernels (C4, k = 3: 3). For a trivial point group this is a plain circular CNN (k² shifts).
 * Standard G-CNN (Cohen & Welling 2016) as an orbit basis; dimensions from notes §5 [V]; escnn's R2Conv is the reference.
 */
export function groupConvBasis(group: ImageGroup, options: GroupConvBasisOptions): EquivariantBasis {
  expectImageGroup('groupConvBasis', group);
  if (options === undefined) throw invalidArgument('groupConvBasis', 'options', 'an options object { from, to, kernel }', options, 'type');
  const { from, to, kernel: k } = expectOptions('groupConvBasis', 'options', options, ['from', 'to', 'kernel']);
  expectOneOf('groupConvBasis', 'options.from', from, FIELD_TYPES);
  expectOneOf('groupConvBasis', 'options.to', to, FIELD_TYPES);
  if (!group.translations) throw new Error(`groupConvBasis: group must include circular translations (imageGroup(..., { translations: true })), got ${group.name}`);
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0) throw new Error(`groupConvBasis: options.kernel must be an odd positive integer, got ${k}`);
  if (group.size < k) throw new Error(`groupConvBasis: image size ${group.size} must be >= kernel ${k}`);
  const s = group.size;
  const n2 = s * s;
  const r = (k - 1) / 2;
  const near = (a: number, b: number): boolean => {
    const d = (((b - a) % s) + s) % s;
    return d <= r || s - d <= r;
  };
  const local = (o: number, i: number): boolean => {
    const po = o % n2;
    const pi = i % n2;
    return near(Math.floor(po / s), Math.floor(pi / s)) && near(po % s, pi % s);
  };
  const act = (f: FieldType) => (f === 'scalar' ? group.scalarField() : group.regularField());
  const b = orbitBasis(act(from), act(to), { support: local, name: `${group.name} conv ${from}->${to} k=${k}` });
  return b;
}

/**
 * The conv2d filters of a translation-equivariant image basis: filter[u, v, cin, cout] = W[(cout, p0),
 * (cin, p0 + (u - r, v - r))] read at a centre pixel p0. Returned as one Float64Array per basis element of
 * shape [k, k, inChannels, outChannels] (row-major), where channels are |G| for regular fields and 1 for scalar.
 * With these filters, 'same' zero-padded convolution of any square image is equivariant to the point group. Ours.
 */
export function convFilters(basis: EquivariantBasis, group: ImageGroup, kernel: number): { filters: Float64Array[]; inChannels: number; outChannels: number } {
  expectBasis('convFilters', 'basis', basis);
  expectImageGroup('convFilters', group);
  const s = group.size;
  if (typeof kernel !== 'number' || !Number.isInteger(kernel) || kernel < 1 || kernel % 2 === 0 || kernel > s) {
    throw invalidArgument('convFilters', 'kernel', `an odd positive integer <= the image size ${s}`, kernel);
  }
  const n2 = s * s;
  const inC = basis.dIn / n2;
  const outC = basis.dOut / n2;
  if (!Number.isInteger(inC) || !Number.isInteger(outC)) throw new Error(`convFilters: basis dims ${basis.dIn} -> ${basis.dOut} are not multiples of ${n2} pixels`);
  const r = (kernel - 1) / 2;
  const c0 = Math.floor(s / 2);
  const p0 = c0 * s + c0;
  const filters = basis.elements.map((e) => {
    const f = new Float64Array(kernel * kernel * inC * outC);
    for (let t = 0; t < e.values.length; t++) {
      const o = e.rowIdx[t]!;
      if (o % n2 !== p0) continue;
      const co = Math.floor(o / n2);
      const i = e.colIdx[t]!;
      const ci = Math.floor(i / n2);
      const q = i % n2;
      let du = Math.floor(q / s) - c0;
      let dv = (q % s) - c0;
      // wrap circular offsets into [-r, r]
      if (du > s / 2) du -= s;
      if (du < -s / 2) du += s;
      if (dv > s / 2) dv -= s;
      if (dv < -s / 2) dv += s;
      // A support wider than the kernel would index outside the filter and drop or misplace the weight.
      if (Math.abs(du) > r || Math.abs(dv) > r) throw new RangeError(`convFilters: kernel = ${kernel} is smaller than the basis support (offset (${du}, ${dv}) at the centre pixel)`);
      f[(((du + r) * kernel + (dv + r)) * inC + ci) * outC + co]! += e.values[t]!;
    }
    return f;
  });
  return { filters, inChannels: inC, outChannels: outC };
}
