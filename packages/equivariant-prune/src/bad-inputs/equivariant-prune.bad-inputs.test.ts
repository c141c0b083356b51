import { expect, it } from 'vitest';
import { badInputTable } from '@lemma/gpu-kernels/testing';
import * as api from '../index';
import { cases } from './equivariant-prune.bad-inputs';

badInputTable('equivariant-prune exports', cases, new URL('./equivariant-prune.bad-inputs.ts', import.meta.url));

it('the table covers every exported function', () => {
  const exported = Object.entries(api).filter(([, v]) => typeof v === 'function').map(([k]) => k);
  const covered = new Set(cases.map((c) => c.fn));
  expect(exported.filter((name) => !covered.has(name))).toEqual([]);
  expect([...covered].filter((name) => !exported.includes(name))).toEqual([]);
});
