import { badInputTable } from '../testing/bad-input';
import { cases } from './kernels.bad-inputs';

badInputTable('gpu-kernels exports', cases, new URL('./kernels.bad-inputs.ts', import.meta.url));
