import { reproductions as curated } from './repro/curated-retrain';
import { digitsRepro } from './repro/curated-retrain-digits';
import { moonsRepro } from './repro/curated-retrain-moons';
import { reproductions as equivariant } from './repro/equivariant-prune';
import { reproductions as kernels } from './repro/gpu-kernels';
import { charLM } from './repro/optim-char-lm';
import { plrfHorizon } from './repro/optim-plrf-horizon';
import { reproductions as ot } from './repro/ot-lmc-mnist/index';
import { reproductions as otLmcPaper } from './repro/ot-lmc-paper/index';
import { reproductions as otLmcWidth } from './repro/ot-lmc-width/index';
import { reproductions as scaling } from './repro/scaling-laws';
import type { Reproduction } from './types';

/** Every registered reproduction, in the order the report shows them. */
export const REGISTRY: Reproduction[] = [...kernels, charLM, plrfHorizon, ...scaling, ...ot, ...otLmcPaper, ...otLmcWidth, ...equivariant, ...curated, digitsRepro, moonsRepro];
