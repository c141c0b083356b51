import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf-writer';

/** Base-128 varint of a non-negative integer, low group first, written plainly with BigInt (the reference). */
function varint(v: number): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x > 0n ? b | 0x80 : b);
  } while (x > 0n);
  return out;
}

describe('ProtoWriter', () => {
  it('uint writes tag (field·8 + 0) and the varint: known bytes, and any safe integer against a BigInt encoder', () => {
    expect(Array.from(new ProtoWriter().uint(1, 0).finish())).toEqual([0x08, 0x00]);
    expect(Array.from(new ProtoWriter().uint(1, 150).finish())).toEqual([0x08, 0x96, 0x01]); // the protobuf docs' example
    expect(Array.from(new ProtoWriter().uint(2, 2 ** 53 - 1).finish())).toEqual([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(Array.from(new ProtoWriter().uint(16, 1).finish())).toEqual([0x80, 0x01, 0x01]); // field 16: a two-byte tag
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 29 - 1 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (field, v) => {
        expect(Array.from(new ProtoWriter().uint(field, v).finish())).toEqual([...varint(field * 8), ...varint(v)]);
      }),
      { numRuns: 300 },
    );
  });

  it('every field type decodes with protobufjs: double, float, bytes, string, packed doubles, in order', () => {
    fc.assert(
      fc.property(
        fc.double(),
        fc.float(),
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.array(fc.double(), { maxLength: 40 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (d, f, bytes, s, doubles, u) => {
          const buf = new ProtoWriter().double(1, d).float(2, f).bytes(3, bytes).string(4, s).packedDoubles(5, doubles).uint(6, u).finish();
          const r = protobuf.Reader.create(buf);
          expect(r.uint32()).toBe((1 << 3) | 1);
          expect(Object.is(r.double(), d)).toBe(true);
          expect(r.uint32()).toBe((2 << 3) | 5);
          expect(Object.is(r.float(), Math.fround(f))).toBe(true);
          expect(r.uint32()).toBe((3 << 3) | 2);
          expect(Array.from(r.bytes())).toEqual(Array.from(bytes));
          expect(r.uint32()).toBe((4 << 3) | 2);
          expect(r.string()).toBe(s);
          expect(r.uint32()).toBe((5 << 3) | 2);
          const end = r.uint32() + r.pos;
          const got: number[] = [];
          while (r.pos < end) got.push(r.double());
          expect(got.length).toBe(doubles.length);
          got.forEach((x, i) => expect(Object.is(x, doubles[i])).toBe(true));
          expect(r.uint32()).toBe((6 << 3) | 0);
          expect(String(r.uint64())).toBe(String(u));
          expect(r.pos).toBe(buf.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a negative, fractional or unsafe uint, naming the field', () => {
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) {
      expect(() => new ProtoWriter().uint(3, bad), String(bad)).toThrow(`ProtoWriter: field 3 must be a non-negative safe integer, got ${bad}`);
    }
  });
});
