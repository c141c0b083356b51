/**
 * Muon (KellerJordan; the ADANA paper's baseline): Nesterov momentum orthogonalised by a quintic Newton–Schulz
 * iteration on 2-D parameters; every other parameter falls back to AdamW. The matrix update runs as tfjs ops; the AdamW
 * fallback runs as the fused kernel of the backend.
 *
 * Orientation: a 2-D variable is read as a tfjs-layers kernel, [in, out] — the transpose of torch's [out, in]
 * `weight` — so KellerJordan's scale √max(1, rows/cols) of the torch weight is √max(1, out/in) = √max(1, shape[1] /
 * shape[0]) here (a Dense(8→2) kernel [8, 2] gets 1, as torch's Linear(8, 2) does). Newton–Schulz itself does not
 * depend on the orientation (NS(Gᵀ) = NS(G)ᵀ).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ADAMW_DEFAULTS, adamwScalars, checkAdamOptions, checkDecayBelowOne } from './adamw';
import { checkKeys, checkNumber, type CommonOptions } from './config';
import { FusedOptimizer, type StepContext } from './fused-optimizer';
import { registerOptimizer } from './register';
import { adamwRule, type FusedRule, type RuleScalars } from './rules';

// (a, b, c) of mlexpos/adana `src/optim/muon.py::zeropower_via_newtonschulz5` (from KellerJordan/Muon); no paper equation.
const NS_COEFFS = [3.4445, -4.775, 2.0315] as const;

/**
 * Quintic Newton–Schulz orthogonalisation of a 2-D tensor (X ← aX + (bA + cA²)X, A = XXᵀ, after X = G/‖G‖_F);
 * singular values land in about [0.5, 1.5]. Works on the short side (transposes tall matrices). float32.
 */
export function newtonSchulz(g: tf.Tensor2D, steps = 5): tf.Tensor2D {
  if (g.rank !== 2) throw new Error(`newtonSchulz: g must be a 2-D tensor, got shape [${g.shape.join(', ')}]`);
  checkNumber('newtonSchulz', 'steps', steps, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0');
  return tf.tidy(() => {
    const [a, b, c] = NS_COEFFS;
    const tall = g.shape[0] > g.shape[1];
    let X: tf.Tensor2D = tf.div(g, tf.add(tf.norm(g), 1e-7));
    if (tall) X = tf.transpose(X);
    for (let s = 0; s < steps; s++) {
      const A = tf.matMul(X, X, false, true);
      const B = tf.add(tf.mul(A, b), tf.mul(tf.matMul(A, A), c));
      X = tf.add(tf.mul(X, a), tf.matMul(B, X));
    }
    return tall ? tf.transpose(X) : X;
  });
}

/** Options of {@link Muon}. `learningRate` is Muon's lr for 2-D parameters. */
export interface MuonOptions extends CommonOptions {
  /** Momentum μ ∈ [0, 1). Default 0.95. */
  momentum?: number;
  /** Nesterov momentum. Default true. */
  nesterov?: boolean;
  /** Newton–Schulz iterations. Default 5. */
  nsSteps?: number;
  /** Decoupled weight decay of 2-D parameters (θ shrinks by lr·λ). Default 0. */
  weightDecay?: number;
  /**
   * Update scaling of 2-D parameters: 'keller' (default; KellerJordan's √max(1, rows/cols) of torch's [out, in]
   * weight, i.e. √max(1, out/in) of a tfjs [in, out] kernel) or 'dMuon' (the ADANA paper's baseline, Moonlight's
   * distributed Muon: lr·√max(rows, cols)·`matchedAdamwRms`, so the update RMS matches AdamW's; the AdamW
   * fallback's β then default to the paper's (0.8, 0.999)).
   */
  scaling?: 'keller' | 'dMuon';
  /** D-Muon's matched AdamW update RMS (`matched_adamw_rms`, default 0.2 in mlexpos/adana `src/config/base.py`). Only with scaling 'dMuon'. */
  matchedAdamwRms?: number;
  /** AdamW settings of the non-2-D parameters (paper: β (0.8, 0.999)); lr defaults to `learningRate`. */
  adam?: { learningRate?: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number };
}

/** The 2-D Muon rule (tfjs ops only; scalar `scale`: see {@link muonScale}). */
export function muonRule(nsSteps: number): FusedRule {
  return {
    name: 'muon',
    opsOnly: true,
    slots: ['buf'],
    scalars: ['mu', 'lr', 'nesterov', 'decay', 'scale'],
    wgsl: '', // never dispatched: Muon always runs as tfjs ops
    cpu() {
      throw new Error('Muon: the 2-D update needs matrix products and runs as tfjs ops only');
    },
    tf(p, g, [buf], k) {
      // buf ← μ·buf + g; Nesterov u = g + μ·buf: `src/optim/muon.py::Muon.step`; decay as `DistributedMuon.step`.
      const bi = tf.add(tf.mul(buf!, k.mu!), g);
      const u = k.nesterov! > 0.5 ? tf.add(g, tf.mul(bi, k.mu!)) : bi;
      const o = newtonSchulz(u as tf.Tensor2D, nsSteps);
      return [tf.sub(tf.mul(p, k.decay!), tf.mul(o, k.lr! * k.scale!)), bi];
    },
  };
}

/** The paper's D-Muon baseline: `scripts/launch.sh` d-muon flags --beta1 0.8 --beta2 0.999 (the AdamW fallback's β). */
const MUON_DMUON_ADAM_BETAS = { beta1: 0.8, beta2: 0.999 } as const;

const MUON_KEYS = ['momentum', 'nesterov', 'nsSteps', 'weightDecay', 'adam', 'scaling', 'matchedAdamwRms'];

/**
 * The update scale of a 2-D tfjs variable of `shape` [in, out]: 'keller' √max(1, out/in) (torch's √max(1, rows/cols)
 * of the transposed [out, in] weight), or D-Muon's matchedAdamwRms·√max(in, out) (symmetric).
 */
export function muonScale(o: Pick<MuonOptions, 'scaling' | 'matchedAdamwRms'>, shape: number[]): number {
  // 'dMuon': `src/optim/muon.py::adjust_lr_wd_for_muon`; 'keller': `Muon.step` (`max(1, rows/cols) ** 0.5` on p of
  // torch shape [out, in], i.e. [rows, cols] = [shape[1], shape[0]] here).
  const [fanIn, fanOut] = shape as [number, number];
  return o.scaling === 'dMuon' ? (o.matchedAdamwRms ?? MUON_DEFAULTS.matchedAdamwRms) * Math.sqrt(Math.max(fanIn, fanOut)) : Math.sqrt(Math.max(1, fanOut / fanIn));
}

/** Muon's defaults (`matchedAdamwRms` only with scaling 'dMuon'; the AdamW fallback's in {@link Muon}'s `adam`). */
export const MUON_DEFAULTS = { momentum: 0.95, nesterov: true, nsSteps: 5, weightDecay: 0, scaling: 'keller', matchedAdamwRms: 0.2 } as const;

/** Muon with an AdamW fallback for biases, norms and anything not 2-D. */
export class Muon extends FusedOptimizer<MuonOptions> {
  /** Class name used by tfjs serialization. */
  static readonly className = 'Muon';
  private readonly rule2d: FusedRule;
  constructor(options: MuonOptions) {
    super('Muon', options, MUON_KEYS);
    if (options.adam !== undefined) {
      if (options.adam === null || typeof options.adam !== 'object') throw new Error(`Muon: adam must be an object, got ${String(options.adam)}`);
      checkKeys('Muon', options.adam, ['learningRate', 'beta1', 'beta2', 'eps', 'weightDecay'], 'adam.');
    }
    const o = this.options;
    if (o.momentum !== undefined) checkNumber('Muon', 'momentum', o.momentum, (v) => v >= 0 && v < 1, 'in [0, 1)');
    if (o.nsSteps !== undefined) checkNumber('Muon', 'nsSteps', o.nsSteps, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
    if (o.weightDecay !== undefined) checkNumber('Muon', 'weightDecay', o.weightDecay, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0');
    if (o.adam?.learningRate !== undefined) {
      checkNumber('Muon', 'adam.learningRate', o.adam.learningRate, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
    }
    checkAdamOptions("Muon.adam", { learningRate: o.adam?.learningRate ?? o.learningRate, ...o.adam });
    checkDecayBelowOne("Muon", o.learningRate, o.weightDecay ?? 0);
    if (o.scaling !== undefined && o.scaling !== 'keller' && o.scaling !== 'dMuon') throw new Error(`Muon: scaling must be 'keller' or 'dMuon', got '${String(o.scaling)}'`);
    if (o.matchedAdamwRms !== undefined) {
      if (o.scaling !== 'dMuon') throw new Error(`Muon: matchedAdamwRms needs scaling 'dMuon'`);
      checkNumber('Muon', 'matchedAdamwRms', o.matchedAdamwRms, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
    }
    this.rule2d = muonRule(o.nsSteps ?? MUON_DEFAULTS.nsSteps);
  }
  protected override defaults(): Partial<MuonOptions> {
    const { matchedAdamwRms, ...rest } = MUON_DEFAULTS;
    const dMuon = this.options.scaling === 'dMuon';
    const betas = dMuon ? MUON_DMUON_ADAM_BETAS : { beta1: ADAMW_DEFAULTS.beta1, beta2: ADAMW_DEFAULTS.beta2 };
    return {
      ...rest,
      ...(dMuon ? { matchedAdamwRms } : {}),
      adam: { learningRate: this.options.learningRate, ...betas, eps: ADAMW_DEFAULTS.eps, weightDecay: 0 },
    };
  }
  protected ruleFor(_name: string, shape: number[]): FusedRule {
    return shape.length === 2 ? this.rule2d : adamwRule;
  }
  protected scalarsFor(ctx: StepContext, rule: FusedRule): RuleScalars {
    const o = this.options;
    if (rule === adamwRule) {
      const adamLr = (o.adam?.learningRate ?? o.learningRate) * ctx.scheduleFactor;
      const paperBetas = o.scaling === 'dMuon' ? MUON_DMUON_ADAM_BETAS : {};
      return adamwScalars({ learningRate: adamLr, weightDecay: 0, ...paperBetas, ...o.adam }, { ...ctx, lr: adamLr });
    }
    return {
      mu: o.momentum ?? MUON_DEFAULTS.momentum,
      lr: ctx.lr,
      nesterov: (o.nesterov ?? MUON_DEFAULTS.nesterov) ? 1 : 0,
      decay: 1 - ctx.lr * (o.weightDecay ?? MUON_DEFAULTS.weightDecay) * ctx.decayScale,
      scale: muonScale(o, ctx.shape),
    };
  }
}
registerOptimizer(Muon);

/** `new Muon(options)`, tfjs style. */
export const muon = (options: MuonOptions): Muon => new Muon(options);
