import { resolve } from 'node:path';
import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

// The browser build: the same entry with backend/platform.ts swapped for platform.browser.ts (no Dawn, no
// tfjs-node, no tfjs-layers), served through package.json's `browser` export condition.
const browserPlatform = {
  name: 'lemma-browser-platform',
  setup(build: { onResolve(o: { filter: RegExp }, cb: (a: { path: string; resolveDir: string }) => { path: string }): void }) {
    build.onResolve({ filter: /^\.\/platform$/ }, (a) => ({ path: resolve(a.resolveDir, 'platform.browser.ts') }));
  },
};

export default defineConfig([
  packageConfig({
    entry: { index: 'src/index.ts', validate: 'src/validate/index.ts', testing: 'src/testing/index.ts', tensorboard: 'src/logging/index.ts', 'bad-input-child': 'src/testing/bad-input-child.ts' },
    external: ['vitest', 'fast-check', '@fast-check/vitest', 'protobufjs'],
  }),
  {
    ...packageConfig({ entry: { 'index.browser': 'src/index.ts' } }),
    format: ['esm'],
    platform: 'browser',
    dts: false,
    clean: false,
    esbuildPlugins: [browserPlatform],
  },
]);
