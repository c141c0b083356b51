import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { groupElements, imageGroup, permAction, symmetricGroup, trivialAction } from './groups';
import { identityPermutation } from './permutation';

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

describe('permutation actions', () => {
  test.prop([fc.integer({ min: 1, max: 6 })], { numRuns: 6 })('S_n has n! elements on sets and on pairs (both actions are faithful)', (n) => {
    const g = symmetricGroup(n);
    expect(groupElements(g.set()).length).toBe(factorial(n));
    expect(groupElements(g.pairs()).length).toBe(factorial(n));
    expect(g.pairs().dim).toBe(n * n);
    expect(groupElements(g.invariant()).length).toBe(1);
  });

  it.each([
    ['trivial', 1],
    ['C2', 2],
    ['C4', 4],
    ['D2', 4],
    ['D4', 8],
  ] as const)('the %s point group has order %i on a 4x4 grid; the regular field has |G|·16 indices', (point, order) => {
    const g = imageGroup(point, 4);
    expect(g.order).toBe(order);
    expect(groupElements(g.scalarField()).length).toBe(order);
    expect(groupElements(g.regularField()).length).toBe(order);
    expect(g.regularField().dim).toBe(order * 16);
  });

  it('translations add the 16 circular shifts of a 4x4 grid (C4 with translations: 64 elements)', () => {
    expect(groupElements(imageGroup('trivial', 4, { translations: true }).scalarField()).length).toBe(16);
    expect(groupElements(imageGroup('C4', 4, { translations: true }).scalarField()).length).toBe(64);
  });

  it('the trivial action has only the identity; a closure past maxElements throws', () => {
    expect(groupElements(trivialAction(5))).toEqual([identityPermutation(5)]);
    expect(() => groupElements(symmetricGroup(5).set(), 100)).toThrow(/groupElements: S5 on sets has more than maxElements = 100 elements/);
    expect(permAction('a', 'g', 2, [Int32Array.from([1, 0])]).generators.length).toBe(1);
  });
});
