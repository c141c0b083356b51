import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // One copy of tfjs in the user's app: never bundle it (serialization maps and kernel registry are per copy).
  external: [/^@tensorflow\//, /^@lemma\//, 'webgpu'],
});
