import { describe, expect, it } from 'vitest';
import { resolveSchedule, scheduleSpecWithDefaults, type ScheduleSpec } from './schedule-spec';
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

  it('rejects a key the kind does not have (a misspelt option would be saved and ignored), and a spec that is not an object', () => {
    expect(() => resolveSchedule({ kind: 'warmupCosine', totalSteps: 10, warmup: 2 } as unknown as ScheduleSpec)).toThrow(
      /^schedule: unknown option 'warmup'; expected one of kind, totalSteps, warmupSteps, floor, initial/,
    );
    expect(() => resolveSchedule({ kind: 'linear', totalSteps: 10, initial: 0.1 } as unknown as ScheduleSpec)).toThrow(/unknown option 'initial'/);
    expect(() => resolveSchedule({ kind: 'constant', valeu: 2 } as unknown as ScheduleSpec)).toThrow(/unknown option 'valeu' \(did you mean 'value'\?\)/);
    expect(() => resolveSchedule('cosine' as unknown as ScheduleSpec)).toThrow(/^schedule: schedule must be a ScheduleSpec .* or a function of the step, got 'cosine' \(a string\)/);
  });
});

describe('scheduleSpecWithDefaults (what saved configs record)', () => {
  it('fills every default of each kind and builds the same schedule at every step', () => {
    const specs: ScheduleSpec[] = [
      { kind: 'warmupCosine', totalSteps: 120 },
      { kind: 'warmupCosine', totalSteps: 40, warmupSteps: 0, floor: 0 },
      { kind: 'linear', totalSteps: 30 },
      { kind: 'linear', totalSteps: 30, warmupSteps: 3, floor: 0.2 },
      { kind: 'constant' },
      { kind: 'constant', value: 0.3 },
    ];
    expect(scheduleSpecWithDefaults(specs[0])).toEqual({ kind: 'warmupCosine', totalSteps: 120, warmupSteps: 2, floor: 0.1, initial: 0.01 });
    expect(scheduleSpecWithDefaults(specs[2])).toEqual({ kind: 'linear', totalSteps: 30, warmupSteps: 0, floor: 0 });
    expect(scheduleSpecWithDefaults(specs[4])).toEqual({ kind: 'constant', value: 1 });
    expect(scheduleSpecWithDefaults(undefined)).toEqual({ kind: 'constant', value: 1 });
    for (const spec of specs) {
      const full = scheduleSpecWithDefaults(spec);
      expect(scheduleSpecWithDefaults(full)).toEqual(full);
      const [a, b] = [resolveSchedule(spec), resolveSchedule(full)];
      for (let t = 0; t <= 130; t++) expect(b(t)).toBe(a(t));
    }
  });
});
