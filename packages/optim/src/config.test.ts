import { fc, test } from '@fast-check/vitest';
import { expect, it } from 'vitest';
import { decodeConfig, encodeConfig } from './config';

// tfjs-layers camel-cases every string that contains '_' when it reloads a model's training config.
const camelCaseLikeTfjs = (s: string): string => (s.length <= 1 || !s.includes('_') ? s : s.replace(/[_]+(\w|$)/g, (_m, p1: string) => p1.toUpperCase()));

function throughTfjs(v: unknown): unknown {
  if (typeof v === 'string') return camelCaseLikeTfjs(v);
  if (Array.isArray(v)) return v.map(throughTfjs);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [camelCaseLikeTfjs(k), throughTfjs(x)]));
  return v;
}

test.prop([fc.array(fc.string({ unit: fc.constantFrom('a', '_', '%', '/', '5', 'F', 'x') }), { maxLength: 5 })], { numRuns: 60 })(
  'strings (variable names, regex sources) survive a tfjs-layers save/load of the config',
  (names) => {
    const options = { learningRate: 0.1, noDecay: names, groups: [{ match: new RegExp(names.map((n) => n.replace(/[^a-z_]/g, '')).join('|') || 'x'), lrScale: 2 }] };
    const back = decodeConfig(throughTfjs(encodeConfig(options))) as typeof options;
    expect(back.noDecay).toEqual(names);
    expect(back.groups[0]!.match.source).toBe(options.groups[0]!.match.source);
    expect(back.groups[0]!.lrScale).toBe(2);
  },
);

it('refuses functions (naming where), keeps ±Infinity (e.g. clipSNR: Infinity, "no clip") through JSON, drops undefined', () => {
  expect(() => encodeConfig({ a: 1, nested: { f: () => 1 } }, 'options')).toThrow("encodeConfig: options.nested.f is a function, which cannot be saved");
  expect(() => encodeConfig({ x: [1, Number.NaN] })).toThrow('encodeConfig: config.x[1] is NaN, which cannot be saved');
  const enc = encodeConfig({ b: Infinity, n: -Infinity, c: 3, u: undefined });
  expect(enc).toEqual({ b: { nonFiniteNumber: 'Infinity' }, n: { nonFiniteNumber: '-Infinity' }, c: 3 });
  expect(decodeConfig(throughTfjs(JSON.parse(JSON.stringify(enc))))).toEqual({ b: Infinity, n: -Infinity, c: 3 });
});
