#!/usr/bin/env node
// Packs a self-contained GPU benchmark folder (.bench/gpu/) for a bare x86-64 Linux GPU host with no Node:
// node.xz (this Node binary), dawn.node.xz (Dawn's Node binding from the `webgpu` package), one esbuild bundle per
// packages/*/bench/gpu.ts and gpu-<suffix>.ts, Debian's libvulkan1 (+ glvnd) .debs, each package's bench/gpu_peer.py (PyTorch) and run.sh.
// The peers land in peers/<bundle>.py beside peer_timing.py (their shared CUDA-event / CUDA-graph timing helpers).
// Usage: node scripts/gpu-bench/pack.mjs [--out DIR] [--bundles-only]   (wired as `pnpm bench:gpu`). Then on the host: ./run.sh
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, chmodSync, createWriteStream, createReadStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outArg = process.argv.indexOf('--out');
const out = resolve(root, outArg > 0 ? process.argv[outArg + 1] : '.bench/gpu');
const log = (m) => console.error(`[bench:gpu] ${m}`);

function xz(src, dst) {
  // -T0: all cores; -6: ~4x on the node binary in well under a minute.
  execFileSync('sh', ['-c', `xz -T0 -6 -c "${src}" > "${dst}"`], { stdio: 'inherit' });
}

function findDawn() {
  const require = createRequire(join(root, 'package.json'));
  const candidates = [];
  try {
    candidates.push(join(dirname(require.resolve('webgpu/package.json')), 'dist/linux-x64/dawn.node'));
  } catch {
    // the package's exports may hide package.json; fall back to the pnpm store layout
  }
  const store = join(root, 'node_modules/.pnpm');
  if (existsSync(store)) {
    for (const d of readdirSync(store).filter((n) => n.startsWith('webgpu@')).sort().reverse()) {
      candidates.push(join(store, d, 'node_modules/webgpu/dist/linux-x64/dawn.node'));
    }
  }
  const hit = candidates.find((p) => existsSync(p));
  if (!hit) throw new Error(`dawn.node not found (looked in ${candidates.join(', ')}); run pnpm install`);
  return hit;
}

async function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`pack must run on linux-x64 (the GPU hosts are x86-64), got ${process.platform}-${process.arch}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'bundles'), { recursive: true });
  mkdirSync(join(out, 'peers'), { recursive: true });

  // Every packages/<pkg>/bench/gpu.ts (bundle <pkg>) and gpu-<suffix>.ts (bundle <pkg>-<suffix>), with its peer
  // bench/gpu_peer.py or bench/gpu-<suffix>_peer.py; each JSON document's `package` field names its bundle.
  const entries = [];
  for (const p of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', p, 'bench');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      const m = /^gpu(?:-([a-z0-9][a-z0-9-]*))?\.ts$/.exec(f);
      if (!m) continue;
      entries.push({ pkg: p, file: f, name: m[1] ? `${p}-${m[1]}` : p, peer: m[1] ? `gpu-${m[1]}_peer.py` : 'gpu_peer.py' });
    }
  }
  if (entries.length === 0) throw new Error('no packages/*/bench/gpu*.ts found');
  // The peers' shared timing module: run.sh runs `python3 peers/<name>.py`, so peers/ is first on the peer's sys.path.
  copyFileSync(join(here, 'peer_timing.py'), join(out, 'peers', 'peer_timing.py'));
  const packages = [...new Set(entries.map((e) => e.pkg))];
  const { build } = await import(createRequire(join(root, 'package.json')).resolve('esbuild'));
  for (const e of entries) {
    log(`bundling packages/${e.pkg}/bench/${e.file} as ${e.name}`);
    await build({
      entryPoints: [join(root, 'packages', e.pkg, 'bench', e.file)],
      outfile: join(out, 'bundles', `${e.name}.mjs`),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: ['webgpu'],
      // gpu-kernels' benches run its sources; @lemma/optim (a layer above) is bundled from source against the
      // same gpu-kernels sources, so both share one copy (one step-graph recorder, one onReplay registry).
      ...(e.pkg === 'gpu-kernels'
        ? {
            alias: {
              '@lemma/gpu-kernels/validate': join(root, 'packages/gpu-kernels/src/validate/index.ts'),
              '@lemma/gpu-kernels': join(root, 'packages/gpu-kernels/src/index.ts'),
              '@lemma/optim': join(root, 'packages/optim/src/index.ts'),
            },
          }
        : {}),
      banner: { js: "import {createRequire as __lemmaCreateRequire} from 'module'; const require = __lemmaCreateRequire(import.meta.url);" },
      logLevel: 'warning',
      absWorkingDir: join(root, 'packages', e.pkg),
    });
    const peer = join(root, 'packages', e.pkg, 'bench', e.peer);
    if (existsSync(peer)) copyFileSync(peer, join(out, 'peers', `${e.name}.py`));
  }
  if (process.argv.includes('--bundles-only')) {
    log(`bundled ${entries.map((e) => e.name).join(', ')} into ${join(out, 'bundles')} (--bundles-only: no node, dawn or debs)`);
    return;
  }

  // `import('webgpu')` in the bundles resolves to this shim, which loads the carried dawn.node.
  mkdirSync(join(out, 'bundles/node_modules/webgpu'), { recursive: true });
  writeFileSync(join(out, 'bundles/node_modules/webgpu/package.json'), JSON.stringify({ name: 'webgpu', type: 'module', main: 'index.js' }, null, 2));
  writeFileSync(
    join(out, 'bundles/node_modules/webgpu/index.js'),
    [
      "import { createRequire } from 'module';",
      "import { fileURLToPath } from 'url';",
      "import { dirname, join } from 'path';",
      'const require = createRequire(import.meta.url);',
      "const dawn = require(join(dirname(fileURLToPath(import.meta.url)), '../../../dawn.node'));",
      'export const create = dawn.create;',
      'export const globals = dawn.globals;',
      'export default dawn;',
      '',
    ].join('\n'),
  );

  log(`compressing ${process.execPath}`);
  xz(process.execPath, join(out, 'node.xz'));
  const dawn = findDawn();
  log(`compressing ${dawn}`);
  xz(dawn, join(out, 'dawn.node.xz'));

  // The Vulkan loader, plus glvnd: the NVIDIA ICD (libGLX_nvidia.so.0) needs libGLdispatch at load time.
  const aptOpts = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64'];
  const core = ['libvulkan1', 'libglvnd0', 'libglx0', 'libegl1', 'libgl1', 'libopengl0', 'libgles2'];
  log(`apt-get download ${core.join(' ')} (amd64)`);
  execFileSync('apt-get', [...aptOpts, 'download', ...core], { cwd: out, stdio: ['ignore', 'ignore', 'inherit'] });
  // X11 client libraries, unpacked beside the bundle (never into /) and used only if the ICD misses them.
  const extra = ['libx11-6', 'libx11-data', 'libxcb1', 'libxau6', 'libxdmcp6', 'libbsd0', 'libmd0', 'libxext6'];
  mkdirSync(join(out, 'extra'), { recursive: true });
  log(`apt-get download ${extra.join(' ')} (amd64, fallback only)`);
  execFileSync('apt-get', [...aptOpts, 'download', ...extra], { cwd: join(out, 'extra'), stdio: ['ignore', 'ignore', 'inherit'] });

  copyFileSync(join(here, 'merge.mjs'), join(out, 'merge.mjs'));
  copyFileSync(join(here, 'run.sh'), join(out, 'run.sh'));
  chmodSync(join(out, 'run.sh'), 0o755);
  const size = execFileSync('du', ['-sh', out]).toString().split('\t')[0];
  log(`packed ${entries.length} bundle(s) of ${packages.length} package(s) into ${out} (${size}); on the GPU host run: ./run.sh [--quick]`);
}

main().catch((e) => {
  console.error(`[bench:gpu] ${e.message}`);
  process.exit(1);
});
