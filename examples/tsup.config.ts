import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { cli: 'src/cli.ts', index: 'src/index.ts', sweep: 'src/sweep/bin.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\//, /^@lemma\//, 'webgpu', /^vega/, '@resvg/resvg-js', 'bullmq', 'ioredis'],
});
