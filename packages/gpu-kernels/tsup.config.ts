import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

export default defineConfig(
  packageConfig({
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', 'bad-input-child': 'src/testing/bad-input-child.ts' },
    external: ['vitest', 'fast-check', '@fast-check/vitest'],
  }),
);
