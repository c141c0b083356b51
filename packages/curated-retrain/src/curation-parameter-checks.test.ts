import { describe, expect, it } from 'vitest';
import { checkBeta, checkK, checkRatio } from './curation-parameter-checks';

describe('checkK', () => {
  it('takes any integer >= 1, and Infinity only where allowed', () => {
    expect(checkK('f', 4)).toBe(4);
    expect(checkK('f', 1e300)).toBe(1e300);
    expect(checkK('f', Infinity, true)).toBe(Infinity);
    expect(() => checkK('f', Infinity)).toThrow(/^f: K must be an integer >= 1, got Infinity$/);
    expect(() => checkK('f', 0, true)).toThrow(/^f: K must be an integer >= 1 or Infinity, got 0$/);
    expect(() => checkK('f', 1.5)).toThrow(/^f: K must be an integer >= 1, got 1.5$/);
    expect(() => checkK('f', '3')).toThrow(/^f: K must be an integer >= 1, got string$/);
  });
});

describe('checkBeta and checkRatio', () => {
  it('checkBeta is a finite number >= 0', () => {
    expect(checkBeta('f', 0)).toBe(0);
    expect(checkBeta('f', 2.5)).toBe(2.5);
    expect(() => checkBeta('f', -1)).toThrow(/^f: beta must be a finite number >= 0, got -1$/);
    expect(() => checkBeta('f', Infinity)).toThrow(/^f: beta must be a finite number >= 0, got Infinity$/);
    expect(() => checkBeta('f', '1')).toThrow(/^f: beta must be a finite number >= 0, got string$/);
  });

  it('checkRatio is a number in [0, Infinity]', () => {
    expect(checkRatio('f', Infinity)).toBe(Infinity);
    expect(checkRatio('f', 0)).toBe(0);
    expect(() => checkRatio('f', -1)).toThrow(/^f: syntheticToRealRatio must be a number in \[0, Infinity\] \(synthetic count \/ real count; 0 = real data only, Infinity = curated only\), got -1$/);
    expect(() => checkRatio('f', Number.NaN)).toThrow(/^f: syntheticToRealRatio must be a number in \[0, Infinity\].*got NaN$/);
  });
});
