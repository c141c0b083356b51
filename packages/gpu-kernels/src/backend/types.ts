/** The tfjs backends Lemma knows how to start, best first. */
export const BACKEND_NAMES = ['webgpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** A backend name, or `'auto'` for the best one available. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a caller may ask for. */
export type BackendChoice = BackendName | 'auto';

/** Outcome of trying one backend. */
export interface BackendAttempt {
  /** The backend tried. */
  name: BackendName;
  /** Whether it started. */
  ok: boolean;
  /** Why it was skipped or failed (empty when `ok`). */
  reason: string;
  /** How to make it available, when it was not. */
  fix?: string;
  /** Device details when known (GPU adapter, tfjs-node flavour). */
  detail?: string;
  /** True for a software adapter (Mesa lavapipe/llvmpipe, SwiftShader): a GPU API running on the CPU. */
  software?: boolean;
}

/** What {@link selectBackend} picked and why the others were not used. */
export interface BackendReport {
  /** The tfjs backend now active (`tf.getBackend()`). */
  backend: BackendName;
  /** What was asked for, after reading `LEMMA_BACKEND`. */
  requested: BackendChoice;
  /** One entry per backend tried, in order. */
  attempts: BackendAttempt[];
  /** Device details of the active backend, e.g. the WebGPU adapter. */
  detail: string;
}

/** Thrown when an explicitly requested backend cannot start. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
    readonly fix?: string,
  ) {
    super(`backend '${backend}' is unavailable: ${reason}${fix ? `. Fix: ${fix}` : ''}`);
    this.name = 'BackendUnavailableError';
  }
}
