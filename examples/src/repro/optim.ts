import type { Reproduction } from '../types';

/** Reproductions for @lemma/optim (filled in by its issue). */
export const reproductions: Reproduction[] = [];
