/**
 * The one WebAssembly binary encoder of the package, shared by the hand-assembled modules: the wasm backend's SIMD
 * optimizer kernels (kernels/wasm-simd) and NormalStream's Philox + Box-Muller generator (rng/normal-wasm.ts).
 * LEB128, sections, a module of functions that import one memory, and the scalar and SIMD opcodes those modules use
 * (numbers from the WebAssembly 2.0 spec). No toolchain: a module is assembled at load time and checked with
 * `WebAssembly.validate`.
 */

/** Encoded bytes. */
export type Bytes = number[];

export const uleb = (n: number): Bytes => {
  const out: Bytes = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

/** Signed LEB128 of an integer in the int64 range (exact up to 2^53; used for i32/i64 constants). */
export const sleb = (n: number | bigint): Bytes => {
  let v = BigInt(n);
  const out: Bytes = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};

const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
const str = (s: string): Bytes => vec([...s].map((c) => [c.charCodeAt(0)]));
const section = (id: number, body: Bytes): Bytes => [id, ...uleb(body.length), ...body];

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

const simd = (code: number): Bytes => [0xfd, ...uleb(code)];
const f64Bytes = (x: number): Bytes => [...new Uint8Array(Float64Array.of(x).buffer)];

/** i8x16.shuffle picking 32-bit lanes (0-3 from the first operand, 4-7 from the second). */
const shuffle32 = (lanes: readonly number[]): Bytes => [...simd(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])];
/** i8x16.shuffle picking 64-bit lanes (0-1 from the first operand, 2-3 from the second). */
const shuffle64 = (lanes: readonly number[]): Bytes => [...simd(0x0d), ...lanes.flatMap((l) => [0, 1, 2, 3, 4, 5, 6, 7].map((b) => 8 * l + b))];

/** The instructions the modules use (add opcodes here as a module needs them). */
export const op = {
  get: (i: number): Bytes => [0x20, ...uleb(i)],
  set: (i: number): Bytes => [0x21, ...uleb(i)],
  tee: (i: number): Bytes => [0x22, ...uleb(i)],
  call: (f: number): Bytes => [0x10, ...uleb(f)],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  ifVoid: [0x04, 0x40],
  end: [0x0b],
  br: (d: number): Bytes => [0x0c, ...uleb(d)],
  brIf: (d: number): Bytes => [0x0d, ...uleb(d)],
  ret: [0x0f],
  select: [0x1b],
  i32: (n: number): Bytes => [0x41, ...sleb(n | 0)],
  i64: (n: number | bigint): Bytes => [0x42, ...sleb(n)],
  f64: (x: number): Bytes => [0x44, ...f64Bytes(x)],
  i32eqz: [0x45],
  i32ltU: [0x49],
  i32gtS: [0x4a],
  f64eq: [0x61],
  i32add: [0x6a],
  i32sub: [0x6b],
  i32and: [0x71],
  i32or: [0x72],
  i32xor: [0x73],
  i32shrS: [0x75],
  i64and: [0x83],
  i64or: [0x84],
  i64shl: [0x86],
  i64shrU: [0x88],
  f64sqrt: [0x9f],
  f64add: [0xa0],
  f64sub: [0xa1],
  f64mul: [0xa2],
  f64div: [0xa3],
  i32wrapI64: [0xa7],
  i64extendI32U: [0xad],
  f64convertI32S: [0xb7],
  i64reinterpretF64: [0xbd],
  f64reinterpretI64: [0xbf],
  // SIMD, by opcode. v128.load/store take a byte offset and an alignment hint as a power of two (default 2^4,
  // at most 2^4; the hint only affects speed, never the result).
  load: (offset = 0, alignLog2 = 4): Bytes => [...simd(0x00), alignLog2, ...uleb(offset)],
  store: (offset = 0, alignLog2 = 4): Bytes => [...simd(0x0b), alignLog2, ...uleb(offset)],
  vconst32: (a: readonly number[]): Bytes => [...simd(0x0c), ...new Uint8Array(Uint32Array.from(a).buffer)],
  vconstF64: (a: number, b = a): Bytes => [...simd(0x0c), ...f64Bytes(a), ...f64Bytes(b)],
  shuffle32,
  shuffle64,
  i32x4splat: simd(0x11),
  f32x4splat: simd(0x13),
  i32x4extractLane: (l: number): Bytes => [...simd(0x1b), l],
  f64x2extractLane: (l: number): Bytes => [...simd(0x21), l],
  f64x2replaceLane: (l: number): Bytes => [...simd(0x22), l],
  i32x4ltU: simd(0x3a),
  i32x4gtS: simd(0x3b),
  vand: simd(0x4e),
  vor: simd(0x50),
  vxor: simd(0x51),
  bitselect: simd(0x52),
  anyTrue: simd(0x53),
  f64x2promoteLowF32x4: simd(0x5f),
  i32x4shl: simd(0xab),
  i32x4shrU: simd(0xad),
  i32x4add: simd(0xae),
  i32x4sub: simd(0xb1),
  extmulLowU: simd(0xde),
  extmulHighU: simd(0xdf),
  f32x4neg: simd(0xe1),
  f32x4sqrt: simd(0xe3),
  f32x4add: simd(0xe4),
  f32x4sub: simd(0xe5),
  f32x4mul: simd(0xe6),
  f32x4div: simd(0xe7),
  f32x4min: simd(0xe8),
  f32x4max: simd(0xe9),
  f64x2sqrt: simd(0xef),
  f64x2add: simd(0xf0),
  f64x2sub: simd(0xf1),
  f64x2mul: simd(0xf2),
  f64x2div: simd(0xf3),
  f32x4convertI32x4S: simd(0xfa),
  f64x2convertLowI32x4S: simd(0xfe),
};

/** One function of a module: its signature, extra locals (numbered after the params) and body (without the final end). */
export interface WasmFunc {
  name?: string;
  params: number[];
  results: number[];
  locals: number[];
  body: Bytes[];
}

/**
 * A module of `funcs` (numbered in order; named ones are exported) importing its memory as `env.memory`: the caller
 * instantiates it with `{ env: { memory } }`, a memory of its own (normal-wasm.ts) or another module's (wasmSimd runs in
 * the tfjs wasm backend's heap).
 */
export function encodeModule(funcs: WasmFunc[]): Uint8Array<ArrayBuffer> {
  const types = section(1, vec(funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))])));
  // (import "env" "memory" (memory 0)): matches any unshared memory, whatever its size.
  const imports = section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x00]]));
  const fns = section(3, vec(funcs.map((_, i) => uleb(i))));
  const exported = funcs.flatMap((f, i) => (f.name ? [[...str(f.name), 0x00, ...uleb(i)]] : []));
  const exports = section(7, vec(exported));
  const code = section(
    10,
    vec(
      funcs.map((f) => {
        const body = [...vec(f.locals.map((t) => [1, t])), ...f.body.flat(), ...op.end];
        return [...uleb(body.length), ...body];
      }),
    ),
  );
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...fns, ...exports, ...code]);
}
