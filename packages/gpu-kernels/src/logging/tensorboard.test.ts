import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bitwiseMaskedCrc32c, readEventFile, type DecodedEvent } from '../testing/tfevents-reader';
import { createSummaryWriter } from './event-file';
import { fileVersionRecord, histogramRecord, imageRecord, scalarRecord, tfRecord } from './tensorboard';

/** Decodes records with the independent reader (TensorFlow's protos via protobufjs, bitwise CRCs). */
function decode(...records: Uint8Array[]): DecodedEvent[] {
  const file = join(mkdtempSync(join(tmpdir(), 'lemma-tbrec-')), 'events.out.tfevents.test');
  writeFileSync(file, Buffer.concat(records));
  return readEventFile(file);
}

describe('TensorBoard event records', () => {
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

  it('tfRecord frames data as u64 length | masked crc(length) | data | masked crc(data), little endian', () => {
    for (const n of [0, 1, 5, 300]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
      const r = tfRecord(data);
      expect(r.length).toBe(16 + n);
      const dv = new DataView(r.buffer);
      expect(dv.getBigUint64(0, true)).toBe(BigInt(n));
      expect(dv.getUint32(8, true)).toBe(bitwiseMaskedCrc32c(r.subarray(0, 8)));
      expect(Array.from(r.subarray(12, 12 + n))).toEqual(Array.from(data));
      expect(dv.getUint32(12 + n, true)).toBe(bitwiseMaskedCrc32c(data));
    }
  });

  it('scalar and file-version records decode to their fields (the value as float32, the wall time as double)', () => {
    const [v, s, big] = decode(fileVersionRecord(1234.5), scalarRecord('train/loss', 0.1, 7, 99.25), scalarRecord('x', -3e38, 2 ** 40, 1e9 + 0.125));
    expect(v!.fileVersion).toBe('brain.Event:2');
    expect(v!.wallTime).toBe(1234.5);
    expect(s!.step).toBe(7);
    expect(s!.wallTime).toBe(99.25);
    expect(s!.summary!.value).toHaveLength(1);
    expect(s!.summary!.value[0]!.tag).toBe('train/loss');
    expect(s!.summary!.value[0]!.simpleValue).toBe(Math.fround(0.1));
    expect(big!.step).toBe(2 ** 40);
    expect(big!.wallTime).toBe(1e9 + 0.125);
    expect(big!.summary!.value[0]!.simpleValue).toBe(Math.fround(-3e38));
  });

  it('a histogram has min, max, count, sum and equal-width bucket counts of a float64 reference', () => {
    const values = [0.5, -2, 3, 3, 1e-3, -2, 7.25, 0, 4.5, -1.5, 2];
    const nb = 4;
    const [e] = decode(histogramRecord('w', values, 3, 0, { buckets: nb }));
    const h = e!.summary!.value[0]!.histo!;
    const min = -2, max = 7.25, width = (max - min) / nb;
    // Bucket i covers [min + i·width, min + (i+1)·width); max falls in the last one.
    const counts = [0, 0, 0, 0];
    for (const x of values) counts[Math.min(nb - 1, Math.floor((x - min) / width))]! += 1;
    expect([h.min, h.max, h.num]).toEqual([min, max, values.length]);
    expect(h.sum).toBe(values.reduce((a, b) => a + b, 0));
    expect(h.bucket).toEqual(counts);
    expect(h.bucket).toEqual([5, 2, 3, 1]); // by hand: edges -2, 0.3125, 2.625, 4.9375, 7.25
    expect(h.bucketLimit).toEqual([min + width, min + 2 * width, min + 3 * width, max]);
    // Constant values: all counted in one bucket, and the last edge is the value (max).
    const [c] = decode(histogramRecord('c', [2, 2, 2], 0, 0, { buckets: 3 }));
    expect(c!.summary!.value[0]!.histo!.bucket.filter((x) => x > 0)).toEqual([3]);
    expect(c!.summary!.value[0]!.histo!.bucketLimit.at(-1)).toBe(2);
    // ... in the bucket whose right edge is the value, with edges that increase (TensorBoard assumes sorted edges).
    expect(c!.summary!.value[0]!.histo!.bucket).toEqual([0, 0, 3]);
    expect(c!.summary!.value[0]!.histo!.bucketLimit).toEqual([0, 1, 2]);
  });

  it('an image record carries its size, colorspace and the PNG bytes unchanged; non-PNG bytes and bad buckets are rejected', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const [e] = decode(imageRecord('img', png, { width: 5, height: 2, channels: 3 }, 1, 0));
    const img = e!.summary!.value[0]!.image!;
    expect([img.height, img.width, img.colorspace]).toEqual([2, 5, 3]);
    expect(Array.from(img.encodedImageString)).toEqual(Array.from(png));
    expect(() => imageRecord('img', Uint8Array.from([1, 2, 3, 4]), { width: 1, height: 1, channels: 1 }, 0, 0)).toThrow('imageRecord: png must be PNG bytes (see encodePng)');
    expect(() => imageRecord('', png, { width: 1, height: 1, channels: 1 }, 0, 0)).toThrow(/imageRecord: tag must be a non-empty string/);
    expect(() => histogramRecord('h', [1], 0, 0, { buckets: 10001 })).toThrow('histogramRecord: buckets must be an integer in [1, 10000], got 10001');
    expect(() => histogramRecord('h', [1], 0, 0, { buckets: 2.5 })).toThrow('histogramRecord: buckets must be an integer in [1, 10000], got 2.5');
    expect(() => scalarRecord('x', '1' as unknown as number, 0, 0)).toThrow('scalarRecord: value must be a number, got string');
  });
});
