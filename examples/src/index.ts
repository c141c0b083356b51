export { REGISTRY } from './registry';
export { runReproduction } from './runner';
export { writeReport } from './report';
export type * from './types';
