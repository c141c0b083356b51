import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bitwiseCrc32c, bitwiseMaskedCrc32c, readEventFile } from '../testing/tfevents-reader';
import { createSummaryWriter, crc32c, histogramRecord, maskedCrc32c, scalarRecord } from './index';

describe('CRC-32C', () => {
  it('matches the RFC 3720 (B.4) test vectors and the bitwise reference', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    const r = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251);
    expect(crc32c(r)).toBe(bitwiseCrc32c(r));
    expect(maskedCrc32c(r)).toBe(bitwiseMaskedCrc32c(r));
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
