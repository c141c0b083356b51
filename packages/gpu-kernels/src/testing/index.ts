export { describeEachBackend, activateBackend, testBackends, DEFAULT_TEST_BACKENDS } from './backends';
export { assertAllClose, maxRelError, float32SumTolerance, F32_EPS } from './numeric';
export type { CloseOptions } from './numeric';
export { arbMatrix, arbSimplex } from './arbitraries';
export type { MatrixSample, ArbMatrixOptions } from './arbitraries';
export { badInputTable } from './bad-input';
export type { BadInputCase, BadInputOutcome, BadInputTableOptions } from './bad-input';
export { readEventFile, scalarsOf, eventFilesUnder, bitwiseCrc32c, bitwiseMaskedCrc32c } from './tfevents-reader';
export type { DecodedEvent, DecodedValue } from './tfevents-reader';
