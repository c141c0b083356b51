/**
 * One tfjs-core, of the peer version. Two copies in one app (e.g. `@tensorflow/tfjs@4.21.0` beside our 4.22.0 peer)
 * share tfjs's global engine and kernel registry but not their class registries: every kernel is registered twice
 * ("kernel already registered" warnings) and a model that names a Lemma optimizer fails to load with
 * "Unknown layer ... registerClass()". This finds it and says what to do.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The tfjs-core version every @lemma package is built and tested against (their exact peer). */
export const TFJS_CORE_VERSION = '4.22.0';

type TfLike = Pick<typeof tf, 'version_core' | 'engine' | 'Environment'>;

/** What is wrong with the app's tfjs-core setup, as seen from `core` (default: the copy @lemma resolves). */
export function tfjsCoreProblems(core: TfLike = tf): string[] {
  const problems: string[] = [];
  if (core.version_core !== TFJS_CORE_VERSION) {
    problems.push(`@lemma packages need @tensorflow/tfjs-core ${TFJS_CORE_VERSION}, this app loads ${core.version_core}`);
  }
  // The engine is global (tfjs keeps it on the global object): an environment of another copy's class means another
  // copy created it. Needs no backend, so it also runs at import time (optimizer registration).
  const foreign = Object.getPrototypeOf(core.engine().ENV) !== core.Environment.prototype;
  if (foreign) problems.push('a second copy of @tensorflow/tfjs-core is loaded and created the engine first');
  return problems;
}

/** Throws with the fix if {@link tfjsCoreProblems} finds any; `who` names the caller in the message. */
export function assertSingleTfjsCore(who: string, core: TfLike = tf): void {
  const problems = tfjsCoreProblems(core);
  if (problems.length === 0) return;
  throw new Error(
    `${who}: ${problems.join('; ')}. Install exactly one copy: \`npm ls @tensorflow/tfjs-core\` shows them; pin ` +
      `@tensorflow/tfjs-core (and @tensorflow/tfjs / tfjs-layers / the backends, if you use them) to ${TFJS_CORE_VERSION}, ` +
      `or add "overrides": { "@tensorflow/tfjs-core": "${TFJS_CORE_VERSION}" } to package.json, then reinstall.`,
  );
}
