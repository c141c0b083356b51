import { describe, expect, it } from 'vitest';
import { resolveSchedule, type ScheduleSpec } from './schedule-spec';
import { linearDecay, warmupCosine } from './schedules';

describe('resolveSchedule', () => {
  it('is the constant 1 without a spec and passes functions through unchanged', () => {
    const s = resolveSchedule(undefined);
    for (const t of [0, 1, 10, 1e6]) expect(s(t)).toBe(1);
    const f = (t: number): number => 1 / (1 + t);
    expect(resolveSchedule(f)).toBe(f);
  });

  it('builds the schedule each kind names, equal to the direct constructor at every step', () => {
    const cosine = { totalSteps: 100, warmupSteps: 10, floor: 0.2, initial: 0.05 };
    const linear = { totalSteps: 50, warmupSteps: 5, floor: 0.1 };
    const fromCosine = resolveSchedule({ kind: 'warmupCosine', ...cosine });
    const fromLinear = resolveSchedule({ kind: 'linear', ...linear });
    const direct = [warmupCosine(cosine), linearDecay(linear)];
    for (const t of [0, 1, 4, 5, 9, 10, 11, 49, 50, 99, 100, 150]) {
      expect(fromCosine(t)).toBe(direct[0]!(t));
      expect(fromLinear(t)).toBe(direct[1]!(t));
    }
    expect(resolveSchedule({ kind: 'constant' })(7)).toBe(1);
    expect(resolveSchedule({ kind: 'constant', value: 0.25 })(7)).toBe(0.25);
  });

  it('survives a JSON round trip (the point of a spec)', () => {
    const spec: ScheduleSpec = { kind: 'warmupCosine', totalSteps: 40, warmupSteps: 4 };
    const again = resolveSchedule(JSON.parse(JSON.stringify(spec)) as ScheduleSpec);
    const s = resolveSchedule(spec);
    for (let t = 0; t <= 45; t++) expect(again(t)).toBe(s(t));
  });

  it('names the kinds it knows when given another', () => {
    expect(() => resolveSchedule({ kind: 'step' } as unknown as ScheduleSpec)).toThrow(
      "schedule: kind must be 'constant', 'warmupCosine' or 'linear', got 'step'",
    );
  });
});
