#!/usr/bin/env node
// Packs the main job for a bare Linux host with no Node and no node_modules (e.g. a lent GPU machine whose 16 CPU
// cores run full-mode reproductions on wasm): examples/dist-device/ gets cli.mjs (one esbuild bundle of the CLI and
// every @lemma package), tfjs's wasm binaries beside it, and node.xz (this Node binary). The bundle sits under
// examples/ so the fixtures are found by walking up from it. On the host:
//   xz -dc examples/dist-device/node.xz > /tmp/node && chmod +x /tmp/node
//   /tmp/node examples/dist-device/cli.mjs ot-lmc-paper --full --backend wasm --workers 16 --out /tmp/out
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'examples/dist-device');
const require = createRequire(join(root, 'examples/package.json'));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const { build } = await import(require.resolve('esbuild'));
await build({
  entryPoints: [join(root, 'examples/src/cli.ts')],
  outfile: join(out, 'cli.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dawn and resvg are native; the device job runs on wasm/cpu and writes SVG only.
  external: ['webgpu', '@resvg/resvg-js', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  banner: {
    js: [
      "import { createRequire as __lemmaRequire } from 'module';",
      "import { fileURLToPath as __lemmaPath } from 'url';",
      "import { dirname as __lemmaDir } from 'path';",
      'const require = __lemmaRequire(import.meta.url);',
      'const __filename = __lemmaPath(import.meta.url);',
      'const __dirname = __lemmaDir(__filename);',
    ].join(' '),
  },
  logLevel: 'warning',
  absWorkingDir: join(root, 'examples'),
});
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(out, f));
execFileSync('sh', ['-c', `xz -T0 -6 -c "${process.execPath}" > "${join(out, 'node.xz')}"`], { stdio: 'inherit' });
console.error(`[pack-cli] wrote ${out}`);
