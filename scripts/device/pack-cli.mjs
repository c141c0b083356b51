#!/usr/bin/env node
// Packs the main job for a bare Linux host with no Node and no node_modules (e.g. a lent GPU machine: full-mode
// reproductions on its 16 CPU cores with wasm, or on its GPU with webgpu): examples/dist-device/ gets cli.mjs (one
// esbuild bundle of the CLI and every @lemma package), tfjs's wasm binaries beside it, the `webgpu` package's JS in
// node_modules/webgpu/ (its dawn.node travels as dawn.node.xz), node.xz (this Node binary), and train-backends.sh
// (+ its table script and vulkan-env.sh), which times every training reproduction on wasm and webgpu. The bundle
// sits under examples/ so the fixtures are found by walking up from it. On the host:
//   bash examples/dist-device/train-backends.sh            # unpacks node, dawn.node and the Vulkan loader itself
//   examples/dist-device/node examples/dist-device/cli.mjs ot-lmc-paper --full --backend wasm --workers 16 --out /tmp/out
// --devpack [DIR] (default .bench/devpack) also writes DIR/dist-device.tar.xz (untar into examples/) without node.xz
// and dawn.node.xz: DIR/gpu/, the bench pack (pnpm bench:gpu), carries the same two binaries and the Vulkan .debs.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const devpackArg = process.argv.indexOf('--devpack');
const devpack = devpackArg < 0 ? null : resolve(root, process.argv[devpackArg + 1] && !process.argv[devpackArg + 1].startsWith('--') ? process.argv[devpackArg + 1] : '.bench/devpack');
const xz = (src, dst) => execFileSync('sh', ['-c', `xz -T0 -6 -c "${src}" > "${dst}"`], { stdio: 'inherit' });
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
  // Native: Dawn (resolved at run time from node_modules/webgpu beside the bundle) and resvg (the job writes SVG only).
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
// The webgpu package's own JS (it patches Dawn's device.destroy); its dawn.node is unpacked on the host by train-backends.sh.
const webgpu = dirname(require.resolve('webgpu'));
const webgpuOut = join(out, 'node_modules/webgpu');
mkdirSync(webgpuOut, { recursive: true });
for (const f of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(join(webgpu, f), join(webgpuOut, f));
const dawn = join(webgpu, 'dist/linux-x64/dawn.node');
if (!existsSync(dawn)) throw new Error(`pack-cli: ${dawn} not found (the GPU hosts are linux-x64; run pnpm install on linux-x64)`);
xz(dawn, join(out, 'dawn.node.xz'));
for (const f of ['train-backends.sh', 'train-backends-table.mjs', 'vulkan-env.sh']) copyFileSync(join(here, f), join(out, f));
chmodSync(join(out, 'train-backends.sh'), 0o755);
xz(process.execPath, join(out, 'node.xz'));
console.error(`[pack-cli] wrote ${out}`);
if (devpack) {
  mkdirSync(devpack, { recursive: true });
  const tarball = join(devpack, 'dist-device.tar.xz');
  // node.xz, dawn.node.xz (and whatever a local run unpacked) stay out: DIR/gpu carries the binaries.
  const skip = ['node.xz', 'dawn.node.xz', 'dist-device/node', 'dist-device/node_modules/webgpu/dist'].map((p) => `--exclude=${p}`);
  execFileSync('tar', ['-C', join(root, 'examples'), ...skip, '-cJf', tarball, 'dist-device'], { stdio: 'inherit' });
  const missing = ['node.xz', 'dawn.node.xz'].filter((f) => !existsSync(join(devpack, 'gpu', f)));
  if (missing.length) console.error(`[pack-cli] warning: ${join(devpack, 'gpu')} lacks ${missing.join(', ')}; train-backends.sh also looks in .bench/gpu (pnpm bench:gpu)`);
  console.error(`[pack-cli] wrote ${tarball} (${execFileSync('du', ['-h', tarball]).toString().split('\t')[0]}); on the host: tar -xJf ${relative(root, tarball)} -C examples`);
}
