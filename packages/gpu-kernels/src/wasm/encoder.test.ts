import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeModule, F64, I32, I64, op, sleb, uleb, type WasmFunc } from './encoder';

/** Unsigned LEB128 written plainly (BigInt): 7 bits a byte, low group first, high bit = more. */
function ulebRef(n: number): number[] {
  let x = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    if (x === 0n) return [...out, b];
    out.push(b | 0x80);
  }
}

/** Decodes signed LEB128 (the reference direction: bytes -> value). */
function decodeSleb(bytes: number[]): bigint {
  let v = 0n;
  let shift = 0n;
  for (const b of bytes) {
    v |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) return b & 0x40 ? v - (1n << shift) : v;
  }
  throw new Error('unterminated LEB128');
}

/** Instantiates a module of `funcs` with a fresh one-page memory. */
function instantiate(funcs: WasmFunc[]): { exports: Record<string, (...a: (number | bigint)[]) => number>; memory: WebAssembly.Memory } {
  const bytes = encodeModule(funcs);
  expect(WebAssembly.validate(bytes)).toBe(true);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return { exports: instance.exports as never, memory };
}

describe('LEB128', () => {
  it('uleb matches the spec examples and a BigInt encoder on every uint32', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]); // the DWARF / Wikipedia example
    expect(uleb(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(uleb(n)).toEqual(ulebRef(n));
      }),
      { numRuns: 1000 },
    );
  });

  it('sleb is the shortest signed encoding: known bytes, and it decodes back on the whole int64 range', () => {
    expect(sleb(0)).toEqual([0]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]); // bit 6 set needs a sign byte
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]); // the Wikipedia example
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const b = sleb(v);
        expect(decodeSleb(b)).toBe(v);
        // Shortest: dropping the last byte's group would change the value (every byte but the last has the continuation bit).
        b.slice(0, -1).forEach((x) => expect(x & 0x80).toBe(0x80));
        expect(b.at(-1)! & 0x80).toBe(0);
        if (b.length > 1) {
          const last = b.at(-1)!, prev = b.at(-2)!;
          // A redundant trailing byte would be 0x00 after a positive group or 0x7f after a negative one.
          expect((last === 0 && (prev & 0x40) === 0) || (last === 0x7f && (prev & 0x40) !== 0)).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('encodeModule', () => {
  it('assembles valid modules whose scalar functions compute what JavaScript computes (i32, i64, f64, calls, locals, loops)', () => {
    const g = op.get;
    const funcs: WasmFunc[] = [
      // 0: (a, b) -> a*b - a/b in f64
      { name: 'f', params: [F64, F64], results: [F64], locals: [], body: [g(0), g(1), op.f64mul, g(0), g(1), op.f64div, op.f64sub] },
      // 1: sum of 0..n-1 in i32 by a loop; a local beyond the params
      {
        name: 'sum',
        params: [I32],
        results: [I32],
        locals: [I32, I32],
        body: [
          op.block, op.loop,
          g(1), g(0), op.i32ltU, op.i32eqz, op.brIf(1),
          g(2), g(1), op.i32add, op.set(2),
          g(1), op.i32(1), op.i32add, op.set(1),
          op.br(0), op.end, op.end,
          g(2),
        ],
      },
      // 2: calls function 0 on (x, 3) and adds sqrt(2)
      { name: 'g', params: [F64], results: [F64], locals: [], body: [g(0), op.f64(3), op.call(0), op.f64(2), op.f64sqrt, op.f64add] },
      // 3: (x: i64) -> (x << 32) >>> 32 wrapped to i32: the low word of x
      { name: 'lo', params: [I64], results: [I32], locals: [], body: [g(0), op.i64(32), op.i64shl, op.i64(32), op.i64shrU, op.i32wrapI64] },
      // 4: an unnamed function (x - (-1)) is not exported
      { params: [I32], results: [I32], locals: [], body: [g(0), op.i32(-1), op.i32sub] },
    ];
    const { exports } = instantiate(funcs);
    expect(Object.keys(exports).sort()).toEqual(['f', 'g', 'lo', 'sum']);
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true, min: 1e-3, max: 1e3 }), (a, b) => {
        expect(Object.is(exports.f!(a, b), a * b - a / b)).toBe(true);
      }),
    );
    for (const n of [0, 1, 2, 10, 1000]) {
      let want = 0;
      for (let i = 0; i < n; i++) want += i;
      expect(exports.sum!(n)).toBe(want);
    }
    expect(exports.g!(1.5)).toBe(1.5 * 3 - 1.5 / 3 + Math.SQRT2);
    for (const x of [0n, 1n, 0x1_2345_6789n, -1n, -(2n ** 63n)]) expect(exports.lo!(x)).toBe(Number(BigInt.asIntN(32, x)));
  });

  it('SIMD opcodes act lane by lane on the imported memory (f64x2 and i32x4 against JavaScript)', () => {
    const g = op.get;
    const funcs: WasmFunc[] = [
      // mem[32..48) = sqrt(mem[0..16) * mem[16..32) + 1.5) per f64 lane
      { name: 'fma2', params: [], results: [], locals: [], body: [op.i32(32), op.i32(0), op.load(), op.i32(0), op.load(16), op.f64x2mul, op.vconstF64(1.5), op.f64x2add, op.f64x2sqrt, op.store()] },
      // mem[64..80) = (a + b) ^ (a >>> 3) per u32 lane, a = mem[48..64), b = the constant [1, 2, 3, 0xffffffff]
      {
        name: 'mix4',
        params: [],
        results: [],
        locals: [],
        body: [op.i32(64), op.i32(48), op.load(), op.vconst32([1, 2, 3, 0xffffffff]), op.i32x4add, op.i32(48), op.load(), op.i32(3), op.i32x4shrU, op.vxor, op.store()],
      },
      // lane 1 of the u32 vector at 48, and lane 0 of the f64 vector at 32
      { name: 'lane', params: [], results: [I32], locals: [], body: [op.i32(48), op.load(), op.i32x4extractLane(1)] },
      { name: 'flane', params: [I32], results: [F64], locals: [], body: [g(0), op.load(), op.f64x2extractLane(0)] },
    ];
    const { exports, memory } = instantiate(funcs);
    const f64 = new Float64Array(memory.buffer);
    const u32 = new Uint32Array(memory.buffer);
    f64.set([2, 3, 5, 7], 0);
    exports.fma2!();
    expect(Array.from(f64.subarray(4, 6))).toEqual([Math.sqrt(2 * 5 + 1.5), Math.sqrt(3 * 7 + 1.5)]);
    expect(exports.flane!(32)).toBe(Math.sqrt(11.5));
    const a = [0, 0x80000000, 12345, 0xffffffff];
    u32.set(a, 12);
    exports.mix4!();
    const b = [1, 2, 3, 0xffffffff];
    expect(Array.from(u32.subarray(16, 20))).toEqual(a.map((x, i) => (((x + b[i]!) >>> 0) ^ (x >>> 3)) >>> 0));
    expect(exports.lane!()).toBe(0x80000000 | 0);
  });

  it('shuffle32 / shuffle64 pick lanes of the two operands', () => {
    const funcs: WasmFunc[] = [
      { name: 's32', params: [], results: [], locals: [], body: [op.i32(32), op.i32(0), op.load(), op.i32(16), op.load(), op.shuffle32([3, 4, 0, 7]), op.store()] },
      { name: 's64', params: [], results: [], locals: [], body: [op.i32(48), op.i32(0), op.load(), op.i32(16), op.load(), op.shuffle64([2, 1]), op.store()] },
    ];
    const { exports, memory } = instantiate(funcs);
    const u32 = new Uint32Array(memory.buffer);
    u32.set([10, 11, 12, 13, 20, 21, 22, 23], 0);
    exports.s32!();
    expect(Array.from(u32.subarray(8, 12))).toEqual([13, 20, 10, 23]);
    exports.s64!();
    // 64-bit lanes: first operand (10,11), (12,13); second (20,21), (22,23); pick lane 2 then lane 1.
    expect(Array.from(u32.subarray(12, 16))).toEqual([20, 21, 12, 13]);
  });
});
