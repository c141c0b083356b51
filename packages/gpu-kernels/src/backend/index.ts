export { selectBackend, formatBackendReport, resolveBackendChoice, registerCoreGradients } from './select';
export type { SelectBackendOptions } from './select';
export type { WasmPaths } from './wasm';
export { BACKEND_NAMES, BackendUnavailableError } from './types';
export type { BackendAttempt, BackendChoice, BackendName, BackendReport } from './types';
export { getWebGPUBackend, getGPUDevice, isGpuBackend } from './device';
export { prepareWebGPU, releaseWebGPU } from './webgpu';
export { assertSingleTfjsCore, tfjsCoreProblems, TFJS_CORE_VERSION } from './tfjs-copies';
