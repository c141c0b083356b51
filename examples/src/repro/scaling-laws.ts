import type { Reproduction } from '../types';

/** Reproductions for @lemma/scaling-laws (filled in by its issue). */
export const reproductions: Reproduction[] = [];
