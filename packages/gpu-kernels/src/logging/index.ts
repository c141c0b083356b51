/**
 * @packageDocumentation
 * TensorBoard event files from TypeScript (`@lemma/gpu-kernels/tensorboard`): pure record encoders and a Node writer.
 */
export { crc32c, maskedCrc32c } from './crc32c';
export { fileVersionRecord, histogramRecord, imageRecord, scalarRecord, tfRecord } from './tensorboard';
export type { HistogramOptions } from './tensorboard';
export { createSummaryWriter, encodePng } from './event-file';
export type { SummaryWriter } from './event-file';
