/**
 * @packageDocumentation
 * Equivariant strong lottery tickets (Ferbach, Tsirigotis, Gidel, Bose, ICLR 2023, arXiv 2206.04270):
 * permutation groups, equivariant bases, coefficient-parameterised layers, the random overparametrized
 * construction and its pruning by exact subset sum.
 */
export * from './permutation';
export * from './groups';
export type { SparseMatrix } from './sparse';
export { sparseFromDense, sparseToDense, sparseIdentity, operatorNorm, frobeniusNorm } from './sparse';
export { rowEchelon, matrixRank, nullSpace, type Echelon } from './nullspace';
export * from './basis';
export * from './closedForms';
export * from './network';
export * from './subsetSum';
export * from './construction';
export * from './approximation';
export * from './tfForward';
