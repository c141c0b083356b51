import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@lemma/gpu-kernels';
import {
  cloneModel,
  getParams,
  layerDimensions,
  layerInputMoments,
  layerwiseOTAlignment,
  lossBarrier,
  permuteParams,
  sequentialPermutationSpec,
  setParams,
  weightMatching,
  type BarrierResult,
  type Params,
  type Permutations,
} from '@lemma/ot-matching';
import { loadMnistSubset } from '../fixtures/mnist';
import type { ReproContext, ReproResult, Reproduction } from '../types';

const PAPER = 'Ferbach, Goujaud, Gidel, Dieuleveut — Proving Linear Mode Connectivity of Neural Networks via Optimal Transport (arXiv 2310.19103)';

interface Data {
  train: { x: tf.Tensor2D; y: tf.Tensor1D; n: number };
  test: { x: tf.Tensor2D; y: tf.Tensor1D; n: number };
}

function loadData(): Data {
  const m = loadMnistSubset();
  return {
    train: { x: tf.tensor2d(m.train.x, [m.train.n, 784]), y: tf.tensor1d(Int32Array.from(m.train.y), 'int32'), n: m.train.n },
    test: { x: tf.tensor2d(m.test.x, [m.test.n, 784]), y: tf.tensor1d(Int32Array.from(m.test.y), 'int32'), n: m.test.n },
  };
}

/** MLP 784 -> width x depth (ReLU) -> 10 logits, He-normal weights from a Philox stream (tfjs initialisers are unseeded). */
async function makeMlp(width: number, depth: number, seed: number): Promise<tfl.Sequential> {
  const model = tfl.sequential();
  for (let l = 0; l < depth; l++) model.add(tfl.layers.dense({ units: width, activation: 'relu', ...(l === 0 ? { inputShape: [784] } : {}) }));
  model.add(tfl.layers.dense({ units: 10 }));
  const rng = createRng(seed);
  const p = await getParams(model);
  const init: Params = {};
  for (const [k, v] of Object.entries(p)) {
    const fanIn = v.shape[0]!;
    init[k] = { shape: v.shape, values: v.shape.length === 2 ? Float32Array.from(rng.normalArray(v.values.length), (z) => z * Math.sqrt(2 / fanIn)) : new Float32Array(v.values.length) };
  }
  setParams(model, init);
  return model;
}

/** Plain minibatch SGD, seeded data order (one permutation of the training set per epoch). */
async function train(model: tfl.Sequential, data: Data, lr: number, epochs: number, seed: number, batchSize: number): Promise<void> {
  model.compile({ optimizer: tf.train.sgd(lr), loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp) });
  const rng = createRng(seed, 3);
  const yOne = tf.oneHot(data.train.y, 10);
  for (let e = 0; e < epochs; e++) {
    const order = tf.tensor1d(Int32Array.from(rng.shuffle(Array.from({ length: data.train.n }, (_, i) => i))), 'int32');
    const xs = tf.gather(data.train.x, order);
    const ys = tf.gather(yOne, order);
    await model.fit(xs, ys, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
    tf.dispose([order, xs, ys]);
  }
  yOne.dispose();
}

async function alignedModel(A: tfl.Sequential, pb: Params, perms: Permutations, spec: ReturnType<typeof sequentialPermutationSpec>): Promise<tfl.LayersModel> {
  return cloneModel(A, permuteParams(pb, spec, perms));
}

async function barrierOf(A: tfl.LayersModel, B: tfl.LayersModel, data: Data, ts: number[]): Promise<{ train: BarrierResult; test: BarrierResult }> {
  return { train: await lossBarrier(A, B, data.train, { ts }), test: await lossBarrier(A, B, data.test, { ts }) };
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
/** Sample standard deviation (0 for a single value). */
const sd = (v: number[]): number => {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};

/** Ordinary least squares y = a + b x with the slope's standard error. */
function fitLine(x: number[], y: number[]): { slope: number; intercept: number; slopeSe: number } {
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < x.length; i++) rss += (y[i]! - intercept - slope * x[i]!) ** 2;
  const slopeSe = x.length > 2 ? Math.sqrt(rss / (x.length - 2) / sxx) : Infinity;
  return { slope, intercept, slopeSe };
}

const METHODS = ['naive', 'weight matching', 'layerwise OT (paper)'] as const;
type Method = (typeof METHODS)[number];
const KEY: Record<Method, string> = { naive: 'naive', 'weight matching': 'wm', 'layerwise OT (paper)': 'ot' };

async function runLmc(ctx: ReproContext): Promise<ReproResult> {
  const quick = ctx.quick;
  const depth = quick ? 2 : 3;
  // Quick: three widths two octaves apart with three independently seeded pairs each, so the trend is measured
  // against the pair-to-pair spread rather than read off single pairs.
  const widths = quick ? [16, 64, 256] : [16, 32, 64, 128, 256, 512, 1024];
  const pairs = 3;
  const epochs = quick ? 8 : 30;
  const lrWidth = quick ? 128 : 512;
  const lrs = quick ? [0.01, 0.03, 0.1, 0.3] : [0.001, 0.003, 0.01, 0.03, 0.1, 0.3];
  const batchSize = 64;
  const ts = quick ? [0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1] : Array.from({ length: 21 }, (_, i) => i / 20);
  const seeds: Record<string, number> = { base: ctx.seed };
  const data = loadData();
  const metrics: ReproResult['metrics'] = {};
  const widthRows: { width: number; pair: number; method: string; lossBarrier: number; accBarrier: number }[] = [];
  const curves: { t: number; loss: number; method: string }[] = [];
  const t0 = performance.now();

  // (1) Barrier before / after matching vs width (SGD lr 0.1; each pair: different init and data order).
  const bar = ctx.progress('ot-matching: width sweep', widths.length * pairs);
  for (const width of widths) {
    for (let pair = 0; pair < pairs; pair++) {
      const sa = ctx.seed * 100000 + width * 10 + 2 * pair;
      const sb = sa + 1;
      seeds[`width${width}_pair${pair}_A`] = sa;
      seeds[`width${width}_pair${pair}_B`] = sb;
      const A = await makeMlp(width, depth, sa);
      const B = await makeMlp(width, depth, sb);
      await train(A, data, 0.1, epochs, sa, batchSize);
      await train(B, data, 0.1, epochs, sb, batchSize);
      const spec = sequentialPermutationSpec(A);
      const [pa, pb] = [await getParams(A), await getParams(B)];
      const wm = weightMatching(pa, pb, spec, { seed: sa });
      const ot = layerwiseOTAlignment(pa, pb, spec);
      const Bwm = await alignedModel(A, pb, wm.perms, spec);
      const Bot = await alignedModel(A, pb, ot.perms, spec);
      const results: [Method, { train: BarrierResult; test: BarrierResult }][] = [
        ['naive', await barrierOf(A, B, data, ts)],
        ['weight matching', await barrierOf(A, Bwm, data, ts)],
        ['layerwise OT (paper)', await barrierOf(A, Bot, data, ts)],
      ];
      for (const [method, r] of results) {
        widthRows.push({ width, pair, method, lossBarrier: r.train.lossBarrier, accBarrier: r.test.accuracyBarrier });
        if (width === widths[widths.length - 1] && pair === 0) r.train.ts.forEach((t, i) => curves.push({ t, loss: r.train.loss[i]!, method }));
      }
      metrics[`width${width}_pair${pair}_test_acc_A`] = results[0]![1].test.accuracy[0]!;
      metrics[`width${width}_pair${pair}_wm_sweeps`] = wm.sweeps;
      bar.tick(1, `width ${width} pair ${pair}: naive ${results[0]![1].train.lossBarrier.toFixed(3)} -> matched ${results[1]![1].train.lossBarrier.toFixed(3)}`);
      for (const m of [A, B, Bwm, Bot]) m.dispose();
    }
  }
  bar.done();
  const pick = (w: number, method: Method, field: 'lossBarrier' | 'accBarrier' = 'lossBarrier'): number[] =>
    widthRows.filter((r) => r.width === w && r.method === method).map((r) => r[field]);
  const widthStats = widths.flatMap((width) =>
    METHODS.map((method) => {
      const v = pick(width, method);
      return { width, method, mean: mean(v), sd: sd(v), min: Math.min(...v), max: Math.max(...v), accMean: mean(pick(width, method, 'accBarrier')) };
    }),
  );
  for (const s of widthStats) {
    const k = `width${s.width}_${KEY[s.method as Method]}`;
    metrics[`${k}_loss_barrier`] = s.mean;
    metrics[`${k}_loss_barrier_sd`] = s.sd;
    metrics[`${k}_loss_barrier_pairs`] = pick(s.width, s.method as Method);
    metrics[`${k}_test_acc_barrier`] = s.accMean;
  }
  // Trend: OLS of every pair's barrier on log2(width), per method; "falls" needs the slope below zero by two
  // standard errors (pairs are independent, so the pair-to-pair spread enters the error).
  const trends = Object.fromEntries(
    METHODS.map((method) => {
      const rows = widthRows.filter((r) => r.method === method);
      return [method, fitLine(rows.map((r) => Math.log2(r.width)), rows.map((r) => r.lossBarrier))];
    }),
  ) as Record<Method, ReturnType<typeof fitLine>>;
  for (const method of METHODS) {
    metrics[`${KEY[method]}_barrier_slope_per_log2_width`] = trends[method].slope;
    metrics[`${KEY[method]}_barrier_slope_se`] = trends[method].slopeSe;
  }

  // (2) Barrier vs weight-support dimension across learning rates, plain vs covariance-weighted layerwise OT.
  const lrRows: { lr: number; cost: string; lossBarrier: number; dim: number }[] = [];
  const bar2 = ctx.progress('ot-matching: learning-rate sweep', lrs.length);
  const probe = tf.slice(data.train.x, 0, 1000);
  for (const lr of lrs) {
    const sa = ctx.seed * 1000 + 500 + Math.round(lr * 1e4);
    const sb = sa + 7;
    seeds[`lr${lr}_A`] = sa;
    seeds[`lr${lr}_B`] = sb;
    const A = await makeMlp(lrWidth, depth, sa);
    const B = await makeMlp(lrWidth, depth, sb);
    await train(A, data, lr, epochs, sa, batchSize);
    await train(B, data, lr, epochs, sb, batchSize);
    const spec = sequentialPermutationSpec(A);
    const [pa, pb] = [await getParams(A), await getParams(B)];
    const dimA = layerDimensions(pa, spec);
    const dimB = layerDimensions(pb, spec);
    // Mean Dim(S) over hidden layers and both networks; the input layer's rows live in R^784.
    const dim = mean([...Object.values(dimA), ...Object.values(dimB)]);
    const plain = layerwiseOTAlignment(pa, pb, spec);
    const moments = await layerInputMoments(A, probe, spec);
    const weighted = layerwiseOTAlignment(pa, pb, spec, { cost: 'covariance', moments });
    for (const [cost, perms] of [['plain', plain.perms], ['covariance-weighted', weighted.perms]] as const) {
      const Bal = await alignedModel(A, pb, perms, spec);
      const r = await lossBarrier(A, Bal, data.train, { ts });
      lrRows.push({ lr, cost, lossBarrier: r.lossBarrier, dim });
      metrics[`lr${lr}_${cost.split('-')[0]}_loss_barrier`] = r.lossBarrier;
      Bal.dispose();
    }
    metrics[`lr${lr}_dim`] = dim;
    bar2.tick(1, `lr ${lr}: Dim(S) ${dim.toFixed(1)}`);
    A.dispose();
    B.dispose();
  }
  bar2.done();
  probe.dispose();
  tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);

  // Verdicts.
  const stat = (w: number, method: Method) => widthStats.find((r) => r.width === w && r.method === method)!;
  const after = (w: number) => stat(w, 'weight matching').mean;
  const naive = (w: number) => stat(w, 'naive').mean;
  const first = widths[0]!;
  const last = widths[widths.length - 1]!;
  const wmTrend = trends['weight matching'];
  const fallsWithWidth = wmTrend.slope + 2 * wmTrend.slopeSe < 0;
  const matchingHelps = widths.every((w) => after(w) < naive(w));
  const pairsMatchingHelps = widths.every((w) => {
    const a = pick(w, 'weight matching');
    const b = pick(w, 'naive');
    return a.every((x, i) => x < b[i]!);
  });
  const weightedWins = lrs.filter((lr) => {
    const p = lrRows.find((r) => r.lr === lr && r.cost === 'plain')!.lossBarrier;
    const c = lrRows.find((r) => r.lr === lr && r.cost === 'covariance-weighted')!.lossBarrier;
    return c <= p;
  }).length;
  metrics.pairs_per_width = pairs;
  metrics.barrier_falls_with_width = fallsWithWidth;
  metrics.matching_beats_naive_every_width = matchingHelps;
  metrics.matching_beats_naive_every_pair = pairsMatchingHelps;
  metrics.weighted_wins_lrs = weightedWins;
  metrics.lrs = lrs.length;
  metrics.seconds = (performance.now() - t0) / 1000;

  const figures: ReproResult['figures'] = [
    {
      id: 'barrier-vs-width',
      title: 'Loss barrier vs width, before and after matching',
      caption: `MLP 784-${depth}x width-10 on ${data.train.n} MNIST digits, SGD lr 0.1, ${epochs} epochs, ${pairs} seeded pairs per width (faint points; bars ± 1 sd). After matching the barrier should fall with width (Ferbach et al., Thm 3.1 / 5.2); fitted slope per doubling of width after weight matching ${wmTrend.slope.toFixed(3)} ± ${wmTrend.slopeSe.toFixed(3)}.`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { values: widthRows },
        encoding: {
          x: { field: 'width', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'hidden width' },
          color: { field: 'method', type: 'nominal' },
        },
        layer: [
          { mark: { type: 'line', point: true }, encoding: { y: { aggregate: 'mean', field: 'lossBarrier', type: 'quantitative', title: 'train loss barrier (mean ± sd over pairs)' } } },
          { mark: { type: 'errorbar', extent: 'stdev' }, encoding: { y: { field: 'lossBarrier', type: 'quantitative' } } },
          { mark: { type: 'point', opacity: 0.35 }, encoding: { y: { field: 'lossBarrier', type: 'quantitative' } } },
        ],
      },
    },
    {
      id: 'interpolation-curves',
      title: `Train loss along the interpolation path (width ${last}, pair 0)`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { values: curves },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 't (0 = A, 1 = aligned B)' },
          y: { field: 'loss', type: 'quantitative', title: 'train loss' },
          color: { field: 'method', type: 'nominal' },
        },
      },
    },
    {
      id: 'barrier-vs-dimension',
      title: 'Barrier vs approximate weight-support dimension across learning rates',
      caption: `Width ${lrWidth}; Dim(S) = tr(S)²/tr(S²) of the hidden layers' incoming weights, averaged. The paper reports the covariance-weighted cost beating the plain one at every learning rate.`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { values: lrRows },
        mark: { type: 'point', filled: true, size: 80 },
        encoding: {
          x: { field: 'dim', type: 'quantitative', title: 'Dim(S)' },
          y: { field: 'lossBarrier', type: 'quantitative', title: 'train loss barrier after layerwise OT' },
          color: { field: 'cost', type: 'nominal' },
          shape: { field: 'lr', type: 'nominal', title: 'learning rate' },
          tooltip: [{ field: 'lr' }, { field: 'cost' }, { field: 'lossBarrier' }, { field: 'dim' }],
        },
      },
    },
    {
      id: 'barrier-vs-lr',
      title: 'Plain vs covariance-weighted OT alignment across learning rates',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { values: lrRows },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'lr', type: 'quantitative', scale: { type: 'log' }, title: 'SGD learning rate' },
          y: { field: 'lossBarrier', type: 'quantitative', title: 'train loss barrier' },
          color: { field: 'cost', type: 'nominal' },
        },
      },
    },
  ];
  const tables: ReproResult['tables'] = [
    {
      title: `Loss barrier (train; mean ± sd over ${pairs} pairs, min-max) and accuracy barrier (test, mean) by width`,
      columns: ['width', 'method', 'loss barrier mean', 'sd', 'min', 'max', 'test acc. barrier'],
      rows: widthStats.map((r) => [r.width, r.method, +r.mean.toFixed(4), +r.sd.toFixed(4), +r.min.toFixed(4), +r.max.toFixed(4), +r.accMean.toFixed(4)]),
    },
    {
      title: 'Trend: loss barrier vs log2(width), OLS over all pairs',
      columns: ['method', 'slope per doubling', 'standard error', 'slope + 2 se < 0'],
      rows: METHODS.map((m) => [m, +trends[m].slope.toFixed(4), +trends[m].slopeSe.toFixed(4), trends[m].slope + 2 * trends[m].slopeSe < 0]),
    },
    {
      title: 'Layerwise OT alignment by learning rate',
      columns: ['lr', 'Dim(S)', 'plain barrier', 'covariance-weighted barrier'],
      rows: lrs.map((lr) => [
        lr,
        +lrRows.find((r) => r.lr === lr)!.dim.toFixed(2),
        +lrRows.find((r) => r.lr === lr && r.cost === 'plain')!.lossBarrier.toFixed(4),
        +lrRows.find((r) => r.lr === lr && r.cost === 'covariance-weighted')!.lossBarrier.toFixed(4),
      ]),
    },
  ];
  const summary =
    `barrier after weight matching ${after(first).toFixed(3)} ± ${stat(first, 'weight matching').sd.toFixed(3)} (width ${first}) -> ` +
    `${after(last).toFixed(3)} ± ${stat(last, 'weight matching').sd.toFixed(3)} (width ${last}), slope ${wmTrend.slope.toFixed(3)} ± ${wmTrend.slopeSe.toFixed(3)} per doubling ` +
    `(${pairs} pairs/width), naive ${naive(last).toFixed(3)} at width ${last}; covariance-weighted OT <= plain at ${weightedWins}/${lrs.length} learning rates`;
  return { summary, metrics, reproduced: fallsWithWidth && matchingHelps && weightedWins === lrs.length, tables, figures, seeds };
}

/** Reproductions for @lemma/ot-matching. */
export const reproductions: Reproduction[] = [
  {
    id: 'ot-lmc-mnist',
    title: 'Linear mode connectivity of MNIST MLPs after OT neuron matching',
    paper: PAPER,
    package: '@lemma/ot-matching',
    run: runLmc,
  },
];
