export { philox4x32, keyFromSeed, uint32ToUnit, philoxWords } from './philox';
export type { PhiloxKey } from './philox';
export { createRng } from './rng';
export type { Rng } from './rng';
export { NormalStream } from './normal-stream';
