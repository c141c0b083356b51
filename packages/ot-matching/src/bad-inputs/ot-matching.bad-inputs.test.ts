import { badInputTable } from '@lemma/gpu-kernels/testing';
import { cases } from './ot-matching.bad-inputs';

badInputTable('ot-matching exports', cases, new URL('./ot-matching.bad-inputs.ts', import.meta.url));
