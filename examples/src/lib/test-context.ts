import type { ReproContext } from '../types';

/** A silent one-thread context for tests of a reproduction: quick mode on cpu unless overridden. */
export function testContext(seed: number, over: Partial<ReproContext> = {}): ReproContext {
  return { quick: true, seed, backend: 'cpu', workers: 1, options: {}, progress: () => ({ tick() {}, done() {} }), log: () => {}, ...over };
}
