/**
 * GPU run for the lead: on the webgpu backend, fused ADANA/AdamW step time vs `tf.train.adam` at 10M and 100M
 * parameters. Prints JSON lines {bench, backend, n, ms, ratio?} (ratio = tf.train.adam ms / ours; > 1 is faster).
 * Compare with `python3 bench/gpu_peer.py` (torch fused AdamW on the same sizes) on the same card.
 *
 * Run: `npx tsx bench/gpu.ts [sizes=1e7,1e8]`.
 */
import { selectBackend } from '@lemma/gpu-kernels';
import { benchSize } from './step-throughput';

/** Runs the GPU benchmark and prints one JSON line per measurement. */
export default async function main(sizes: number[] = (process.argv[2] ?? '1e7,1e8').split(',').map(Number)): Promise<void> {
  await selectBackend('webgpu');
  for (const n of sizes) {
    for (const row of await benchSize(n, 20)) {
      console.log(JSON.stringify({ bench: row.bench, backend: row.backend, n: row.n, ms: row.ms, ...(row.ratio === undefined ? {} : { ratio: row.ratio }) }));
    }
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e: Error) => {
    console.error(e);
    process.exit(1);
  });
}
