// gpu-train.ts loads @lemma/optim only inside the packed bundle (scripts/gpu-bench/pack.mjs aliases it to
// packages/optim/src); gpu-kernels itself must not depend on optim (layering), so only the used shape is declared.
declare module '@lemma/optim' {
  import type { Optimizer } from '@tensorflow/tfjs-core';
  export function adamw(options: { learningRate: number; weightDecay?: number }): Optimizer;
}
