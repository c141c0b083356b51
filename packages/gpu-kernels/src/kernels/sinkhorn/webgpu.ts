import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { webgpuInternals } from '../_shared/webgpu';
import { lseReduceWebGPU } from '../logSumExp/webgpu';
import type { SinkhornAttrs } from './cpu';

/** WebGPU kernel: one fused pass over C (rows: a workgroup per row; cols: a tiled column reduction). */
export const sinkhornWebGPU: KernelFunc = ({ inputs, backend, attrs }) => {
  const { eps, axis } = attrs as unknown as SinkhornAttrs;
  const { C, potential, logMarginal } = inputs as Record<string, TensorInfo>;
  const be = webgpuInternals('sinkhornHalfStep', backend);
  return lseReduceWebGPU(be, { C: C!, pot: potential!, logm: logMarginal!, eps, axis });
};
