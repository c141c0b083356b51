import { defineConfig } from 'vitest/config';

// One project per package; `turbo run test` runs them one package at a time, `vitest run` here runs all.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples'],
  },
});
