/**
 * Node: a TensorBoard log directory writer (`events.out.tfevents.<seconds>.<host>` files, appended synchronously so a
 * crash loses at most the record being written), and a PNG encoder for image summaries.
 */
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { fileVersionRecord, histogramRecord, imageRecord, scalarRecord, type HistogramOptions } from './tensorboard';

/** Writes scalars, histograms and images for TensorBoard into one event file under `logdir`. */
export interface SummaryWriter {
  /** The event file's path. */
  readonly file: string;
  scalar(tag: string, value: number, step: number): void;
  histogram(tag: string, values: ArrayLike<number>, step: number, options?: HistogramOptions): void;
  /** `pixels` row-major `[height, width, channels]` in [0, 1] (clamped), channels 1 (gray), 3 (RGB) or 4 (RGBA). */
  image(tag: string, pixels: ArrayLike<number>, size: { width: number; height: number; channels: 1 | 3 | 4 }, step: number): void;
}

/** Opens a new event file in `logdir` (created if missing). */
export function createSummaryWriter(logdir: string): SummaryWriter {
  if (typeof logdir !== 'string' || logdir.length === 0) throw new Error(`createSummaryWriter: logdir must be a non-empty path, got ${JSON.stringify(logdir)}`);
  mkdirSync(logdir, { recursive: true });
  if (!statSync(logdir).isDirectory()) throw new Error(`createSummaryWriter: logdir '${logdir}' is not a directory`);
  const now = () => Date.now() / 1000;
  const file = join(logdir, `events.out.tfevents.${Math.floor(now())}.${hostname()}.${process.pid}`);
  appendFileSync(file, fileVersionRecord(now()));
  return {
    file,
    scalar: (tag, value, step) => appendFileSync(file, scalarRecord(tag, value, step, now())),
    histogram: (tag, values, step, options) => appendFileSync(file, histogramRecord(tag, values, step, now(), options)),
    image: (tag, pixels, size, step) => appendFileSync(file, imageRecord(tag, encodePng(pixels, size), size, step, now())),
  };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Encodes 8-bit PNG (gray, RGB or RGBA) from values in [0, 1], row-major `[height, width, channels]`. */
export function encodePng(pixels: ArrayLike<number>, size: { width: number; height: number; channels: 1 | 3 | 4 }): Uint8Array {
  const { width, height, channels } = size;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) throw new Error(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`encodePng: channels must be 1, 3 or 4, got ${channels}`);
  if (pixels.length !== width * height * channels) throw new Error(`encodePng: pixels must have ${width * height * channels} values (${height}x${width}x${channels}), got ${pixels.length}`);
  const raw = new Uint8Array(height * (1 + width * channels));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * channels)] = 0; // filter: none
    for (let i = 0; i < width * channels; i++) {
      const v = pixels[y * width * channels + i]!;
      raw[y * (1 + width * channels) + 1 + i] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
    }
  }
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
