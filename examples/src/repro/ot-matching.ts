import type { Reproduction } from '../types';

/** Reproductions for @lemma/ot-matching (filled in by its issue). */
export const reproductions: Reproduction[] = [];
