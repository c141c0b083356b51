import type { Reproduction } from '../types';

/** Backend report and entropic OT between two 2-D point clouds (the foundation demo). */
export const reproductions: Reproduction[] = [];
