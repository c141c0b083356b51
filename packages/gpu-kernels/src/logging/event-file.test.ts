import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readEventFile } from '../testing/tfevents-reader';
import { createSummaryWriter, encodePng } from './event-file';

describe('TensorBoard event files', () => {
  it('writes a file an independent reader decodes: version, scalars, histogram, image', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lemma-tb-'));
    const w = createSummaryWriter(dir);
    w.scalar('loss', 0.25, 3);
    w.scalar('loss', -1.5e-3, 10);
    const values = Array.from({ length: 101 }, (_, i) => i / 10);
    w.histogram('weights', values, 10, { buckets: 5 });
    const pixels = Array.from({ length: 2 * 3 }, (_, i) => i / 5);
    w.image('sample', pixels, { width: 3, height: 2, channels: 1 }, 10);
    expect(readdirSync(dir)).toEqual([w.file.split('/').pop()]);
    const events = readEventFile(w.file);
    expect(events).toHaveLength(5);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    expect(events[1]!.step).toBe(3);
    expect(events[1]!.summary!.value[0]).toMatchObject({ tag: 'loss', simpleValue: 0.25 });
    expect(events[2]!.summary!.value[0]!.simpleValue).toBeCloseTo(-1.5e-3, 9);
    const h = events[3]!.summary!.value[0]!.histo!;
    expect(h.num).toBe(101);
    expect(h.min).toBe(0);
    expect(h.max).toBe(10);
    expect(h.sum).toBeCloseTo(505, 9);
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(101);
    expect(h.bucketLimit).toHaveLength(5);
    expect(h.bucketLimit[4]).toBe(10);
    const img = events[4]!.summary!.value[0]!.image!;
    expect([img.height, img.width, img.colorspace]).toEqual([2, 3, 1]);
    const png = img.encodedImageString;
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IDAT: one chunk after the 8-byte signature and 25-byte IHDR chunk; rows are filter byte + pixels.
    const idatLen = new DataView(png.buffer, png.byteOffset).getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(Array.from(raw)).toEqual([0, 0, 51, 102, 0, 153, 204, 255]);
    for (const e of events) expect(typeof e.wallTime).toBe('number');
  });

  it('the reader rejects a corrupted record or a truncated file', () => {
    const w = createSummaryWriter(mkdtempSync(join(tmpdir(), 'lemma-tb-')));
    w.scalar('loss', 0.25, 3);
    const good = readFileSync(w.file);
    const flipped = Uint8Array.from(good);
    flipped[flipped.length - 5]! ^= 1; // a byte of the last record's data
    writeFileSync(w.file, flipped);
    expect(() => readEventFile(w.file)).toThrow(/bad data CRC/);
    writeFileSync(w.file, good.subarray(0, good.length - 1));
    expect(() => readEventFile(w.file)).toThrow(/truncated record/);
  });
});

/** CRC-32 (PNG's, reflected polynomial 0xEDB88320) bit by bit, table-free. */
function bitwiseCrc32(bytes: Uint8Array): number {
  let c = ~0 >>> 0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** The chunks of a PNG after its signature: type, data, and whether the stored CRC matches. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array; crcOk: boolean }[] {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out = [];
  for (let off = 8; off < png.length; ) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const crcOk = dv.getUint32(off + 8 + len) === bitwiseCrc32(png.subarray(off + 4, off + 8 + len));
    out.push({ type, data: png.subarray(off + 8, off + 8 + len), crcOk });
    off += 12 + len;
  }
  return out;
}

describe('encodePng', () => {
  it('writes IHDR, IDAT, IEND with valid CRCs; pixels rounded from [0, 1] (clamped, non-finite as 0) per colour type', () => {
    for (const [channels, colorType] of [[1, 0], [3, 2], [4, 6]] as const) {
      const width = 3, height = 2;
      const px = Array.from({ length: width * height * channels }, (_, i) => [-0.5, 0, 0.2, 0.5, 1, 1.7, Number.NaN, Infinity][i % 8]!);
      const png = encodePng(px, { width, height, channels });
      expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const cs = chunks(png);
      expect(cs.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
      expect(cs.every((c) => c.crcOk)).toBe(true);
      const ih = new DataView(cs[0]!.data.buffer, cs[0]!.data.byteOffset, 13);
      expect([ih.getUint32(0), ih.getUint32(4), ih.getUint8(8), ih.getUint8(9), ih.getUint8(10), ih.getUint8(11), ih.getUint8(12)]).toEqual([width, height, 8, colorType, 0, 0, 0]);
      // Each row: filter byte 0 then round(255·clamp(v, 0, 1)); NaN and ±Infinity are written as 0.
      const byte = (v: number) => (Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, v))) : 0);
      const want: number[] = [];
      for (let y = 0; y < height; y++) want.push(0, ...px.slice(y * width * channels, (y + 1) * width * channels).map(byte));
      expect(Array.from(inflateSync(cs[1]!.data))).toEqual(want);
      expect(cs[2]!.data.length).toBe(0);
    }
  });

  it('rejects bad sizes, channel counts and pixel counts, naming them', () => {
    expect(() => encodePng([0], { width: 0, height: 1, channels: 1 })).toThrow('encodePng: width and height must be positive integers, got 0x1');
    expect(() => encodePng([0], { width: 1, height: 1.5, channels: 1 })).toThrow('encodePng: width and height must be positive integers, got 1x1.5');
    expect(() => encodePng([0, 0], { width: 1, height: 1, channels: 2 as 1 })).toThrow('encodePng: channels must be 1, 3 or 4, got 2');
    expect(() => encodePng([0, 0], { width: 2, height: 1, channels: 3 })).toThrow('encodePng: pixels must have 6 values (1x2x3), got 2');
  });
});

describe('createSummaryWriter', () => {
  it('rejects an empty logdir and a logdir that is a file', () => {
    expect(() => createSummaryWriter('')).toThrow('createSummaryWriter: logdir must be a non-empty path, got ""');
    const file = join(mkdtempSync(join(tmpdir(), 'lemma-tb-')), 'not-a-dir');
    writeFileSync(file, 'x');
    expect(() => createSummaryWriter(file)).toThrow(/createSummaryWriter: logdir '.*not-a-dir'|EEXIST|ENOTDIR/);
  });
});
