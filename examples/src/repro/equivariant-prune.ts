import type { Reproduction } from '../types';

/** Reproductions for @lemma/equivariant-prune (filled in by its issue). */
export const reproductions: Reproduction[] = [];
