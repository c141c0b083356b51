import type { ReproResult } from '../types';

/**
 * What src/registry.test.ts checks of one reproduction's tiny run (`Reproduction.runTiny`) beyond what it checks
 * of every one: a folder's optional `tiny.check.ts` exports it as `tinyRun`. The run happens once, in the registry
 * test; a folder's own tests keep to what needs no run of the whole plan.
 */
export interface TinyRunCheck {
  /** The context's seed (default 1). */
  seed?: number;
  /** Assertions (vitest's `expect`) on the result. */
  check(res: ReproResult): void;
}
