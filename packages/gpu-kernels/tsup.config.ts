import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

export default defineConfig(
  packageConfig({
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', tensorboard: 'src/logging/index.ts' },
    external: ['vitest', 'fast-check', '@fast-check/vitest'],
  }),
);
