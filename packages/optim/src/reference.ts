/**
 * Float64 per-coordinate reference update rules, written for clarity (one coordinate, one step, no fusion).
 * Tests compare the fused CPU / tfjs-op / WGSL kernels against these. Step `t` is 1-based throughout.
 */

/** Per-step hyperparameters shared by the ADANA family (already resolved for step t). */
export interface AdanaRefParams {
  /** Peak learning rate γ* times the schedule factor: lr_t. */
  lr: number;
  /** Schedule factor s(t) = lr_t / γ* (multiplies weight decay). */
  scheduleFactor: number;
  /** δ of the log-time EMA (default 8). */
  delta: number;
  /** κ of the damping (1 + t)^(1−κ). */
  kappa: number;
  /** ε added to √v. */
  eps: number;
  /** Multiplier of the momentum term (authors' gamma_3_factor, default 1). */
  gamma3Factor: number;
  /** SNR clip for the MK4 variants; `Infinity` disables it. */
  clipSNR: number;
  /** λ(t) before the schedule factor (e.g. ω/(T/10 + t)); 0 for no decay. */
  weightDecay: number;
}

/** State of one coordinate of ADANA / Dana-MK4. */
export interface AdanaRefState {
  theta: number;
  m: number;
  v: number;
}

/** ADANA / Dana-MK4 step for one coordinate (mlexpos/adana `src/optim/adana.py::ADana._update_param_compiled`, 1-based t; no equation number). */
export function adanaRef(s: AdanaRefState, g: number, t: number, h: AdanaRefParams): AdanaRefState {
  const a = h.delta / (h.delta + t); // 1 − β(t), log-time
  const m = s.m + a * (g - s.m);
  const v = (1 - a) * s.v + a * g * g;
  const D = Math.sqrt(v) + h.eps;
  const A = Math.min(Math.pow(1 + t, 1 - h.kappa) * (Math.abs(m) / D), h.clipSNR);
  const step = h.lr * (g / D) + h.lr * h.gamma3Factor * (Math.sign(m) * A + m / D);
  const theta = (s.theta - step) * (1 - h.weightDecay * h.scheduleFactor); // decay after the step
  return { theta, m, v };
}

/** State of one coordinate of Dana-Star(-MK4). */
export interface DanaStarRefState extends AdanaRefState {
  tau: number;
}

/** Dana-Star(-MK4) step for one coordinate (`dana_star_mk4.py::DANA_STAR_MK4._update_param_compiled`; WD after the step, times s(t), like ADANA). */
export function danaStarRef(s: DanaStarRefState, g: number, t: number, h: AdanaRefParams): DanaStarRefState {
  const a = h.delta / (h.delta + t);
  const m = s.m + a * (g - s.m);
  const v = (1 - a) * s.v + a * g * g;
  const sv = Math.sqrt(v);
  const tau = (1 - a) * s.tau + a * (Math.abs(g) / (Math.abs(g) + sv + h.eps));
  const tc = Math.min(tau, 0.5);
  const tauReg = Math.max(tc / (1 - tc), 1 / (1 + t));
  const effT = Math.max(tau * t, 1);
  const N = Math.sqrt(tauReg) / (sv + h.eps);
  const A = Math.min(Math.pow(effT, 1 - h.kappa) * ((Math.abs(m) * N) / tauReg), h.clipSNR);
  const step = h.lr * g * N + h.lr * h.gamma3Factor * (tauReg * Math.sign(m) * A + m * N);
  const theta = (s.theta - step) * (1 - h.weightDecay * h.scheduleFactor);
  return { theta, m, v, tau };
}

/** Per-step DANA coefficients (2505.16098 Gen-Mom-SGD, equation number unknown), already evaluated at step t. */
export interface DanaRefParams {
  /** Δ(t) (1 at t = 1). */
  Delta: number;
  gamma1: number;
  gamma2: number;
  /** γ3(t): constant c·γ2/d (DANA-constant) or c·γ2·(1+c)^(−1/(2α)) at the 0-based count c = t − 1 (DANA-decaying). */
  gamma3: number;
}

/** State of one coordinate of DANA. */
export interface DanaRefState {
  theta: number;
  y: number;
}

/** DANA step: y ← (1 − Δ)y + γ1 g; θ ← θ − γ2 g − γ3 y (Experimental `power_law_rf/optimizers.py::dana_optimizer`). */
export function danaRef(s: DanaRefState, g: number, h: DanaRefParams): DanaRefState {
  const y = (1 - h.Delta) * s.y + h.gamma1 * g;
  return { theta: s.theta - h.gamma2 * g - h.gamma3 * y, y };
}

/** AdamW hyperparameters (PyTorch names). */
export interface AdamWRefParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** λ; the shrink per step is lr·λ (PyTorch couples it to the current lr). */
  weightDecay: number;
}

/** State of one coordinate of AdamW. */
export interface AdamWRefState {
  theta: number;
  m: number;
  v: number;
}

/** AdamW exactly as `torch.optim.AdamW` (decay first, ε after bias correction; its docs' algorithm, no paper equation). */
export function adamwRef(s: AdamWRefState, g: number, t: number, h: AdamWRefParams): AdamWRefState {
  let theta = s.theta * (1 - h.lr * h.weightDecay);
  const m = h.beta1 * s.m + (1 - h.beta1) * g;
  const v = h.beta2 * s.v + (1 - h.beta2) * g * g;
  const bc1 = 1 - Math.pow(h.beta1, t);
  const bc2 = 1 - Math.pow(h.beta2, t);
  const denom = Math.sqrt(v) / Math.sqrt(bc2) + h.eps;
  theta -= (h.lr / bc1) * (m / denom);
  return { theta, m, v };
}

/** AdEMAMix hyperparameters at step t (α(t) and β3(t) already evaluated). */
export interface AdemamixRefParams extends AdamWRefParams {
  beta3: number;
  alpha: number;
}

/** State of one coordinate of AdEMAMix. */
export interface AdemamixRefState {
  theta: number;
  m1: number;
  m2: number;
  v: number;
}

/** AdEMAMix (apple/ml-ademamix PyTorch): m̂1 bias-corrected, m2 never; decoupled λ times the full lr. */
export function ademamixRef(s: AdemamixRefState, g: number, t: number, h: AdemamixRefParams): AdemamixRefState {
  // One step of the AdEMAMix paper's Algorithm 1 (arXiv 2409.03137), as apple/ml-ademamix `pytorch/ademamix.py::AdEMAMix.step`.
  const m1 = h.beta1 * s.m1 + (1 - h.beta1) * g;
  const m2 = h.beta3 * s.m2 + (1 - h.beta3) * g;
  const v = h.beta2 * s.v + (1 - h.beta2) * g * g;
  const bc1 = 1 - Math.pow(h.beta1, t);
  const bc2 = 1 - Math.pow(h.beta2, t);
  const denom = Math.sqrt(v) / Math.sqrt(bc2) + h.eps;
  const update = (m1 / bc1 + h.alpha * m2) / denom;
  return { theta: s.theta * (1 - h.lr * h.weightDecay) - h.lr * update, m1, m2, v };
}

/** SGD-momentum hyperparameters (torch.optim.SGD form, dampening 0). */
export interface SgdMomentumRefParams {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** Decoupled decay θ(1 − lr·λ) instead of torch's coupled g + λθ (default false: coupled, as torch). */
  decoupled?: boolean;
}

/** State of one coordinate of SGD-momentum. */
export interface SgdMomentumRefState {
  theta: number;
  buf: number;
}

/**
 * SGD with momentum as torch.optim.SGD (dampening 0): g ← g + λθ (coupled `weight_decay`); buf ← μ·buf + g;
 * d = nesterov ? g + μ·buf : buf; θ ← θ − lr·d. With `decoupled`: no λθ in g, θ ← θ(1 − lr·λ) − lr·d.
 */
export function sgdMomentumRef(s: SgdMomentumRefState, g: number, h: SgdMomentumRefParams): SgdMomentumRefState {
  const gi = h.decoupled ? g : g + h.weightDecay * s.theta;
  const buf = h.momentum * s.buf + gi;
  const d = h.nesterov ? gi + h.momentum * buf : buf;
  return { theta: s.theta * (h.decoupled ? 1 - h.lr * h.weightDecay : 1) - h.lr * d, buf };
}

/** Binomial coefficient C(n, k) for real n (Γ-free product form; k a non-negative integer). */
export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r *= (n - k + i) / i;
  return r;
}

/**
 * Newton–Schulz quintic iteration (Muon, KellerJordan coefficients 3.4445, −4.7750, 2.0315) in float64 on a
 * row-major rows×cols matrix, as mlexpos/adana `src/optim/muon.py::zeropower_via_newtonschulz5`. Returns an
 * approximately semi-orthogonal matrix of the same shape.
 */
export function newtonSchulzRef(g: Float64Array, rows: number, cols: number, steps = 5): Float64Array {
  const [a, b, c] = [3.4445, -4.775, 2.0315];
  const transpose = rows > cols;
  const r = transpose ? cols : rows;
  const k = transpose ? rows : cols;
  let X = new Float64Array(r * k);
  let norm = 0;
  for (let i = 0; i < g.length; i++) norm += g[i]! * g[i]!;
  norm = Math.sqrt(norm) + 1e-7;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const val = g[i * cols + j]! / norm;
      if (transpose) X[j * k + i] = val;
      else X[i * k + j] = val;
    }
  }
  for (let s = 0; s < steps; s++) {
    const A = new Float64Array(r * r);
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++) {
        let acc = 0;
        for (let l = 0; l < k; l++) acc += X[i * k + l]! * X[j * k + l]!;
        A[i * r + j] = acc;
      }
    const B = new Float64Array(r * r);
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++) {
        let acc = 0;
        for (let l = 0; l < r; l++) acc += A[i * r + l]! * A[l * r + j]!;
        B[i * r + j] = b * A[i * r + j]! + c * acc;
      }
    const Y = new Float64Array(r * k);
    for (let i = 0; i < r; i++)
      for (let j = 0; j < k; j++) {
        let acc = 0;
        for (let l = 0; l < r; l++) acc += B[i * r + l]! * X[l * k + j]!;
        Y[i * k + j] = a * X[i * k + j]! + acc;
      }
    X = Y;
  }
  if (!transpose) return X;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) out[j * cols + i] = X[i * k + j]!;
  return out;
}

/** Hyperparameters of one Muon step on a 2-D parameter (see {@link muonRef}). */
export interface MuonRefParams {
  /** lr_t (peak LR times the schedule factor). */
  lr: number;
  /** Momentum μ. */
  momentum: number;
  nesterov: boolean;
  /** Decoupled weight decay λ (θ shrinks by lr·λ); 0 for no-decay variables. */
  weightDecay: number;
  /** Newton–Schulz iterations (default 5). */
  nsSteps?: number;
  /**
   * D-Muon (Moonlight): scale lr·rms·√max(rows, cols) instead of lr·√max(1, cols/rows) (`muon.py::adjust_lr_wd_for_muon`);
   * the matched RMS (authors' default 0.2).
   */
  dMuonRms?: number;
}

/** State of a 2-D Muon parameter: θ and the momentum buffer, row-major rows×cols (a tfjs [in, out] kernel). */
export interface MuonRefState {
  theta: Float64Array;
  buf: Float64Array;
}

/**
 * One Muon step on a row-major rows×cols parameter in float64, as `src/muon.ts` documents it (KellerJordan's Muon,
 * the SGD-momentum form of modded-nanogpt): buf ← μ·buf + g; u = g + μ·buf (Nesterov) or buf;
 * θ ← θ·(1 − lr·λ) − lr·√max(1, cols/rows)·NS₅(u), NS₅ = {@link newtonSchulzRef} (Frobenius normalisation, tall
 * matrices transposed). The parameter is a tfjs kernel, rows = in and cols = out: the transpose of torch's [out, in]
 * weight, whose scale √max(1, out/in) KellerJordan writes as √max(1, rows/cols) of the torch shape. KellerJordan's current `muon_update` keeps buf as an EMA (`lerp` with 1 − μ) and uses
 * u = lerp(g, buf, μ): that u is (1 − μ) times this one, so the orthogonalised update is the same up to NS's 1e-7
 * normalisation guard. Non-2-D parameters use {@link adamwRef}.
 */
export function muonRef(s: MuonRefState, g: ArrayLike<number>, rows: number, cols: number, h: MuonRefParams): MuonRefState {
  const n = rows * cols;
  const buf = new Float64Array(n);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    buf[i] = h.momentum * s.buf[i]! + g[i]!;
    u[i] = h.nesterov ? g[i]! + h.momentum * buf[i]! : buf[i]!;
  }
  const o = newtonSchulzRef(u, rows, cols, h.nsSteps ?? 5);
  const scale = h.dMuonRms !== undefined ? h.dMuonRms * Math.sqrt(Math.max(rows, cols)) : Math.sqrt(Math.max(1, cols / rows));
  const theta = s.theta.map((x, i) => x * (1 - h.lr * h.weightDecay) - h.lr * scale * o[i]!);
  return { theta, buf };
}
