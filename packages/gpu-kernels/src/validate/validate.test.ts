import { describe, expect, it } from 'vitest';
import { createRng } from '../rng/rng';
import {
  describeType,
  describeValue,
  expectArrayLike,
  expectFiniteArray,
  expectInteger,
  expectLength,
  expectNumber,
  expectOptions,
  expectRng,
  invalidArgument,
  suggestKey,
} from './index';

/** The error `f` throws (fails the test when it returns). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('describeType', () => {
  it('names numbers, null and undefined as themselves, arrays by length, the rest by typeof', () => {
    expect([1.5, Number.NaN, -Infinity, null, undefined].map(describeType)).toEqual(['1.5', 'NaN', '-Infinity', 'null', 'undefined']);
    expect(describeType([1, 2])).toBe('an array of length 2');
    expect(describeType(new Float64Array(3))).toBe('an array of length 3');
    expect(['7', {}, true, () => 1, 2n, new DataView(new ArrayBuffer(4))].map(describeType)).toEqual(['string', 'object', 'boolean', 'function', 'bigint', 'object']);
  });
});

describe('describe option', () => {
  it('invalidArgument uses describeValue unless given another', () => {
    expect(invalidArgument('f', 'x', 'a number', '7', 'type').message).toBe("f: x must be a number, got '7' (a string)");
    const e = invalidArgument('f', 'x', 'a number', '7', 'type', describeType);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('f: x must be a number, got string');
  });

  it('expectNumber and expectInteger pass it to both the type and the range error', () => {
    expect(thrown(() => expectNumber('f', 'x', '7', { describe: describeType })).message).toBe('f: x must be a finite number, got string');
    expect(thrown(() => expectInteger('f', 'k', {}, { min: 1, expected: 'an integer >= 1', describe: describeType })).message).toBe('f: k must be an integer >= 1, got object');
    const bad = new Number(1);
    expect(thrown(() => expectInteger('f', 'k', bad, { describe: () => 'a boxed number' })).message).toBe('f: k must be a non-negative integer, got a boxed number');
    expect(thrown(() => expectNumber('f', 'x', -0, { min: 0, exclusiveMin: true, describe: describeType })).message).toBe('f: x must be a finite number > 0, got 0');
    expect(thrown(() => expectNumber('f', 'x', -0, { min: 0, exclusiveMin: true })).message).toBe('f: x must be a finite number > 0, got -0');
  });
});

describe('expectNumber test', () => {
  const rule = { test: (v: number) => v >= 0 && v < 1, expected: 'in [0, 1)', allowInfinity: true };
  it('accepts what the test accepts and rejects the rest with the same message form', () => {
    expect(expectNumber('f', 'beta', 0.5, rule)).toBe(0.5);
    expect(thrown(() => expectNumber('f', 'beta', 1, rule)).message).toBe('f: beta must be in [0, 1), got 1');
    expect(thrown(() => expectNumber('f', 'beta', 1, rule))).toBeInstanceOf(RangeError);
    expect(thrown(() => expectNumber('f', 'beta', Infinity, rule)).message).toBe('f: beta must be in [0, 1), got Infinity');
  });
  it('never sees NaN, -Infinity or a non-number', () => {
    const seen: number[] = [];
    const r = { allowInfinity: true, test: (v: number) => (seen.push(v), true), expected: 'a number' };
    expect(thrown(() => expectNumber('f', 'x', Number.NaN, r)).message).toBe('f: x must be a number, got NaN');
    expect(thrown(() => expectNumber('f', 'x', -Infinity, r)).message).toBe('f: x must be a number, got -Infinity');
    expect(thrown(() => expectNumber('f', 'x', '1', r))).toBeInstanceOf(TypeError);
    expect(expectNumber('f', 'x', Infinity, r)).toBe(Infinity);
    expect(seen).toEqual([Infinity]);
  });
});

describe('expectInteger max', () => {
  it('defaults to Number.MAX_SAFE_INTEGER; max: Infinity takes any finite integer', () => {
    expect(thrown(() => expectInteger('f', 'n', 2 ** 60)).message).toBe(`f: n must be a non-negative integer, got ${2 ** 60}`);
    expect(expectInteger('f', 'n', 2 ** 60, { max: Infinity })).toBe(2 ** 60);
    expect(thrown(() => expectInteger('f', 'n', Infinity, { max: Infinity }))).toBeInstanceOf(RangeError);
  });
});

describe('expectOptions rule', () => {
  it('by default reads undefined as {} and names the unknown key', () => {
    expect(expectOptions('f', 'options', undefined, [])).toEqual({});
    expect(thrown(() => expectOptions('f', 'options', { a: 1, b: 2 }, ['a'] as never)).message).toBe("f: options has an unknown key 'b'; known keys: a");
  });
  it('required rejects undefined; describe and unknownKey word the errors', () => {
    const rule = { required: true, describe: describeType, unknownKey: (k: string) => `f: unknown option '${k}' in options (allowed: a)` };
    const e = thrown(() => expectOptions('f', 'options', undefined, [], rule));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('f: options must be an options object, got undefined');
    expect(thrown(() => expectOptions('f', 'options', 'x' as never, [], rule)).message).toBe('f: options must be an options object, got string');
    expect(thrown(() => expectOptions('f', 'options', { a: 1, b: 2 }, ['a'] as never, rule)).message).toBe("f: unknown option 'b' in options (allowed: a)");
    const o = { a: 1 };
    expect(expectOptions('f', 'options', o, ['a'], rule)).toBe(o);
  });
});

describe('expectOptions "did you mean"', () => {
  const known = ['maxIterations', 'threshold', 'checkEvery'];
  const aliases = { numItermax: 'maxIterations', stopThr: 'threshold', lr: 'learningRate' };
  it('suggests the aliased key, keeping the message format around it', () => {
    expect(thrown(() => expectOptions('f', 'options', { numItermax: 5 }, known as never, { aliases })).message).toBe(
      "f: options has an unknown key 'numItermax' (did you mean 'maxIterations'?); known keys: maxIterations, threshold, checkEvery",
    );
    expect(thrown(() => expectOptions('f', 'options', { stopThr: 1e-9 }, known as never, { aliases })).message).toMatch(/unknown key 'stopThr' \(did you mean 'threshold'\?\)/);
    // Lower-cased lookup; an alias whose target is not a known key is ignored (one table serves several functions).
    expect(thrown(() => expectOptions('f', 'options', { NUMITERMAX: 5 }, known as never, { aliases })).message).toMatch(/did you mean 'maxIterations'/);
    expect(thrown(() => expectOptions('f', 'options', { lr: 1 }, known as never, { aliases })).message).toBe("f: options has an unknown key 'lr'; known keys: maxIterations, threshold, checkEvery");
  });
  it('suggests the closest spelling only with closest: true (existing messages unchanged by default)', () => {
    expect(thrown(() => expectOptions('f', 'options', { maxIteration: 5 }, known as never)).message).toBe("f: options has an unknown key 'maxIteration'; known keys: maxIterations, threshold, checkEvery");
    expect(thrown(() => expectOptions('f', 'options', { maxIteration: 5 }, known as never, { closest: true })).message).toMatch(/unknown key 'maxIteration' \(did you mean 'maxIterations'\?\)/);
    expect(thrown(() => expectOptions('f', 'options', { verbose: true }, known as never, { closest: true })).message).not.toMatch(/did you mean/);
  });
  it('passes the suggestion to a custom unknownKey', () => {
    const unknownKey = (k: string, s: string | undefined) => `f: unknown option '${k}'${s ? ` (did you mean '${s}'?)` : ''}`;
    expect(thrown(() => expectOptions('f', 'options', { stopThr: 1 }, known as never, { aliases, unknownKey })).message).toBe("f: unknown option 'stopThr' (did you mean 'threshold'?)");
  });
  it('suggestKey: aliases first, then the nearest key within max(2, len/3) edits, case-insensitive', () => {
    expect(suggestKey('numItermax', known, { aliases, closest: true })).toBe('maxIterations');
    expect(suggestKey('Threshhold', known, { closest: true })).toBe('threshold');
    expect(suggestKey('checkevery', known)).toBeUndefined();
    expect(suggestKey('checkevery', known, { closest: true })).toBe('checkEvery');
    expect(suggestKey('toString', known, { aliases })).toBeUndefined();
    expect(suggestKey('abc', known, { closest: true })).toBeUndefined();
    // Never a whole-word replacement: a one-letter key is not "meant" as another one-letter key.
    expect(suggestKey('x', ['a', 'b'], { closest: true })).toBeUndefined();
    expect(suggestKey('ab', ['a', 'b'], { closest: true })).toBe('a');
  });
});

describe('expectArrayLike', () => {
  it('takes arrays and typed arrays without reading entries', () => {
    const a = [Number.NaN, 'x'] as unknown as number[];
    expect(expectArrayLike('f', 'x', a)).toBe(a);
    const t = new Float32Array(2);
    expect(expectArrayLike('f', 'x', t)).toBe(t);
  });
  it('rejects anything else (a DataView included) with a TypeError', () => {
    for (const bad of [null, 5, '12', {}, new DataView(new ArrayBuffer(4))]) {
      const e = thrown(() => expectArrayLike('f', 'x', bad));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe(`f: x must be an array of numbers, got ${describeValue(bad)}`);
    }
    expect(thrown(() => expectArrayLike('f', 'x', '12', { describe: describeType })).message).toBe('f: x must be an array of numbers, got string');
    expect(thrown(() => expectArrayLike('f', 'x', null, { expected: 'an array of finite numbers' })).message).toBe('f: x must be an array of finite numbers, got null');
  });
  it('keeps expectFiniteArray’s container message', () => {
    expect(thrown(() => expectFiniteArray('f', 'x', 'ab')).message).toBe("f: x must be an array of finite numbers, got 'ab' (a string)");
  });
});

describe('expectLength', () => {
  it('returns the array when the length matches, else a RangeError with the optional reason', () => {
    const a = [1, 2];
    expect(expectLength('f', 'r', a, 2)).toBe(a);
    const e = thrown(() => expectLength('f', 'r', a, 3));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe('f: r must have length 3, got length 2');
    expect(thrown(() => expectLength('f', 'r', a, 3, 'one reward per atom of p')).message).toBe('f: r must have length 3 (one reward per atom of p), got length 2');
  });
});

describe('expectRng', () => {
  it('takes an Rng from createRng', () => {
    const rng = createRng(1);
    expect(expectRng('f', 'rng', rng)).toBe(rng);
  });
  it('rejects seeds, {} and partial objects with a TypeError', () => {
    const partial = { uniform: () => 0.5, normal: () => 0 };
    for (const bad of [7, {}, null, undefined, partial]) {
      const e = thrown(() => expectRng('f', 'rng', bad));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe(`f: rng must be an Rng from createRng (gpu-kernels), got ${describeValue(bad)}`);
    }
    expect(thrown(() => expectRng('f', 'rng', {}, { describe: describeType })).message).toBe('f: rng must be an Rng from createRng (gpu-kernels), got object');
  });
});
