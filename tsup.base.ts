import type { Options } from 'tsup';

/** tsup settings every @lemma package shares: ESM + CJS + types, tfjs and siblings left to the user's install. */
export const packageConfig = (extra: Partial<Options> = {}): Options => ({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  ...extra,
  // One copy of tfjs in the user's app: never bundle it (serialization maps and kernel registry are per copy).
  external: [/^@tensorflow\//, /^@lemma\//, 'webgpu', ...(extra.external ?? [])],
});
