/**
 * The CPU generator of {@link NormalStream}'s normals in bulk: a hand-assembled WebAssembly SIMD module running
 * Philox 4x32-10 on four consecutive blocks at once (one block per i32x4 lane; the 32x32 -> 64-bit products by
 * `i64x2.extmul_*_i32x4_u`) and the float64 Box-Muller of box-muller.ts on them, writing 16 float64 normals per group
 * of four blocks into its own memory. Two groups go per loop iteration, software-pipelined: the next pair's Philox
 * rounds are interleaved with this pair's Box-Muller, so the out-of-order core overlaps the two dependency chains.
 * About 6x faster than the JavaScript path (philox4x32 + boxMuller4: 116 -> 18.5 ns per block of four normals on a
 * 2-core AMD EPYC VM, Node 20), with the same bits:
 * - Philox is integer arithmetic, exact either way (tested against the JavaScript path, itself checked against the
 *   Random123 vectors and BigInt arithmetic);
 * - ln is fdlibm's __ieee754_log (the algorithm of V8's Math.log, base/ieee754.cc), transcribed operation for
 *   operation in float64 (WebAssembly has no fused multiply-add, so every operation rounds as in C): its integer steps
 *   run on four lanes from the float32 bits of q = 2 (w >>> 9) + 1 (u = q 2^-24, exact), its float steps on two; the
 *   k == 0 shortcuts are dropped (with dk = 0 the general formulas give the same bits) and the rare |f| < 2^-20
 *   branch runs in a scalar copy. sqrt(-2 ln u) equals Math.sqrt(-2 * Math.log(u)) on all 2^23 uniforms the stream
 *   can produce (tested exhaustively, vector and scalar code);
 * - the trigonometric tables are box-muller.ts' own, copied into the module's memory, and the angle addition is the
 *   same products and sums in the same order (adding (-sin_lo) sin_hi where box-muller.ts subtracts sin_hi sin_lo:
 *   the same bits).
 *
 * {@link normalBlocksWasm} returns null where WebAssembly SIMD cannot run; the stream then runs in JavaScript.
 */
import { COS_HI, COS_LO, SIN_HI, SIN_LO } from './box-muller';
import { encodeModule, F64, I32, I64, op, V128, type Bytes, type WasmFunc } from '../wasm/encoder';

/** Blocks one {@link NormalBlocks.generate} call can write (the output region's size). */
export const WASM_CHUNK_BLOCKS = 1024;

// Memory layout: the hi table as (cos, sin, sin, cos) per entry, the lo table as (cos, cos, -sin, sin) (laid out for
// the angle addition so that it needs no shuffles), then the output.
const HI_BASE = 0;
const LO_BASE = 4096 * 32;
const OUT_BASE = LO_BASE + 2048 * 32;
const PAGES = Math.ceil((OUT_BASE + WASM_CHUNK_BLOCKS * 32) / 65536);

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
// fdlibm e_log.c constants.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** Scalar fdlibm log (function 1): the whole algorithm for x in (0, 1), the small-|f| branch included. */
function scalarLog(): WasmFunc {
  const [X, BITS, HX, I, K, F, DK, S, Z, W, R, HF] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const g = op.get;
  return {
    params: [F64],
    results: [F64],
    locals: [I64, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64],
    body: [
      g(X), op.i64reinterpretF64, op.set(BITS),
      // hx = high word; k = (hx >> 20) - 1023; hx &= 0xfffff; i = (hx + 0x95f64) & 0x100000
      g(BITS), op.i64(32), op.i64shrU, op.i32wrapI64, op.tee(HX), op.i32(20), op.i32shrS, op.i32(1023), op.i32sub, op.set(K),
      g(HX), op.i32(0xfffff), op.i32and, op.set(HX),
      g(HX), op.i32(0x95f64), op.i32add, op.i32(0x100000), op.i32and, op.set(I),
      // x = x with high word hx | (i ^ 0x3ff00000) (x or x/2 normalised into [sqrt(2)/2, sqrt(2))); k += i >> 20
      g(HX), g(I), op.i32(0x3ff00000), op.i32xor, op.i32or, op.i64extendI32U, op.i64(32), op.i64shl,
      g(BITS), op.i64(0xffffffff), op.i64and, op.i64or, op.f64reinterpretI64, op.set(X),
      g(K), g(I), op.i32(20), op.i32shrS, op.i32add, op.set(K),
      g(X), op.f64(1), op.f64sub, op.set(F),
      g(K), op.f64convertI32S, op.set(DK),
      // |f| < 2^-20
      op.i32(2), g(HX), op.i32add, op.i32(0xfffff), op.i32and, op.i32(3), op.i32ltU,
      op.ifVoid,
      g(F), op.f64(0), op.f64eq,
      op.ifVoid,
      g(DK), op.f64(LN2_HI), op.f64mul, g(DK), op.f64(LN2_LO), op.f64mul, op.f64add, op.ret,
      op.end,
      // R = f*f*(0.5 - 0.33333333333333333*f); return dk*ln2_hi - ((R - dk*ln2_lo) - f)
      g(F), g(F), op.f64mul, op.f64(0.5), op.f64(0.33333333333333333), g(F), op.f64mul, op.f64sub, op.f64mul, op.set(R),
      g(DK), op.f64(LN2_HI), op.f64mul, g(R), g(DK), op.f64(LN2_LO), op.f64mul, op.f64sub, g(F), op.f64sub, op.f64sub, op.ret,
      op.end,
      // s = f/(2+f); z = s*s; w = z*z
      g(F), op.f64(2), g(F), op.f64add, op.f64div, op.tee(S), g(S), op.f64mul, op.tee(Z), g(Z), op.f64mul, op.set(W),
      // R = z*(Lg1 + w*(Lg3 + w*(Lg5 + w*Lg7))) + w*(Lg2 + w*(Lg4 + w*Lg6))
      g(Z), op.f64(LG1), g(W), op.f64(LG3), g(W), op.f64(LG5), g(W), op.f64(LG7), op.f64mul, op.f64add, op.f64mul, op.f64add, op.f64mul, op.f64add, op.f64mul,
      g(W), op.f64(LG2), g(W), op.f64(LG4), g(W), op.f64(LG6), op.f64mul, op.f64add, op.f64mul, op.f64add, op.f64mul,
      op.f64add, op.set(R),
      g(F), op.f64(0.5), op.f64mul, g(F), op.f64mul, op.set(HF),
      // i > 0: dk*ln2_hi - ((hfsq - (s*(hfsq+R) + dk*ln2_lo)) - f)
      g(DK), op.f64(LN2_HI), op.f64mul,
      g(HF), g(S), g(HF), g(R), op.f64add, op.f64mul, g(DK), op.f64(LN2_LO), op.f64mul, op.f64add, op.f64sub, g(F), op.f64sub,
      op.f64sub,
      // else: dk*ln2_hi - ((s*(f-R) - dk*ln2_lo) - f)
      g(DK), op.f64(LN2_HI), op.f64mul,
      g(S), g(F), g(R), op.f64sub, op.f64mul, g(DK), op.f64(LN2_LO), op.f64mul, op.f64sub, g(F), op.f64sub,
      op.f64sub,
      // i = (hx - 0x6147a) | (0x6b851 - hx)
      g(HX), op.i32(0x6147a), op.i32sub, op.i32(0x6b851), g(HX), op.i32sub, op.i32or, op.i32(0), op.i32gtS,
      op.select,
    ],
  };
}

/**
 * Locals after the 7 params of {@link generate} (and of the 3 of {@link radiiTest}, which uses the same numbers): two
 * i32 (table addresses), then v128 values (SSA in the compiler, so reusing a local for independent values is free).
 */
const L = {
  AI: 7, BI: 8,
  CTR: 9, C1: 10, C2: 11, K0S: 12, K1S: 13, K0: 14, K1: 15,
  // Philox products of the two groups (P0L, P0H, P1L, P1H each)
  P0L: 16,
  // Philox states: set 0 (being transformed) and set 1 (next), two groups of four words each
  X0: 24,
  RA01: 40, RA23: 41, RB01: 42, RB23: 43, AH1: 44, AL1: 45, AH3: 46, AL3: 47,
  // the log's temporaries: four lanes of integer work, then two float64 lanes at a time
  Q4: 48, HXM4: 49, IV4: 50, K4: 51, LO4: 52, NH4: 53, M4: 54,
  XN: 55, DK: 56, MASK: 57, F: 58, S: 59, Z: 60, W: 61, R: 62, HF: 63, RES: 64,
};
const N_LOCALS = 65;

const i32s = (x: number): Bytes => op.vconst32([x, x, x, x]);
const f64s = (x: number): Bytes => op.vconstF64(x);

/**
 * The float64 half of fdlibm's log for two lanes: from xn (x normalised into [sqrt(2)/2, sqrt(2))), dk and the i > 0
 * mask in L.XN, L.DK, L.MASK, ln x into L.RES. Both k cases use the general formulas (with dk = 0 they give the
 * k == 0 shortcuts' bits); the i > 0 choice is a bitselect.
 */
function logTail(): Bytes[] {
  const g = op.get;
  const c = f64s;
  return [
    // f = xn - 1; s = f/(2+f); z = s*s; w = z*z; hfsq = 0.5*f*f
    g(L.XN), c(1), op.f64x2sub, op.set(L.F),
    g(L.F), c(2), g(L.F), op.f64x2add, op.f64x2div, op.tee(L.S), g(L.S), op.f64x2mul, op.tee(L.Z), g(L.Z), op.f64x2mul, op.set(L.W),
    g(L.F), c(0.5), op.f64x2mul, g(L.F), op.f64x2mul, op.set(L.HF),
    // R = z*(Lg1 + w*(Lg3 + w*(Lg5 + w*Lg7))) + w*(Lg2 + w*(Lg4 + w*Lg6))
    g(L.Z), c(LG1), g(L.W), c(LG3), g(L.W), c(LG5), g(L.W), c(LG7), op.f64x2mul, op.f64x2add, op.f64x2mul, op.f64x2add, op.f64x2mul, op.f64x2add, op.f64x2mul,
    g(L.W), c(LG2), g(L.W), c(LG4), g(L.W), c(LG6), op.f64x2mul, op.f64x2add, op.f64x2mul, op.f64x2add, op.f64x2mul,
    op.f64x2add, op.set(L.R),
    // i > 0: dk*ln2_hi - ((hfsq - (s*(hfsq+R) + dk*ln2_lo)) - f)
    g(L.DK), c(LN2_HI), op.f64x2mul,
    g(L.HF), g(L.S), g(L.HF), g(L.R), op.f64x2add, op.f64x2mul, g(L.DK), c(LN2_LO), op.f64x2mul, op.f64x2add, op.f64x2sub, g(L.F), op.f64x2sub,
    op.f64x2sub,
    // i <= 0: dk*ln2_hi - ((s*(f-R) - dk*ln2_lo) - f)
    g(L.DK), c(LN2_HI), op.f64x2mul,
    g(L.S), g(L.F), g(L.R), op.f64x2sub, op.f64x2mul, g(L.DK), c(LN2_LO), op.f64x2mul, op.f64x2sub, g(L.F), op.f64x2sub,
    op.f64x2sub,
    g(L.MASK), op.bitselect, op.set(L.RES),
  ];
}

/**
 * r = sqrt(-2 ln u) for the uniforms u = ((w >>> 9) + 0.5) / 2^23 of the four words in local `words`: lanes 0, 1
 * into `dst01`, lanes 2, 3 into `dst23`. u = q 2^-24 with q = 2 (w >>> 9) + 1 < 2^24, exact in float32, so one
 * f32x4.convert gives u's exponent and 23 significant bits, from which fdlibm's integer steps (k, the high word hx,
 * normalisation into [sqrt(2)/2, sqrt(2)), the i > 0 test) run on all four lanes at once and rebuild the float64 words.
 * A lane in fdlibm's |f| < 2^-20 branch ((2 + hx) & 0xfffff < 3, rare) makes the scalar log redo all four.
 */
function radiiQuad(words: number, dst01: number, dst23: number): Bytes[] {
  const g = op.get;
  const half = (lanes: readonly number[], dkLanes: readonly number[], maskLanes: readonly number[], dst: number): Bytes[] => [
    g(L.LO4), g(L.NH4), op.shuffle32(lanes), op.set(L.XN),
    g(L.K4), g(L.K4), op.shuffle32(dkLanes), op.f64x2convertLowI32x4S, op.set(L.DK),
    g(L.M4), g(L.M4), op.shuffle32(maskLanes), op.set(L.MASK),
    ...logTail(),
    f64s(-2), g(L.RES), op.f64x2mul, op.f64x2sqrt, op.set(dst),
  ];
  const scalarLane = (j: number, dst: number): Bytes[] => [
    g(dst), g(L.Q4), op.i32x4extractLane(j), op.f64convertI32S, op.f64(2 ** -24), op.f64mul, op.call(1),
    op.f64(-2), op.f64mul, op.f64sqrt, op.f64x2replaceLane(j % 2), op.set(dst),
  ];
  return [
    // q = (w >>> 8) | 1 = 2 (w >>> 9) + 1, its float32 bits: exponent e (q < 2^24: exact), mantissa bits m23
    g(words), op.i32(8), op.i32x4shrU, i32s(1), op.vor, op.tee(L.Q4), op.f32x4convertI32x4S, op.tee(L.LO4),
    // k = e - 127 - 24 (u's unbiased exponent); hx & 0xfffff = m23 >>> 3; u's low word = m23 << 29
    op.i32(23), op.i32x4shrU, i32s(151), op.i32x4sub, op.set(L.K4),
    g(L.LO4), i32s(0x7fffff), op.vand, op.i32(3), op.i32x4shrU, op.set(L.HXM4),
    g(L.LO4), op.i32(29), op.i32x4shl, op.set(L.LO4),
    // i = (hx + 0x95f64) & 0x100000; new high word hx | (i ^ 0x3ff00000); k += i >> 20
    g(L.HXM4), i32s(0x95f64), op.i32x4add, i32s(0x100000), op.vand, op.set(L.IV4),
    g(L.HXM4), g(L.IV4), i32s(0x3ff00000), op.vxor, op.vor, op.set(L.NH4),
    g(L.K4), g(L.IV4), op.i32(20), op.i32x4shrU, op.i32x4add, op.set(L.K4),
    // the i > 0 test: ((hx - 0x6147a) | (0x6b851 - hx)) > 0
    g(L.HXM4), i32s(0x6147a), op.i32x4sub, i32s(0x6b851), g(L.HXM4), op.i32x4sub, op.vor, i32s(0), op.i32x4gtS, op.set(L.M4),
    // lanes 0, 1 then 2, 3: float64 words (low, high) of xn, dk, the mask widened to 64 bits
    ...half([0, 4, 1, 5], [0, 1, 0, 1], [0, 0, 1, 1], dst01),
    ...half([2, 6, 3, 7], [2, 3, 2, 3], [2, 2, 3, 3], dst23),
    g(L.HXM4), i32s(2), op.i32x4add, i32s(0xfffff), op.vand, i32s(3), op.i32x4ltU, op.anyTrue,
    op.ifVoid,
    ...scalarLane(0, dst01), ...scalarLane(1, dst01), ...scalarLane(2, dst23), ...scalarLane(3, dst23),
    op.end,
  ];
}

/**
 * Table addresses of the angle words in local `words` (m = w >>> 9, hi = m >>> 11, lo = m & 2047; 32 bytes an entry):
 * those in the hi table into `dh`, in the lo table into `dl`.
 */
function angleOffsets(words: number, dh: number, dl: number): Bytes[] {
  return [
    op.get(words), op.i32(9), op.i32x4shrU, op.tee(words), op.i32(11), op.i32x4shrU, op.i32(5), op.i32x4shl, op.set(dh), // HI_BASE = 0
    op.get(words), i32s(2047), op.vand, op.i32(5), op.i32x4shl, i32s(LO_BASE), op.i32x4add, op.set(dl),
  ];
}

/**
 * Stores r * (cos, sin) of the angle whose table addresses are lane `j` of `dh`, `dl` at out + `offset`, r being lane
 * `rl` of local `r`: r ((ch, sh) (cl, cl) + (sh, ch) (-sl, sl)) = [r (ch cl - sh sl), r (sh cl + ch sl)].
 */
function angle(dh: number, dl: number, j: number, r: number, rl: number, offset: number): Bytes[] {
  const g = op.get;
  return [
    g(dh), op.i32x4extractLane(j), op.set(L.AI),
    g(dl), op.i32x4extractLane(j), op.set(L.BI),
    g(0),
    g(L.AI), op.load(HI_BASE), g(L.BI), op.load(), op.f64x2mul,
    g(L.AI), op.load(HI_BASE + 16), g(L.BI), op.load(16), op.f64x2mul,
    op.f64x2add,
    g(r), g(r), op.shuffle64([rl, rl]), op.f64x2mul,
    op.store(offset),
  ];
}

/** The Philox state locals of pair `set` (0: the one being transformed, 1: the next one), group `grp`. */
const stateLocals = (set: number, grp: number): [number, number, number, number] => {
  const b = L.X0 + 8 * set + 4 * grp;
  return [b, b + 1, b + 2, b + 3];
};

/** A statement: instructions that leave the stack as they found it. */
type Statement = Bytes[];

/**
 * Philox 4x32-10 for `G` groups of four blocks (counters CTR + 4 grp + lane) into state set `set`, the groups'
 * rounds interleaved.
 */
function philoxStatements(set: number, G: number): Statement[] {
  const g = op.get;
  const out: Statement[] = [];
  for (let grp = 0; grp < G; grp++) {
    const [x0, x1, x2, x3] = stateLocals(set, grp);
    out.push([g(L.CTR), ...(grp > 0 ? [i32s(4 * grp), op.i32x4add] : []), op.set(x0)], [g(L.C1), op.set(x1)], [g(L.C2), op.set(x2)], [i32s(0), op.set(x3)]);
  }
  out.push([g(L.K0S), op.set(L.K0)], [g(L.K1S), op.set(L.K1)]);
  for (let r = 0; r < 10; r++) {
    for (let grp = 0; grp < G; grp++) {
      const [x0, x1, x2, x3] = stateLocals(set, grp);
      // Products in per-group temporaries so that groups interleave: x0 = hi(M1 x2) ^ x1 ^ k0; x1 = lo(M1 x2);
      // x2 = hi(M0 x0) ^ x3 ^ k1; x3 = lo(M0 x0)
      const [p0l, p0h, p1l, p1h] = [L.P0L + 4 * grp, L.P0L + 4 * grp + 1, L.P0L + 4 * grp + 2, L.P0L + 4 * grp + 3];
      out.push(
        [g(x0), i32s(M0), op.extmulLowU, op.set(p0l)],
        [g(x0), i32s(M0), op.extmulHighU, op.set(p0h)],
        [g(x2), i32s(M1), op.extmulLowU, op.set(p1l)],
        [g(x2), i32s(M1), op.extmulHighU, op.set(p1h)],
        [g(p1l), g(p1h), op.shuffle32([1, 3, 5, 7]), g(x1), op.vxor, g(L.K0), op.vxor, op.set(x0)],
        [g(p1l), g(p1h), op.shuffle32([0, 2, 4, 6]), op.set(x1)],
        [g(p0l), g(p0h), op.shuffle32([1, 3, 5, 7]), g(x3), op.vxor, g(L.K1), op.vxor, op.set(x2)],
        [g(p0l), g(p0h), op.shuffle32([0, 2, 4, 6]), op.set(x3)],
      );
    }
    if (r < 9) out.push([g(L.K0), i32s(W0), op.i32x4add, op.set(L.K0)], [g(L.K1), i32s(W1), op.i32x4add, op.set(L.K1)]);
  }
  out.push([g(L.CTR), i32s(4 * G), op.i32x4add, op.set(L.CTR)]);
  return out;
}

/** Box-Muller of state set `set`'s `G` groups into out + 128 grp (out advanced by 128 G at the end). */
function boxMullerStatements(set: number, G: number): Statement[] {
  const g = op.get;
  const out: Statement[] = [];
  for (let grp = 0; grp < G; grp++) {
    const [x0, x1, x2, x3] = stateLocals(set, grp);
    out.push(...statements([...radiiQuad(x0, L.RA01, L.RA23), ...radiiQuad(x2, L.RB01, L.RB23), ...angleOffsets(x1, L.AH1, L.AL1), ...angleOffsets(x3, L.AH3, L.AL3)]));
    for (let j = 0; j < 4; j++) {
      const [ra, rb] = j < 2 ? [L.RA01, L.RB01] : [L.RA23, L.RB23];
      const o = OUT_BASE + 128 * grp + 32 * j;
      out.push(...statements([...angle(L.AH1, L.AL1, j, ra, j % 2, o), ...angle(L.AH3, L.AL3, j, rb, j % 2, o + 16)]));
    }
  }
  out.push([g(0), op.i32(128 * G), op.i32add, op.set(0)]);
  return out;
}

/**
 * Splits straight-line code into statements: cuts after each local.set or v128.store at nesting depth 0 and after
 * each block that returns to depth 0 (the code emitted here never leaves a value on the stack across those).
 */
function statements(code: Bytes[]): Statement[] {
  const out: Statement[] = [];
  let cur: Statement = [];
  let depth = 0;
  for (const ins of code) {
    cur.push(ins);
    const [a, b] = ins;
    if (a === 0x02 || a === 0x03 || a === 0x04) depth++;
    else if (a === 0x0b && ins.length === 1) depth--;
    if (depth === 0 && (a === 0x21 || (a === 0xfd && b === 0x0b) || (a === 0x0b && ins.length === 1))) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** `a` and `b` merged evenly (each keeps its order), so two independent dependency chains run side by side. */
function zip(a: Statement[], b: Statement[]): Bytes[] {
  const out: Bytes[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (i + 1) / a.length <= (j + 1) / b.length)) out.push(...a[i++]!);
    else out.push(...b[j++]!);
  }
  return out;
}

/**
 * generate(out, groups, c0, c1, c2, k0, k1) (function 0): Philox blocks c0 + 4 g + j (g < groups, j < 4; counter
 * [c0 + 4g + j mod 2^32, c1, c2, 0], key [k0, k1]) and their Box-Muller normals, block n's four at out + 32 n.
 * Pairs of groups are software-pipelined: the loop transforms pair p while Philox computes pair p + 1 (set 1 -> 0).
 */
function generate(): WasmFunc {
  const g = op.get;
  const next = (): Bytes[] => stateLocals(1, 0).concat(stateLocals(1, 1)).map((x, q) => [g(x), op.set(stateLocals(0, q >> 2)[q & 3]!)]).flat();
  return {
    name: 'generate',
    params: [I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, ...Array(N_LOCALS - 9).fill(V128)],
    body: [
      g(2), op.i32x4splat, op.vconst32([0, 1, 2, 3]), op.i32x4add, op.set(L.CTR),
      g(3), op.i32x4splat, op.set(L.C1),
      g(4), op.i32x4splat, op.set(L.C2),
      g(5), op.i32x4splat, op.set(L.K0S),
      g(6), op.i32x4splat, op.set(L.K1S),
      // groups >= 2: Philox of the first pair; while (groups >= 4) { this pair's Box-Muller with the next pair's Philox;
      // groups -= 2 }; the last pair's Box-Muller; groups -= 2
      op.block, g(1), op.i32(2), op.i32ltU, op.brIf(0),
      ...philoxStatements(1, 2).flat(),
      op.block, op.loop,
      g(1), op.i32(4), op.i32ltU, op.brIf(1),
      ...next(),
      ...zip(boxMullerStatements(0, 2), philoxStatements(1, 2)),
      g(1), op.i32(2), op.i32sub, op.set(1), op.br(0),
      op.end, op.end,
      ...next(),
      ...boxMullerStatements(0, 2).flat(),
      g(1), op.i32(2), op.i32sub, op.set(1),
      op.end,
      // the odd group
      op.block, g(1), op.i32eqz, op.brIf(0), ...philoxStatements(0, 1).flat(), ...boxMullerStatements(0, 1).flat(), op.end,
    ],
  };
}

/**
 * radii(in, out, quads) (function 2, for tests): sqrt(-2 ln u) of the uniforms of the words at `in` by the generator's
 * own vector code ({@link radiiQuad}), four words in and four float64 out per quad.
 */
function radiiTest(): WasmFunc {
  const g = op.get;
  return {
    name: 'radii',
    params: [I32, I32, I32],
    results: [],
    // padding up to local 7 so that the L numbers apply, then generate's locals
    locals: [I32, I32, I32, I32, I32, I32, ...Array(N_LOCALS - 9).fill(V128)],
    body: [
      op.block, g(2), op.i32eqz, op.brIf(0), op.loop,
      g(0), op.load(), op.set(L.X0),
      ...radiiQuad(L.X0, L.RA01, L.RA23),
      g(1), g(L.RA01), op.store(), g(1), g(L.RA23), op.store(16),
      g(0), op.i32(16), op.i32add, op.set(0), g(1), op.i32(32), op.i32add, op.set(1),
      g(2), op.i32(1), op.i32sub, op.tee(2), op.brIf(0),
      op.end, op.end,
    ],
  };
}

/** A bulk generator of Philox blocks' normals. */
export interface NormalBlocks {
  /**
   * Writes the normals of blocks c0 .. c0 + nBlocks - 1 (counter [c0 + n, c1, c2, 0], key [k0, k1]; c0 + nBlocks <=
   * 2^32, nBlocks <= {@link WASM_CHUNK_BLOCKS}) into `out[0 .. 4 nBlocks)` (and up to 3 blocks beyond: scratch).
   */
  generate(nBlocks: number, c0: number, c1: number, c2: number, k0: number, k1: number): void;
  /** The output region: 4 * WASM_CHUNK_BLOCKS float64, valid until the next generate. */
  readonly out: Float64Array;
}

/** The WebAssembly generator, with its parts exposed for the exhaustive tests. */
export interface WasmNormalBlocks extends NormalBlocks {
  /** The module's scalar fdlibm log. */
  log(x: number): number;
  /** sqrt(-2 ln u) of each word's uniform by the vectorised code (words.length a multiple of 4, at most 1024). */
  radii(words: Uint32Array): Float64Array;
}

let cached: WasmNormalBlocks | null | undefined;

/** The WebAssembly generator, instantiated once; null where WebAssembly SIMD cannot run. */
export function normalBlocksWasm(): WasmNormalBlocks | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    if (typeof WebAssembly !== 'object') return null;
    const log = scalarLog();
    log.name = 'log';
    const bytes = encodeModule([generate(), log, radiiTest()]);
    if (!WebAssembly.validate(bytes)) return null;
    const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
    const table = new Float64Array(memory.buffer, 0, OUT_BASE / 8);
    for (let h = 0; h < 4096; h++) table.set([COS_HI[h]!, SIN_HI[h]!, SIN_HI[h]!, COS_HI[h]!], (HI_BASE >> 3) + 4 * h);
    for (let l = 0; l < 2048; l++) table.set([COS_LO[l]!, COS_LO[l]!, -SIN_LO[l]!, SIN_LO[l]!], (LO_BASE >> 3) + 4 * l);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    const radii = instance.exports.radii as (inPtr: number, outPtr: number, quads: number) => void;
    const gen = instance.exports.generate as (out: number, groups: number, c0: number, c1: number, c2: number, k0: number, k1: number) => void;
    cached = {
      generate: (nBlocks, c0, c1, c2, k0, k1) => gen(0, (nBlocks + 3) >>> 2, c0 | 0, c1 | 0, c2 | 0, k0 | 0, k1 | 0),
      out: new Float64Array(memory.buffer, OUT_BASE, 4 * WASM_CHUNK_BLOCKS),
      log: instance.exports.log as (x: number) => number,
      radii(words) {
        const inPtr = OUT_BASE + 16384;
        new Uint32Array(memory.buffer, inPtr, words.length).set(words);
        radii(inPtr, OUT_BASE, words.length >>> 2);
        return new Float64Array(memory.buffer, OUT_BASE, words.length);
      },
    };
  } catch {
    cached = null;
  }
  return cached;
}
