import { biasRepro as curatedBias } from './repro/curated-retrain-bias';
import { digitsRepro } from './repro/curated-retrain-digits';
import { moonsRepro } from './repro/curated-retrain-moons';
import { ringRepro as curatedRing } from './repro/curated-retrain-ring';
import { reproduction as equivariantIgn } from './repro/equivariant-prune-ign';
import { reproduction as equivariantLaw } from './repro/equivariant-prune-law';
import { reproduction as equivariantRotMnist } from './repro/equivariant-prune-rotmnist';
import { reproduction as equivariantScaling } from './repro/equivariant-prune-scaling';
import { reproduction as equivariantSets } from './repro/equivariant-prune-sets';
import { reproductions as kernels } from './repro/gpu-kernels';
import { charLM } from './repro/optim-char-lm';
import { plrfHorizon } from './repro/optim-plrf-horizon';
import { reproductions as ot } from './repro/ot-lmc-mnist/index';
import { reproductions as otLmcPaper } from './repro/ot-lmc-paper/index';
import { reproductions as otLmcWidth } from './repro/ot-lmc-width/index';
import { reproductions as scaling } from './repro/scaling-laws';
import type { Reproduction } from './types';

/** Every registered reproduction, in the order the report shows them. */
export const REGISTRY: Reproduction[] = [
  ...kernels,
  charLM,
  plrfHorizon,
  ...scaling,
  ...ot,
  ...otLmcPaper,
  ...otLmcWidth,
  equivariantScaling,
  equivariantRotMnist,
  equivariantSets,
  equivariantLaw,
  equivariantIgn,
  curatedRing,
  curatedBias,
  digitsRepro,
  moonsRepro,
];
