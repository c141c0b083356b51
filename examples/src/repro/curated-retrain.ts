import type { Reproduction } from '../types';

/** Reproductions for @lemma/curated-retrain (filled in by its issue). */
export const reproductions: Reproduction[] = [];
