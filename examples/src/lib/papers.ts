/** The papers that several reproductions reproduce, cited once (each reproduction's `paper` field). */

/** Ferbach et al. on linear mode connectivity via optimal transport (the ot-lmc-* reproductions). */
export const OT_LMC_PAPER = 'Ferbach, Goujaud, Gidel, Dieuleveut — Proving Linear Mode Connectivity of Neural Networks via Optimal Transport (AISTATS 2024, arXiv 2310.19103); experiment of the authors\' notebook damienferbach/OT_LMC';

/** Ferbach et al. on the equivariant strong lottery ticket hypothesis (the equivariant-prune-* reproductions). */
export const EQUIVARIANT_PRUNE_PAPER = 'A General Framework For Proving The Equivariant Strong Lottery Ticket Hypothesis (Ferbach et al., ICLR 2023, arXiv 2206.04270)';

/** Ferbach et al. on self-consuming generative models with curated data (the curated-retrain-* reproductions). */
export const CURATED_RETRAIN_PAPER = 'Ferbach, Bertrand, Bose, Gidel, "Self-Consuming Generative Models with Curated Data Provably Optimize Human Preferences" (NeurIPS 2024, arXiv 2407.09499)';

/** Ferbach et al. on logarithmic-time schedules with momentum (the optim-* reproductions). */
export const LOG_TIME_SCHEDULES_PAPER = 'Ferbach et al., "Logarithmic-time Schedules for Scaling Language Models with Momentum" (arXiv 2602.05298)';
