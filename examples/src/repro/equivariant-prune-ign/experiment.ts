/**
 * Trained graph networks matched by pruning random ones (no training of the random network), two architectures:
 * - a 2-IGN (Maron et al. 2019): R^{n x n} -> 2->2 -> 2->2 -> 2->1 -> mean readout, every layer in the S_n-equivariant
 *   basis with G-invariant biases, on the adjacency matrix (±1 off the diagonal);
 * - an MPNN whose layers use the message-passing basis {I, Â} (Â = A/(n-1), per graph) on node features 2·deg/(n-1) - 1,
 *   then a mean readout. The basis depends on the graph but the coefficients do not, so one pruning of the
 *   coefficients serves every graph.
 * Task: graph regression of y = 10·Var(deg/(n-1)) + triangle density on Erdős–Rényi graphs with p ~ U[0.15, 0.85].
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Rng, createRng } from '@lemma/gpu-kernels';
import {
  type EquivariantBasis,
  type EquivariantNetwork,
  type SparseMatrix,
  basisNorm,
  basisStackTensor,
  biasVectorsTensor,
  buildRandomNetwork,
  equivarianceErrorF64,
  hiddenCopiesFor,
  invariantVectors,
  kBiasFromCoeffs,
  kLayerForwardFromCoeffs,
  maron2to1Basis,
  maron2to2Basis,
  networkForwardF64,
  onesVector,
  parameterReport,
  pruneToTarget,
  restrictSamples,
  setReadoutBasis,
  sparseFromDense,
  symmetricGroup,
} from '@lemma/equivariant-prune';
import { adamw } from '@lemma/optim';
import { defineCells, defineGroupedCells, expectOneGroup } from '../../lib/cell-pool';
import { cosineDecay, TFJS_ADAM_EPS } from '../../lib/learning-rate';
import { timedTrainSteps } from '../../lib/timed-train-steps';
import { readModelRows, stackModels } from '../../lib/stack-models';
import { defineSeed } from '../../lib/seeds';

/** Which architecture a cell trains and prunes. */
export type GraphArch = 'ign2' | 'mpnn';

/** One (architecture, seed) cell. */
export interface GraphCell {
  arch: GraphArch;
  seed: number;
  /** Nodes per graph. */
  n: number;
  /** Hidden channels. */
  width: number;
  steps: number;
  batch: number;
  testGraphs: number;
  /** ε and the constant c of the overparametrization rule that sets m per layer. */
  eps: number;
  ruleC: number;
  /** Cap on m per layer (meet in the middle is 2^(m/2) per half). */
  mCap: number;
  /** Extra m values (the same m in every layer; one random draw, of which the rule's network is a prefix) at which the pruned network is also evaluated. */
  sweep: number[];
}

/** What a cell returns. */
export interface GraphCellResult {
  arch: GraphArch;
  seed: number;
  /** R² on the test graphs. */
  targetR2: number;
  prunedR2: number;
  /** Largest |target - pruned| output over the test graphs. */
  maxGap: number;
  /** Largest |f(πAπᵀ) - f(A)| of the pruned network over node permutations (float64). */
  invarianceError: number;
  /** m per target layer: the largest of the per-layer rule values, in every layer. */
  samples: number[];
  /** The rule evaluated per layer (its own n_in, n_out, |B|, ‖B‖), and the pruned R² with those m. */
  perLayerSamples: number[];
  perLayerPrunedR2: number;
  params: { target: number; random: number; kept: number; lowerBound: number };
  /** Pruned R² and max gap at each swept m (prefixes of the same draw). */
  sweep: { m: number; prunedR2: number; maxGap: number }[];
  /** |float32 training forward - float64 forward| of the trained target on test graphs (the two paths agree). */
  f32VsF64: number;
  trainSeconds: number;
}

/** Erdős–Rényi graphs (p per graph ~ U[0.15, 0.85]) as row-major adjacency matrices and their labels. */
export function sampleGraphs(rng: Rng, count: number, n: number): { adj: Float64Array; y: Float64Array } {
  const adj = new Float64Array(count * n * n);
  const y = new Float64Array(count);
  for (let g = 0; g < count; g++) {
    const p = 0.15 + 0.7 * rng.uniform();
    const o = g * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (rng.uniform() < p) {
          adj[o + i * n + j] = 1;
          adj[o + j * n + i] = 1;
        }
      }
    }
    y[g] = graphLabel(adj.subarray(o, o + n * n), n);
  }
  return { adj, y };
}

/** y = 10·Var_i(deg_i/(n-1)) + (#triangles)/C(n,3): invariant, needs second-order information and non-linearity. */
export function graphLabel(a: Float64Array, n: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let j = 0; j < n; j++) d += a[i * n + j]!;
    d /= n - 1;
    s1 += d;
    s2 += d * d;
  }
  let tri = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (a[i * n + j]) for (let k = j + 1; k < n; k++) tri += a[i * n + k]! * a[j * n + k]!;
  return 10 * (s2 / n - (s1 / n) ** 2) + tri / ((n * (n - 1) * (n - 2)) / 6);
}

/** The message-passing basis {I, Â} of one graph, Â = A/(n-1) (‖Â‖_op <= 1). */
export function messagePassingBasis(a: Float64Array, n: number): EquivariantBasis {
  const id: SparseMatrix = sparseFromDense(Float64Array.from({ length: n * n }, (_, t) => (Math.floor(t / n) === t % n ? 1 : 0)), n, n);
  const adj = sparseFromDense(a.map((v) => v / (n - 1)), n, n);
  return { name: `message passing {I, A/(n-1)} n=${n}`, dIn: n, dOut: n, elements: [id, adj], identityIndex: 0 };
}

/** Layers of an architecture: bases (MPNN: a template graph's), widths and bias vectors. */
interface Arch {
  bases: EquivariantBasis[];
  widths: number[];
  biasVectors: Float64Array[][];
  /** Input width of one graph. */
  inWidth: number;
}

function ign2Arch(n: number, width: number): Arch {
  const sg = symmetricGroup(n);
  const pairBias = invariantVectors(sg.pairs()); // diagonal and off-diagonal indicators
  return {
    bases: [maron2to2Basis(n), maron2to2Basis(n), maron2to1Basis(n), setReadoutBasis(n)],
    widths: [1, width, width, width, 1],
    biasVectors: [pairBias, pairBias, [onesVector(n)], [onesVector(1)]],
    inWidth: n * n,
  };
}

function mpnnArch(n: number, width: number, template: EquivariantBasis): Arch {
  return { bases: [template, template, setReadoutBasis(n)], widths: [1, width, width, 1], biasVectors: [[onesVector(n)], [onesVector(n)], [onesVector(1)]], inWidth: n };
}

/**
 * The 2-IGN's input: 2A - (11ᵀ - I), i.e. ±1 off the diagonal and 0 on it. An equivariant recoding of A; with 0/1
 * entries every first-layer channel sees inputs of one sign and whole layers of ReLUs start dead.
 */
export function ignInput(adj: Float64Array, n: number): Float64Array {
  // A plain loop: it runs for every training batch, where a typed-array map with a callback cost ~0.1 µs an entry.
  const x = new Float64Array(adj.length);
  for (let t = 0; t < adj.length; t++) x[t] = (t % (n * n)) % (n + 1) === 0 ? 0 : 2 * adj[t]! - 1;
  return x;
}

/**
 * The MPNN's node features: 2·deg/(n-1) - 1 in [-1, 1], computed from the graph, so relabelling nodes permutes them.
 * (Constant features would give every first-layer unit one sign on all nodes, and whole seeds start dead.)
 */
export function mpnnInput(adj: Float64Array, n: number): Float64Array {
  const count = adj.length / (n * n);
  const x = new Float64Array(count * n);
  for (let g = 0; g < count; g++) {
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let j = 0; j < n; j++) d += adj[g * n * n + i * n + j]!;
      x[g * n + i] = (2 * d) / (n - 1) - 1;
    }
  }
  return x;
}

/** Float64 forward of a network on graph g: MPNN layers swap the template basis for the graph's {I, Â}. */
function forwardGraphF64(arch: GraphArch, net: EquivariantNetwork, template: EquivariantBasis | undefined, adj: Float64Array, n: number): number {
  if (arch === 'ign2') return networkForwardF64(net, ignInput(adj, n), 1)[0]!;
  const basis = messagePassingBasis(adj, n);
  const layers = net.layers.map((l) => (l.basis === template ? { ...l, basis } : l));
  return networkForwardF64({ layers }, mpnnInput(adj, n), 1)[0]!;
}

function r2(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i]! / y.length;
  let rss = 0;
  let tss = 0;
  for (let i = 0; i < y.length; i++) {
    rss += (pred[i]! - y[i]!) ** 2;
    tss += (y[i]! - mean) ** 2;
  }
  return 1 - rss / tss;
}

/** A cell's architecture: its bases (the MPNN's from a template graph of the seed) and widths; pure in the cell. */
function cellArch(cell: GraphCell): { a: Arch; template: EquivariantBasis | undefined } {
  const template = cell.arch === 'mpnn' ? messagePassingBasis(sampleGraphs(createRng(cell.seed, 32), 1, cell.n).adj, cell.n) : undefined;
  return { a: cell.arch === 'ign2' ? ign2Arch(cell.n, cell.width) : mpnnArch(cell.n, cell.width, template!), template };
}

/** The test graphs of a cell. */
const testGraphsOf = (cell: GraphCell) => sampleGraphs(createRng(cell.seed, 34), cell.testGraphs, cell.n);

/** A trained target as plain data (the bases are rebuilt from the cell), with its float32 test outputs. */
export interface TrainedTarget {
  cell: GraphCell;
  coeffs: Float64Array[];
  biases: Float64Array[];
  f32Out: Float32Array;
  /** Wall time of the training (init and steps) of the whole group: every model of a group has the same value. */
  trainSeconds: number;
}

/** The fields the cells of one group share (everything but the seed, keys sorted): cells with equal keys train together. */
export function graphGroupKey(cell: GraphCell): string {
  return JSON.stringify(Object.entries(cell).filter(([k]) => k !== 'seed').sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A cell's initial coefficients per layer: uniform with variance 1/fan, from its own stream createRng(seed, 31). */
function initCoeffs(cell: GraphCell, a: Arch): Float32Array[] {
  const rng = createRng(cell.seed, 31);
  return a.bases.map((b, i) => {
    const fan = a.widths[i]! * b.elements.length;
    return Float32Array.from(rng.uniformArray(a.widths[i + 1]! * fan), (u) => (2 * u - 1) * Math.sqrt(3 / fan));
  });
}

/** The K models' inputs [K, count, width] and (MPNN) Â of every graph [K·count, n, n], from each model's graphs. */
function kInputs(arch: GraphArch, n: number, adjs: readonly Float64Array[], count: number): { x: tf.Tensor3D; adjHat: tf.Tensor3D | undefined } {
  const K = adjs.length;
  const x = tf.tensor3d(stackModels(adjs.map((adj) => (arch === 'ign2' ? ignInput(adj, n) : mpnnInput(adj, n)))), [K, count, arch === 'ign2' ? n * n : n]);
  // Â in float32 on the host, rounded as tf.div rounds it (entries are 0 or 1/(n-1)): a batch of host tensors only, which a
  // replayed step writes straight into its inputs, where a tfjs op here would run eagerly on the GPU every step.
  let adjHat: tf.Tensor3D | undefined;
  if (arch === 'mpnn') {
    const a = stackModels(adjs);
    const hat = new Float32Array(a.length); // a loop: Float32Array.from with a map function costs ~0.1 µs an entry
    for (let i = 0; i < a.length; i++) hat[i] = a[i]! / (n - 1);
    adjHat = tf.tensor3d(hat, [K * count, n, n]);
  }
  return { x, adjHat };
}

/**
 * One message-passing layer of K models: h [K, batch, cIn·n] (copy-major) -> [K, batch, cOut·n], y = h W_I + (Â h) W_A
 * per model and graph, W_k[a, b] = coeff (b·cIn + a)·2 + k of the model's row of coeffs [K, cOut·cIn·2].
 */
function kMessagePassingLayer(cIn: number, cOut: number, n: number, coeffs: tf.Tensor, h: tf.Tensor3D, adjHat: tf.Tensor3D): tf.Tensor3D {
  const [K, batch] = h.shape;
  const hn = tf.transpose(tf.reshape(h, [K * batch, cIn, n]), [0, 2, 1]) as tf.Tensor3D; // [K·batch, n, cIn]
  const c = tf.reshape(coeffs, [K, cOut, cIn, 2]);
  const w = (k: number) => tf.transpose(tf.squeeze(tf.slice(c, [0, 0, 0, k], [K, cOut, cIn, 1]), [3]), [0, 2, 1]) as tf.Tensor3D; // [K, cIn, cOut]
  const rows = (t: tf.Tensor) => tf.reshape(t, [K, batch * n, cIn]) as tf.Tensor3D;
  const mixed = tf.add(tf.matMul(rows(hn), w(0)), tf.matMul(rows(tf.matMul(adjHat, hn)), w(1))); // [K, batch·n, cOut]
  return tf.reshape(tf.transpose(tf.reshape(mixed, [K, batch, n, cOut]), [0, 1, 3, 2]), [K, batch, cOut * n]) as tf.Tensor3D;
}

/** Float32 constants of the forward: basis stacks (layers in the S_n / readout basis only) and bias vectors. */
interface ForwardConsts {
  stacks: (tf.Tensor2D | undefined)[];
  biasT: tf.Tensor2D[];
}

/** True for the layers that use each graph's {I, Â} rather than a fixed basis. */
const isMessagePassing = (arch: GraphArch, a: Arch, i: number): boolean => arch === 'mpnn' && i < a.bases.length - 1;

function forwardConsts(arch: GraphArch, a: Arch): ForwardConsts {
  return { stacks: a.bases.map((b, i) => (isMessagePassing(arch, a, i) ? undefined : basisStackTensor(b))), biasT: a.biasVectors.map((v) => biasVectorsTensor(v)) };
}

/** The float32 forward of K models of one architecture on their batches x [K, batch, width] -> [K, batch, 1]. */
function kForwardTf(arch: GraphArch, a: Arch, coeffs: tf.Variable[], biases: tf.Variable[], x: tf.Tensor3D, adjHat: tf.Tensor3D | undefined, consts: ForwardConsts): tf.Tensor3D {
  let h = x;
  a.bases.forEach((b, i) => {
    const cIn = a.widths[i]!;
    const cOut = a.widths[i + 1]!;
    const y = isMessagePassing(arch, a, i) ? kMessagePassingLayer(cIn, cOut, b.dIn, coeffs[i]!, h, adjHat!) : kLayerForwardFromCoeffs(b, cIn, cOut, coeffs[i]!, h, consts.stacks[i]);
    h = tf.add(y, kBiasFromCoeffs(cOut, biases[i]!, consts.biasT[i]!)) as tf.Tensor3D;
    if (i < a.bases.length - 1) h = tf.relu(h);
  });
  return h;
}

/**
 * Σ_m mean_g (y_mg - ŷ_mg)²: a sum, not a mean, over models, so each model's gradient is its lone gradient (Adam's ε
 * makes the scale matter). Per model the ops of tf.losses.meanSquaredError (sum, then divide by the count).
 */
function kMseSum(yt: tf.Tensor3D, pred: tf.Tensor3D): tf.Scalar {
  return tf.sum(tf.div(tf.sum(tf.squaredDifference(yt, pred), [1, 2]), tf.scalar(yt.shape[1] * yt.shape[2]))) as tf.Scalar;
}

/**
 * Trains K cells that differ only in seed as K models at once (Adam, cosine decay, coefficients clipped to [-1, 1]):
 * parameters with a leading model axis, one step for all, one replayed step graph on webgpu (on cpu and wasm,
 * {@link defineGroupedCells} makes each cell its own group). Model m starts from its seed's init and reads its seed's
 * own batches, exactly as a lone training; K = 1 is the one-model training bit for bit. Pruning and the float64
 * evaluations are {@link graphPruneCell}'s, on host threads.
 */
export const graphTrainGroup = defineGroupedCells('equivariant-prune-ign/train-group', async (cells: GraphCell[]): Promise<TrainedTarget[]> => {
  expectOneGroup('graphTrainGroup', cells, graphGroupKey, 'seed');
  const cell = cells[0]!;
  const { arch, n } = cell;
  const K = cells.length;
  // The MPNN template basis only gives shapes here: its layers use each graph's own Â.
  const { a } = cellArch(cell);
  const t0 = Date.now();
  const inits = cells.map((c) => initCoeffs(c, a));
  // In tidy, so that the initial values the variables copy are disposed.
  const coeffs = tf.tidy(() => a.bases.map((_, i) => tf.variable(tf.tensor2d(stackModels(inits.map((m) => m[i]!)), [K, inits[0]![i]!.length]))));
  const biases = tf.tidy(() => a.bases.map((_, i) => tf.variable(tf.zeros([K, a.widths[i + 1]! * a.biasVectors[i]!.length]))));
  const consts = forwardConsts(arch, a);
  // Adam (no weight decay, tfjs' ε) with a cosine decay to 2% that the optimizer evaluates per step, so the step replays; elementwise, so one serves K models.
  const opt = adamw({ learningRate: 0.01, weightDecay: 0, eps: TFJS_ADAM_EPS, schedule: cosineDecay(cell.steps, 0.02) });
  const data = cells.map((c) => createRng(c.seed, 33));
  try {
    await timedTrainSteps(
      ([x, yt, adjHat]) =>
        tf.tidy(() => {
          const loss = opt.minimize(() => kMseSum(yt as tf.Tensor3D, kForwardTf(arch, a, coeffs, biases, x as tf.Tensor3D, adjHat as tf.Tensor3D | undefined, consts)), true)!;
          for (const v of [...coeffs, ...biases]) v.assign(tf.clipByValue(v, -1, 1));
          // Logged loss: the mean over models of each model's training MSE.
          return tf.div(loss, K) as tf.Scalar;
        }),
      () => {
        const graphs = data.map((d) => sampleGraphs(d, cell.batch, n));
        const { x, adjHat } = kInputs(arch, n, graphs.map((g) => g.adj), cell.batch);
        return [x, tf.tensor3d(stackModels(graphs.map((g) => g.y)), [K, cell.batch, 1]), ...(adjHat ? [adjHat] : [])];
      },
      { steps: cell.steps, readEvery: 50, models: K, run: `${arch}-n${n}-w${cell.width}-seed${cells.map((c) => c.seed).join('_')}` },
    );
    const trainSeconds = (Date.now() - t0) / 1000;
    const tests = cells.map((c) => testGraphsOf(c));
    const f32 = tf.tidy(() => {
      const { x, adjHat } = kInputs(arch, n, tests.map((t) => t.adj), cell.testGraphs);
      return kForwardTf(arch, a, coeffs, biases, x, adjHat, consts);
    });
    const out = await f32.data();
    f32.dispose();
    const [cs, bs] = [await readModelRows(coeffs, K), await readModelRows(biases, K)];
    return cells.map((c, m) => ({ cell: c, coeffs: cs[m]!, biases: bs[m]!, f32Out: Float32Array.from(out.subarray(m * c.testGraphs, (m + 1) * c.testGraphs)), trainSeconds }));
  } finally {
    tf.dispose([...coeffs, ...biases, ...consts.biasT, ...consts.stacks.filter((s) => s !== undefined)]);
    opt.dispose();
  }
});

/** Prunes a random network to a trained target and evaluates both in float64 (host work). */
export const graphPruneCell = defineCells('equivariant-prune-ign/prune', async ({ cell, coeffs, biases, f32Out, trainSeconds }: TrainedTarget): Promise<GraphCellResult> => {
  const { arch, seed, n } = cell;
  const { a, template } = cellArch(cell);
  const test = testGraphsOf(cell);
  const target: EquivariantNetwork = {
    layers: a.bases.map((b, i) => ({ basis: b, cIn: a.widths[i]!, cOut: a.widths[i + 1]!, coeffs: coeffs[i]!, bias: { vectors: a.biasVectors[i]!, coeffs: biases[i]! } })),
  };
  const L = a.bases.length;
  const norms = a.bases.map((b) => basisNorm(b).norm);
  const perLayer = target.layers.map((l, i) =>
    Math.min(cell.mCap, hiddenCopiesFor({ nIn: l.cIn, nOut: l.cOut, basisSize: l.basis.elements.length, basisNorm: norms[i]!, depth: L, eps: cell.eps, c: cell.ruleC })),
  );
  // Thm 1's form: one m for every layer, set by the largest layer's argument. (The per-layer variant is reported too.)
  const uniform = Math.max(...perLayer);
  const samples = perLayer.map(() => uniform);
  // One draw large enough for the rule and every swept m; the rule's networks are its prefixes (restrictSamples).
  const drawn = buildRandomNetwork(target, { samples: perLayer.map(() => Math.max(uniform, ...cell.sweep)), seed: graphRandomSeed(seed) });
  const random = restrictSamples(drawn, samples);
  const evalNet = (net: EquivariantNetwork): Float64Array => {
    if (arch === 'ign2') return networkForwardF64(net, ignInput(test.adj, n), cell.testGraphs);
    const out = new Float64Array(cell.testGraphs);
    for (let g = 0; g < cell.testGraphs; g++) out[g] = forwardGraphF64(arch, net, template, test.adj.subarray(g * n * n, (g + 1) * n * n), n);
    return out;
  };
  const yT = evalNet(target);
  const pruned = pruneToTarget(target, random, { basisNorms: norms });
  const yP = evalNet(pruned.network);
  let maxGap = 0;
  let f32VsF64 = 0;
  for (let g = 0; g < cell.testGraphs; g++) {
    maxGap = Math.max(maxGap, Math.abs(yT[g]! - yP[g]!));
    f32VsF64 = Math.max(f32VsF64, Math.abs(yT[g]! - f32Out[g]!));
  }
  const yPL = evalNet(pruneToTarget(target, restrictSamples(drawn, perLayer)).folded);
  const sweep = cell.sweep.map((m) => {
      const yM = evalNet(pruneToTarget(target, restrictSamples(drawn, m)).folded);
      let gap = 0;
      for (let g = 0; g < cell.testGraphs; g++) gap = Math.max(gap, Math.abs(yT[g]! - yM[g]!));
      return { m, prunedR2: r2(yM, test.y), maxGap: gap };
    });
  // Invariance of the pruned network: relabel the nodes of each of 20 test graphs by random permutations.
  let invarianceError = 0;
  const sg = symmetricGroup(n);
  if (arch === 'ign2') {
    invarianceError = equivarianceErrorF64(pruned.network, sg.pairs(), sg.invariant(), ignInput(test.adj.subarray(0, 20 * n * n), n), 20);
  }
  const perm = createRng(seed, 35);
  for (let g = 0; g < 20; g++) {
    const adj = test.adj.subarray(g * n * n, (g + 1) * n * n);
    const p = perm.shuffle(Array.from({ length: n }, (_, i) => i));
    const pa = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pa[p[i]! * n + p[j]!] = adj[i * n + j]!;
    invarianceError = Math.max(invarianceError, Math.abs(forwardGraphF64(arch, pruned.network, template, pa, n) - yP[g]!));
  }
  const rep = parameterReport(target, pruned.network, cell.eps);
  return {
    arch,
    seed,
    targetR2: r2(yT, test.y),
    prunedR2: r2(yP, test.y),
    maxGap,
    invarianceError,
    samples,
    perLayerSamples: perLayer,
    perLayerPrunedR2: r2(yPL, test.y),
    params: { target: rep.target, random: rep.random, kept: rep.kept, lowerBound: rep.lowerBound },
    sweep,
    f32VsF64,
    trainSeconds,
  };
});

/** The plan of a run. */
export interface GraphPlan {
  seeds: number;
  baseSeed: number;
  n: number;
  ign: Pick<GraphCell, 'width' | 'steps' | 'batch'>;
  mpnn: Pick<GraphCell, 'width' | 'steps' | 'batch'>;
  testGraphs: number;
  eps: number;
  ruleC: number;
  mCap: number;
  sweep: number[];
}

/** A cell's seed: archOffset is 0 for the 2-IGN, 500 for the MPNN. */
export const graphCellSeed = defineSeed('cell', 'base·1000 + archOffset(ign2 0, mpnn 500) + seedIndex', (base: number, archOffset: number, s: number) => base * 1000 + archOffset + s);
/** The seed of a cell's random network. */
export const graphRandomSeed = defineSeed('random', 'cell + 40', (cell: number) => cell + 40);

/** One cell per (architecture, seed); seed = baseSeed·1000 + (0 for the 2-IGN, 500 for the MPNN) + seed index. */
export function graphCells(plan: GraphPlan): GraphCell[] {
  const common = { n: plan.n, testGraphs: plan.testGraphs, eps: plan.eps, ruleC: plan.ruleC, mCap: plan.mCap, sweep: plan.sweep };
  return (['ign2', 'mpnn'] as const).flatMap((arch) =>
    Array.from({ length: plan.seeds }, (_, s) => ({ arch, seed: graphCellSeed(plan.baseSeed, arch === 'ign2' ? 0 : 500, s), ...common, ...(arch === 'ign2' ? plan.ign : plan.mpnn) })),
  );
}
