import { badInputTable } from '@lemma/gpu-kernels/testing';
import { cases } from './curated-retrain.bad-inputs';

badInputTable('curated-retrain exports', cases, new URL('./curated-retrain.bad-inputs.ts', import.meta.url));
