/**
 * Finite groups acting on feature spaces by permutations. Pointwise ReLU commutes with a representation
 * only when every rho(g) is a permutation matrix, so these are the actions the construction supports
 * (notes §1 [C]; escnn's 'pointwise' rule). Groups and actions are standard; no paper numbers.
 * An action lists one index permutation per group generator; two actions of the same group list their
 * generators in the same order, so generator i of the input action and of the output action are the
 * same group element.
 */
import { expectBoolean, expectInteger, expectOptions, invalidArgument } from '@lemma/gpu-kernels/validate';
import {
  type Permutation,
  MAX_ACTION_DIM,
  composePermutations,
  composeUnchecked,
  expectPermutation,
  identityPermutation,
  isPermutation,
  permutationKey,
} from './permutation';

/** A permutation representation of a finite group on R^dim, given on the group's generators. */
export interface PermAction {
  /** Name of the group and representation, e.g. `S5 on pairs`. */
  readonly name: string;
  /** The group's name (actions of the same group must agree on it and on the generator order). */
  readonly group: string;
  /** Dimension of the feature space. */
  readonly dim: number;
  /** One index permutation of length `dim` per group generator. */
  readonly generators: readonly Permutation[];
}

/** Validates and builds a {@link PermAction}. */
export function permAction(name: string, group: string, dim: number, generators: readonly Permutation[]): PermAction {
  if (typeof name !== 'string') throw invalidArgument('permAction', 'name', 'a string', name, 'type');
  if (typeof group !== 'string') throw invalidArgument('permAction', 'group', 'a string', group, 'type');
  expectInteger('permAction', 'dim', dim, { min: 1, max: MAX_ACTION_DIM });
  if (!Array.isArray(generators)) throw invalidArgument('permAction', 'generators', 'an array of permutations', generators, 'type');
  generators.forEach((g: unknown, i) => {
    if (!ArrayBuffer.isView(g) && !Array.isArray(g)) throw invalidArgument('permAction', `generators[${i}]`, `a permutation of length ${dim}`, g, 'type');
    const p = g as Permutation;
    if (p.length !== dim || !isPermutation(p)) {
      throw new Error(`permAction: generator ${i} of ${name} must be a permutation of length ${dim}, got length ${p.length}`);
    }
  });
  const action = { name, group, dim, generators };
  checked.add(action);
  return action;
}

/** Actions already validated (built by permAction or checked once): their fields are readonly. */
const checked = new WeakSet<object>();

/** Throws unless `a` is a valid {@link PermAction} (for actions not built by {@link permAction}). */
export function expectAction(fn: string, arg: string, a: unknown): PermAction {
  if (a !== null && typeof a === 'object' && checked.has(a)) return a as PermAction;
  if (a === null || typeof a !== 'object') throw invalidArgument(fn, arg, 'a PermAction (see permAction)', a, 'type');
  const { name, group, dim, generators } = a as Partial<PermAction>;
  if (typeof name !== 'string' || typeof group !== 'string') throw invalidArgument(fn, `${arg}.name and ${arg}.group`, 'strings', typeof name !== 'string' ? name : group, 'type');
  expectInteger(fn, `${arg}.dim`, dim, { min: 1, max: MAX_ACTION_DIM });
  if (!Array.isArray(generators)) throw invalidArgument(fn, `${arg}.generators`, 'an array of permutations', generators, 'type');
  generators.forEach((g, i) => expectPermutation(fn, `${arg}.generators[${i}]`, g, dim));
  checked.add(a);
  return a as PermAction;
}

/** Throws unless `a` and `b` (arguments actionIn, actionOut) are valid actions of the same group (same name and number of generators). */
export function assertSameGroup(where: string, a: PermAction, b: PermAction): void {
  expectAction(where, 'actionIn', a);
  expectAction(where, 'actionOut', b);
  if (a.group !== b.group || a.generators.length !== b.generators.length) {
    throw new Error(
      `${where}: input and output actions must be of the same group, got '${a.group}' (${a.generators.length} generators) and '${b.group}' (${b.generators.length} generators)`,
    );
  }
}

/**
 * All group elements as permutations of this action's indices (closure under the generators).
 * Throws when the closure exceeds `maxElements`.
 */
export function groupElements(action: PermAction, maxElements = 100_000): Permutation[] {
  expectAction('groupElements', 'action', action);
  expectInteger('groupElements', 'maxElements', maxElements, { min: 1, max: MAX_GROUP_ELEMENTS });
  const id = identityPermutation(action.dim);
  const seen = new Map<string, Permutation>([[permutationKey(id), id]]);
  const queue: Permutation[] = [id];
  while (queue.length > 0) {
    const p = queue.pop()!;
    for (const g of action.generators) {
      const q = composeUnchecked(g, p);
      const key = permutationKey(q);
      if (!seen.has(key)) {
        if (seen.size >= maxElements) {
          throw new Error(`groupElements: ${action.name} has more than maxElements = ${maxElements} elements`);
        }
        seen.set(key, q);
        queue.push(q);
      }
    }
  }
  return [...seen.values()];
}

/** Largest `maxElements` of {@link groupElements}: each element is a stored permutation and a string key. */
export const MAX_GROUP_ELEMENTS = 10_000_000;

/** The trivial group (plain MLPs): one generator, the identity, acting on R^dim. */
export function trivialAction(dim: number): PermAction {
  expectInteger('trivialAction', 'dim', dim, { min: 1, max: MAX_ACTION_DIM });
  return permAction(`trivial on R^${dim}`, 'trivial', dim, [identityPermutation(dim)]);
}

/** The symmetric group S_n with its two generators, a transposition (0 1) and the n-cycle (standard; notes §5). */
export interface SymmetricGroup {
  readonly n: number;
  /** S_n permuting the n elements of a set (DeepSets). */
  set(): PermAction;
  /** S_n acting on n x n arrays by (i, j) -> (pi i, pi j) (2-order networks, adjacency matrices). */
  pairs(): PermAction;
  /** The trivial representation on R (invariant outputs). */
  invariant(): PermAction;
}

/** S_n acting on sets, pairs and scalars. */
export function symmetricGroup(n: number): SymmetricGroup {
  expectInteger('symmetricGroup', 'n', n, { min: 1, max: MAX_ACTION_DIM });
  const swap = identityPermutation(n);
  if (n >= 2) {
    swap[0] = 1;
    swap[1] = 0;
  }
  const cycle = new Int32Array(n);
  for (let i = 0; i < n; i++) cycle[i] = (i + 1) % n;
  const gens = [swap, cycle];
  const group = `S${n}`;
  return {
    n,
    set: () => permAction(`${group} on sets`, group, n, gens),
    pairs: () => {
      if (n * n > MAX_ACTION_DIM) throw new RangeError(`symmetricGroup: pairs() needs n² <= ${MAX_ACTION_DIM} (MAX_ACTION_DIM), got n = ${n}`);
      return permAction(
        `${group} on pairs`,
        group,
        n * n,
        gens.map((g) => {
          const p = new Int32Array(n * n);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) p[i * n + j] = g[i]! * n + g[j]!;
          return p;
        }),
      );
    },
    invariant: () => permAction(`${group} invariant`, group, 1, gens.map(() => identityPermutation(1))),
  };
}

/** Point groups acting on a square pixel grid; exact on the grid only for these. */
export type PointGroupName = 'trivial' | 'C2' | 'C4' | 'D2' | 'D4';

/** Options of {@link imageGroup}. */
export interface ImageGroupOptions {
  /** Also include circular translations (the p4/p4m-style group on a torus). Default false. */
  translations?: boolean;
}

/**
 * A group acting on square `size` x `size` images: a point group (rotations by 90/180 degrees about the
 * centre, reflections) and optionally circular translations.
 */
export interface ImageGroup {
  readonly name: string;
  readonly size: number;
  readonly point: PointGroupName;
  /** Order of the point group |G| (the number of regular-field orientations). */
  readonly order: number;
  readonly translations: boolean;
  /** One scalar channel: pixels move, values unchanged (dim size^2). */
  scalarField(): PermAction;
  /** One regular field: |G| orientation channels, index h·size² + p, acted on by (h, p) -> (g h, g p) (ρ_reg, notes §5; standard, escnn). */
  regularField(): PermAction;
  /** The trivial representation on R (invariant outputs). */
  invariant(): PermAction;
}

function pointGenerators(point: PointGroupName, s: number): Permutation[] {
  const rot = (quarterTurns: number): Permutation => {
    const p = new Int32Array(s * s);
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        let a = i;
        let b = j;
        // one quarter turn: (i, j) -> (j, s-1-i)
        for (let t = 0; t < quarterTurns; t++) [a, b] = [b, s - 1 - a];
        p[i * s + j] = a * s + b;
      }
    }
    return p;
  };
  const flip = (): Permutation => {
    const p = new Int32Array(s * s);
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) p[i * s + j] = i * s + (s - 1 - j);
    return p;
  };
  switch (point) {
    case 'trivial':
      return [];
    case 'C2':
      return [rot(2)];
    case 'C4':
      return [rot(1)];
    case 'D2':
      return [rot(2), flip()];
    case 'D4':
      return [rot(1), flip()];
  }
}

function translationGenerators(s: number): Permutation[] {
  const down = new Int32Array(s * s);
  const right = new Int32Array(s * s);
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < s; j++) {
      down[i * s + j] = ((i + 1) % s) * s + j;
      right[i * s + j] = i * s + ((j + 1) % s);
    }
  }
  return [down, right];
}

/** Largest image side of {@link imageGroup}: a D4 regular field has 8·size² indices. */
export const MAX_IMAGE_SIZE = 1024;

const POINT_ORDER: Record<PointGroupName, number> = { trivial: 1, C2: 2, C4: 4, D2: 4, D4: 8 };

/**
 * C_n / D_n (n = 2, 4) acting on square images, optionally with circular translations.
 * For `point = 'trivial'` with translations this is the CNN group (circular translations only).
 */
export function imageGroup(point: PointGroupName, size: number, options: ImageGroupOptions = {}): ImageGroup {
  // hasOwn, not `in`: 'toString' is in every object.
  if (typeof point !== 'string' || !Object.prototype.hasOwnProperty.call(POINT_ORDER, point)) throw new Error(`imageGroup: point must be one of trivial, C2, C4, D2, D4, got '${String(point)}'`);
  expectInteger('imageGroup', 'size', size, { min: 2, max: MAX_IMAGE_SIZE });
  const opts = expectOptions('imageGroup', 'options', options, ['translations']);
  const translations = opts.translations === undefined ? false : expectBoolean('imageGroup', 'options.translations', opts.translations);
  const s = size;
  const n2 = s * s;
  const pointGens = pointGenerators(point, s);
  const transGens = translations ? translationGenerators(s) : [];
  const group = `${point}${translations ? '+T' : ''}@${s}`;
  const order = POINT_ORDER[point];
  // Point-group elements as pixel permutations (faithful for s >= 2) and their Cayley action.
  const elems =
    pointGens.length === 0 ? [identityPermutation(n2)] : groupElements(permAction('pixels', group, n2, pointGens));
  if (elems.length !== order) throw new Error(`imageGroup: internal error, ${point} has ${elems.length} elements on ${s}x${s}`);
  const index = new Map(elems.map((e, i) => [permutationKey(e), i]));
  const leftMul = (g: Permutation): Int32Array => {
    const m = new Int32Array(order);
    elems.forEach((h, i) => (m[i] = index.get(permutationKey(composePermutations(g, h))!)!));
    return m;
  };
  const allPixelGens = [...pointGens, ...transGens];
  // Guarantee at least one generator so every action has the same (non-empty) list.
  const pixelGens = allPixelGens.length > 0 ? allPixelGens : [identityPermutation(n2)];
  const isPoint = (k: number): boolean => k < pointGens.length;
  return {
    name: group,
    size,
    point,
    order,
    translations,
    scalarField: () => permAction(`${group} scalar field`, group, n2, pixelGens),
    regularField: () =>
      permAction(
        `${group} regular field`,
        group,
        order * n2,
        pixelGens.map((g, k) => {
          const m = isPoint(k) ? leftMul(g) : identityPermutation(order);
          const p = new Int32Array(order * n2);
          for (let h = 0; h < order; h++) for (let q = 0; q < n2; q++) p[h * n2 + q] = m[h]! * n2 + g[q]!;
          return p;
        }),
      ),
    invariant: () => permAction(`${group} invariant`, group, 1, pixelGens.map(() => identityPermutation(1))),
  };
}
