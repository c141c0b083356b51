// Builds the static demo page into examples/web/dist/: one esbuild bundle (browser conditions, so
// @lemma/gpu-kernels' browser build without Dawn), the page, and tfjs's .wasm binaries beside them.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
const require = createRequire(join(here, '../package.json'));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const { build } = await import(require.resolve('esbuild'));
await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(out, 'demo.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: join(here, '..'),
});
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(out, f));
console.error(`[web] built ${out}`);
