/**
 * Reads the PLRF spectra written by `bench/plrf_spectra_gpu.py` (eigendecompositions of K = W^T D W done in
 * float64 on a GPU, at sizes the CPU eigensolver cannot reach) into {@link SpectralInputs}, so the ODE and
 * isoFLOP tools of this package run on them unchanged.
 */
import type { SpectralInputs } from '../types';

/** The JSON index beside the blob (see the script's docstring). */
export interface SpectraFileIndex {
  seed: number;
  ratio: number;
  /** Element type of the blob; float64 when absent. */
  dtype?: 'float64' | 'float32';
  device?: string;
  torch?: string;
  entries: {
    alpha: number;
    d: number;
    /** Offset of lambda (descending), in elements. */
    lambda: number;
    /** Offset of rho0 for each beta (keyed by the beta as written, e.g. "0.7"). */
    rho: Record<string, number>;
    pInf: Record<string, number>;
  }[];
}

/** One size of one alpha, with rho0 and P_inf for every beta in the file. */
export interface SpectraFileEntry {
  alpha: number;
  d: number;
  lambda: Float64Array;
  /** beta -> rho0 (aligned with lambda). */
  rho: Map<number, Float64Array>;
  /** beta -> P_inf. */
  pInf: Map<number, number>;
}

/**
 * Parses a spectra file pair. Throws on a blob of the wrong length, offsets out of range, non-finite or
 * non-positive eigenvalues, eigenvalues not descending, or negative rho0 / P_inf.
 */
export function parseSpectraFile(index: SpectraFileIndex, blob: Uint8Array): SpectraFileEntry[] {
  const fn = 'parseSpectraFile';
  const dtype = index.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') throw new Error(`${fn}: dtype must be 'float64' or 'float32', got ${String(dtype)}`);
  const width = dtype === 'float64' ? 8 : 4;
  if (blob.byteLength % width !== 0) throw new Error(`${fn}: blob length ${blob.byteLength} is not a multiple of ${width} (${dtype})`);
  // Copy to an aligned buffer: the blob may be a view at any byte offset.
  const aligned = new Uint8Array(blob).buffer;
  const values = dtype === 'float64' ? new Float64Array(aligned) : new Float32Array(aligned);
  const slice = (at: number, d: number, what: string): Float64Array => {
    if (!(Number.isInteger(at) && at >= 0 && at + d <= values.length)) throw new Error(`${fn}: ${what} [${at}, ${at + d}) is outside the blob of ${values.length} values`);
    return Float64Array.from(values.subarray(at, at + d));
  };
  return index.entries.map((e) => {
    const where = `alpha ${e.alpha}, d ${e.d}`;
    if (!(Number.isInteger(e.d) && e.d >= 1)) throw new Error(`${fn}: d must be a positive integer, got ${e.d}`);
    const lambda = slice(e.lambda, e.d, `lambda (${where})`);
    for (let k = 0; k < e.d; k++) {
      if (!(Number.isFinite(lambda[k]!) && lambda[k]! > 0)) throw new Error(`${fn}: lambda[${k}] (${where}) must be finite and > 0, got ${lambda[k]}`);
      if (k > 0 && lambda[k]! > lambda[k - 1]!) throw new Error(`${fn}: lambda (${where}) must be descending; lambda[${k}] > lambda[${k - 1}]`);
    }
    const rho = new Map<number, Float64Array>();
    const pInf = new Map<number, number>();
    for (const [key, at] of Object.entries(e.rho)) {
      const r = slice(at, e.d, `rho (${where}, beta ${key})`);
      if (r.some((x) => !(Number.isFinite(x) && x >= 0))) throw new Error(`${fn}: rho (${where}, beta ${key}) must be finite and >= 0`);
      const p = e.pInf[key];
      if (!(typeof p === 'number' && Number.isFinite(p) && p >= 0)) throw new Error(`${fn}: pInf (${where}, beta ${key}) must be finite and >= 0, got ${p}`);
      rho.set(Number(key), r);
      pInf.set(Number(key), p);
    }
    return { alpha: e.alpha, d: e.d, lambda, rho, pInf };
  });
}

/** The {@link SpectralInputs} of one entry at one beta (throws if the file has no rho0 for that beta). */
export function spectralInputsFromFile(entry: SpectraFileEntry, beta: number): SpectralInputs {
  const rho0 = entry.rho.get(beta);
  if (!rho0) throw new Error(`spectralInputsFromFile: no rho0 for beta ${beta} at alpha ${entry.alpha}, d ${entry.d} (file has ${[...entry.rho.keys()].join(', ')})`);
  return { lambda: entry.lambda, rho0, pInf: entry.pInf.get(beta)! };
}
