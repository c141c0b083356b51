import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, beforeEach, describe } from 'vitest';
import { selectBackend } from '../backend/select';
import type { BackendName } from '../backend/types';

/** Backends every suite runs on unless `LEMMA_TEST_BACKENDS` (comma separated) narrows them. */
export const DEFAULT_TEST_BACKENDS: BackendName[] = ['cpu', 'wasm', 'webgpu'];

/** The backends tests should cover, from `LEMMA_TEST_BACKENDS` or {@link DEFAULT_TEST_BACKENDS}. */
export function testBackends(): BackendName[] {
  const env = process.env.LEMMA_TEST_BACKENDS;
  if (!env) return DEFAULT_TEST_BACKENDS;
  return env.split(',').map((s) => s.trim()).filter(Boolean) as BackendName[];
}

const availability = new Map<BackendName, Promise<string | null>>();

/**
 * Activates `name` for the following tests. Resolves to `null` when active, else the reason it is not.
 * With `LEMMA_REQUIRE_WEBGPU=1` (CI) an unavailable webgpu backend is an error, never a skip.
 */
export async function activateBackend(name: BackendName): Promise<string | null> {
  if (!availability.has(name)) {
    availability.set(
      name,
      selectBackend({ backend: name }).then(
        () => null,
        (e: Error) => e.message,
      ),
    );
  }
  const reason = await availability.get(name)!;
  if (reason !== null) {
    if (name === 'webgpu' && process.env.LEMMA_REQUIRE_WEBGPU === '1') {
      throw new Error(`LEMMA_REQUIRE_WEBGPU=1 but the webgpu backend is unavailable: ${reason}`);
    }
    return reason;
  }
  await tf.setBackend(name);
  await tf.ready();
  return null;
}

/**
 * Runs the same `describe` body once per test backend, activating it first. A backend that cannot start
 * is skipped with its reason printed (and fails instead under `LEMMA_REQUIRE_WEBGPU=1` for webgpu).
 *
 * @example
 * describeEachBackend('pairwiseSqDist', (backend) => {
 *   it('matches the float64 reference', async () => { ... });
 * });
 */
export function describeEachBackend(
  title: string,
  body: (backend: BackendName) => void,
  backends: BackendName[] = testBackends(),
): void {
  for (const name of backends) {
    describe(`${title} [${name}]`, () => {
      let skipReason: string | null = null;
      beforeAll(async () => {
        skipReason = await activateBackend(name);
        if (skipReason) console.warn(`[lemma] skipping '${title}' on ${name}: ${skipReason}`);
      });
      beforeEach(async (ctx) => {
        if (skipReason) ctx.skip();
        else if (tf.getBackend() !== name) await tf.setBackend(name);
      });
      body(name);
    });
  }
}
