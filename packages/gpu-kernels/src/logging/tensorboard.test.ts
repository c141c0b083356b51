import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { createSummaryWriter, crc32c, histogramRecord, maskedCrc32c, scalarRecord } from './index';

// An independent reader: TensorFlow's own proto definitions decoded by protobufjs, and a bitwise (table-free)
// CRC-32C, so a mistake in our encoder or our table cannot cancel out.
const PROTO = `
syntax = "proto3";
package tensorflow;
message HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true]; repeated double bucket = 7 [packed = true]; }
message Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
message Value { string node_name = 7; string tag = 1;
  oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; Image image = 4; HistogramProto histo = 5; } }
message Summary { repeated Value value = 1; }
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; } }
`;
const Event = protobuf.parse(PROTO).root.lookupType('tensorflow.Event');

function bitwiseCrc32c(b: Uint8Array): number {
  let c = ~0 >>> 0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1));
  }
  return ~c >>> 0;
}
const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;

interface DecodedEvent {
  wallTime: number;
  step: number | { toNumber(): number };
  fileVersion?: string;
  summary?: { value: { tag: string; simpleValue?: number; histo?: { num: number; sum: number; min: number; max: number; bucket: number[]; bucketLimit: number[] }; image?: { height: number; width: number; colorspace: number; encodedImageString: Uint8Array } }[] };
}

function readRecords(bytes: Uint8Array): DecodedEvent[] {
  const out: DecodedEvent[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  while (off < bytes.length) {
    const len = Number(dv.getBigUint64(off, true));
    expect(dv.getUint32(off + 8, true)).toBe(mask(bitwiseCrc32c(bytes.subarray(off, off + 8))));
    const data = bytes.subarray(off + 12, off + 12 + len);
    expect(dv.getUint32(off + 12 + len, true)).toBe(mask(bitwiseCrc32c(data)));
    out.push(Event.toObject(Event.decode(data), { longs: Number }) as DecodedEvent);
    off += 16 + len;
  }
  expect(off).toBe(bytes.length);
  return out;
}

describe('CRC-32C', () => {
  it('matches the RFC 3720 (B.4) test vectors and the bitwise reference', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    const r = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251);
    expect(crc32c(r)).toBe(bitwiseCrc32c(r));
    expect(maskedCrc32c(r)).toBe(mask(bitwiseCrc32c(r)));
  });
});

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
    const events = readRecords(new Uint8Array(readFileSync(w.file)));
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

  it('rejects bad input with the argument named', () => {
    expect(() => scalarRecord('', 1, 0, 0)).toThrow(/tag must be a non-empty string/);
    expect(() => scalarRecord('x', 1, -1, 0)).toThrow(/step must be a non-negative safe integer, got -1/);
    expect(() => scalarRecord('x', 1, 1.5, 0)).toThrow(/step/);
    expect(() => histogramRecord('h', [1, Number.NaN], 0, 0)).toThrow(/values must be finite, got NaN at index 1/);
    expect(() => histogramRecord('h', [], 0, 0)).toThrow(/values must not be empty/);
    expect(() => histogramRecord('h', [1], 0, 0, { buckets: 0 })).toThrow(/buckets/);
    const w = createSummaryWriter(mkdtempSync(join(tmpdir(), 'lemma-tb-')));
    expect(() => w.image('i', [0, 1], { width: 3, height: 2, channels: 1 }, 0)).toThrow(/pixels must have 6 values/);
  });
});
