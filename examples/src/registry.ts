import { reproductions as curated } from './repro/curated-retrain';
import { reproduction as equivariantIgn } from './repro/equivariant-prune-ign';
import { reproduction as equivariantLaw } from './repro/equivariant-prune-law';
import { reproduction as equivariantRotMnist } from './repro/equivariant-prune-rotmnist';
import { reproduction as equivariantScaling } from './repro/equivariant-prune-scaling';
import { reproduction as equivariantSets } from './repro/equivariant-prune-sets';
import { reproductions as kernels } from './repro/gpu-kernels';
import { reproductions as optim } from './repro/optim';
import { reproductions as ot } from './repro/ot-matching';
import { reproductions as scaling } from './repro/scaling-laws';
import type { Reproduction } from './types';

/** Every registered reproduction, in the order the report shows them. */
export const REGISTRY: Reproduction[] = [...kernels, ...optim, ...scaling, ...ot, equivariantScaling, equivariantRotMnist, equivariantSets, equivariantLaw, equivariantIgn, ...curated];
