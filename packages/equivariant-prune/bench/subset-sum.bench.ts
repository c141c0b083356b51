/**
 * Subset-sum throughput: solveSubsetSumBatch (TS, merge-sorted half sums + two pointers) vs a NumPy
 * meet-in-the-middle (matrix-product half sums, sort, searchsorted) on the same instances, same run.
 * Run: npx tsx bench/subset-sum.bench.ts   (needs python3 with numpy)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@lemma/gpu-kernels';
import { solveSubsetSumBatch } from '../src/subset-sum';

/** Minimal .npy/.npz writer (stored zip, float64 arrays) so Python reads the exact same instances. */
function npy(arr: Float64Array, shape: number[]): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 16 - ((10 + header.length + 1) % 16);
  header += ' '.repeat(pad) + '\n';
  const h = Buffer.alloc(10);
  h.write('\x93NUMPY', 0, 'latin1');
  h[6] = 1;
  h[7] = 0;
  h.writeUInt16LE(header.length, 8);
  return Buffer.concat([h, Buffer.from(header, 'latin1'), Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength)]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (let i = 0; i < buf.length; i++) {
    c ^= buf[i]!;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function npz(files: Record<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const fname = Buffer.from(`${name}.npy`);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(data.length, 20);
    cen.writeUInt32LE(data.length, 24);
    cen.writeUInt16LE(fname.length, 28);
    cen.writeUInt32LE(offset, 42);
    parts.push(local, fname, data);
    central.push(cen, fname);
    offset += 30 + fname.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'eqprune-bench-'));
const configs = [
  { n: 16, count: 4000 },
  { n: 20, count: 2000 },
  { n: 24, count: 400 },
  { n: 28, count: 60 },
  { n: 32, count: 12 },
];
console.log('| n | instances | TS batch (inst/s) | NumPy MITM (inst/s) | speed-up | max |err_TS - err_NumPy| |');
console.log('|---|---|---|---|---|---|');
for (const { n, count } of configs) {
  const rng = createRng(n);
  const samples = Float64Array.from(rng.uniformArray(n * count), (u) => 2 * u - 1);
  const targets = Float64Array.from(rng.uniformArray(count), (u) => 2 * u - 1);
  solveSubsetSumBatch(samples.subarray(0, n * 4), targets.subarray(0, 4), n); // warm-up (JIT)
  const t0 = performance.now();
  const ts = solveSubsetSumBatch(samples, targets, n);
  const tsSec = (performance.now() - t0) / 1000;
  const file = join(dir, `n${n}.npz`);
  writeFileSync(file, npz({ samples: npy(samples, [count, n]), targets: npy(targets, [count]) }));
  const py = JSON.parse(execFileSync('python3', [join(here, 'subset_sum_mitm.py'), file], { encoding: 'utf8', maxBuffer: 1 << 26 })) as { seconds: number; errors: number[] };
  let gap = 0;
  py.errors.forEach((e, i) => (gap = Math.max(gap, Math.abs(e - ts.error[i]!))));
  console.log(`| ${n} | ${count} | ${(count / tsSec).toFixed(0)} | ${(count / py.seconds).toFixed(0)} | ${(py.seconds / tsSec).toFixed(1)}x | ${gap.toExponential(1)} |`);
}
