import { expect, it } from 'vitest';
import * as optim from './index';

it("the package's `reference` namespace holds exactly reference.ts's float64 rules (the README lists them)", () => {
  expect(Object.keys(optim.reference).sort()).toEqual(
    ['adamwRef', 'adanaRef', 'ademamixRef', 'binomial', 'danaRef', 'danaStarRef', 'muonRef', 'newtonSchulzRef', 'sgdMomentumRef'].sort(),
  );
});

it('the main entry exports the optimizers, their factories and the schedules by name', () => {
  for (const name of ['Adana', 'adana', 'AdamW', 'adamw', 'SgdMomentum', 'sgdMomentum', 'Muon', 'muon', 'FusedOptimizer', 'resolveSchedule', 'warmupCosine']) {
    expect(optim).toHaveProperty(name);
  }
});
