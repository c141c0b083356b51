/**
 * TensorBoard event records in pure TypeScript: scalars, histograms and images as `tensorflow.Event` protos
 * (tensorflow/core/util/event.proto, summary.proto) framed as TFRecords (length, masked CRC-32C of the length, data,
 * masked CRC-32C of the data). The encoders here are pure (browser-safe); `event-file.ts` writes them to disk.
 */
import { maskedCrc32c } from './crc32c';
import { ProtoWriter } from './protobuf-writer';

/** Frames one record as TFRecord: u64 length | u32 masked crc(length) | data | u32 masked crc(data), little endian. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** One event: Event { wall_time = 1 (double); step = 2 (int64); file_version = 3 | summary = 5 }. */
function event(wallTime: number, step: number, what: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter().double(1, wallTime).uint(2, step);
  what(w);
  return tfRecord(w.finish());
}

function checkStep(fn: string, step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`${fn}: step must be a non-negative safe integer, got ${step}`);
}

function checkTag(fn: string, tag: string): void {
  if (typeof tag !== 'string' || tag.length === 0) throw new Error(`${fn}: tag must be a non-empty string, got ${JSON.stringify(tag)}`);
}

/** The first record of every event file: `file_version: "brain.Event:2"`. */
export function fileVersionRecord(wallTime: number): Uint8Array {
  return event(wallTime, 0, (w) => w.string(3, 'brain.Event:2'));
}

/** Summary { Value { tag = 1; simple_value = 2 } }. */
export function scalarRecord(tag: string, value: number, step: number, wallTime: number): Uint8Array {
  checkTag('scalarRecord', tag);
  checkStep('scalarRecord', step);
  if (typeof value !== 'number') throw new Error(`scalarRecord: value must be a number, got ${typeof value}`);
  const v = new ProtoWriter().string(1, tag).float(2, value).finish();
  return event(wallTime, step, (w) => w.bytes(5, new ProtoWriter().bytes(1, v).finish()));
}

/** Options of {@link histogramRecord}. */
export interface HistogramOptions {
  /** Number of equal-width buckets between min and max (default 30). */
  buckets?: number;
}

/**
 * Summary { Value { tag = 1; histo = 5: HistogramProto { min, max, num, sum, sum_squares, bucket_limit, bucket } } }.
 * Non-finite values are rejected (TensorBoard cannot draw them and a silent drop would mislead).
 */
export function histogramRecord(tag: string, values: ArrayLike<number>, step: number, wallTime: number, options: HistogramOptions = {}): Uint8Array {
  checkTag('histogramRecord', tag);
  checkStep('histogramRecord', step);
  const nb = options.buckets ?? 30;
  if (!Number.isInteger(nb) || nb < 1 || nb > 10000) throw new Error(`histogramRecord: buckets must be an integer in [1, 10000], got ${nb}`);
  if (values.length === 0) throw new Error('histogramRecord: values must not be empty');
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) throw new Error(`histogramRecord: values must be finite, got ${x} at index ${i}`);
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    sq += x * x;
  }
  // bucket_limit[i] is the right edge of bucket i; the last edge is max itself. Constant values: unit-wide buckets
  // ending at the value, all counts in the last, so the edges still increase.
  const counts = new Array<number>(nb).fill(0);
  let limits: number[];
  if (max > min) {
    const width = (max - min) / nb;
    limits = Array.from({ length: nb }, (_, i) => (i === nb - 1 ? max : min + width * (i + 1)));
    for (let i = 0; i < values.length; i++) counts[Math.min(nb - 1, Math.floor((values[i]! - min) / width))]! += 1;
  } else {
    limits = Array.from({ length: nb }, (_, i) => max - (nb - 1 - i));
    counts[nb - 1] = values.length;
  }
  const h = new ProtoWriter().double(1, min).double(2, max).double(3, values.length).double(4, sum).double(5, sq).packedDoubles(6, limits).packedDoubles(7, counts).finish();
  const v = new ProtoWriter().string(1, tag).bytes(5, h).finish();
  return event(wallTime, step, (w) => w.bytes(5, new ProtoWriter().bytes(1, v).finish()));
}

/** Summary { Value { tag = 1; image = 4: Image { height = 1; width = 2; colorspace = 3; encoded_image_string = 4 } } }. */
export function imageRecord(tag: string, png: Uint8Array, size: { width: number; height: number; channels: 1 | 3 | 4 }, step: number, wallTime: number): Uint8Array {
  checkTag('imageRecord', tag);
  checkStep('imageRecord', step);
  if (!(png instanceof Uint8Array) || png[1] !== 0x50 || png[2] !== 0x4e || png[3] !== 0x47) throw new Error('imageRecord: png must be PNG bytes (see encodePng)');
  const img = new ProtoWriter().uint(1, size.height).uint(2, size.width).uint(3, size.channels).bytes(4, png).finish();
  const v = new ProtoWriter().string(1, tag).bytes(4, img).finish();
  return event(wallTime, step, (w) => w.bytes(5, new ProtoWriter().bytes(1, v).finish()));
}
