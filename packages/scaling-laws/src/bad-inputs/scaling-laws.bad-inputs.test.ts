import { badInputTable } from '@lemma/gpu-kernels/testing';
import { cases } from './scaling-laws.bad-inputs';

badInputTable('scaling-laws exports', cases, new URL('./scaling-laws.bad-inputs.ts', import.meta.url));
