/**
 * Serializable descriptions of LR schedules, so an optimizer's config survives `model.save`: an optimizer built
 * with a spec saves it (with its defaults filled in) and rebuilds the same schedule on load, while a function
 * schedule cannot be saved (`getConfig` refuses it and points here).
 */
import { invalidArgument } from '@lemma/gpu-kernels/validate';
import { checkKeys } from './config';
import {
  constantSchedule,
  linearDecay,
  linearDecayDefaults,
  warmupCosine,
  warmupCosineDefaults,
  type LinearDecayOptions,
  type Schedule,
  type WarmupCosineOptions,
} from './schedules';

/** A schedule that can be written to JSON and rebuilt: the LR factor s(t) of every optimizer. */
export type ScheduleSpec =
  | { kind: 'constant'; value?: number }
  | ({ kind: 'warmupCosine' } & WarmupCosineOptions)
  | ({ kind: 'linear' } & LinearDecayOptions);

/** The keys each kind accepts (any other key is an error, so a misspelt option is never saved silently). */
const SPEC_KEYS: Record<ScheduleSpec['kind'], readonly string[]> = {
  constant: ['kind', 'value'],
  warmupCosine: ['kind', 'totalSteps', 'warmupSteps', 'floor', 'initial'],
  linear: ['kind', 'totalSteps', 'warmupSteps', 'floor'],
};

/** Checks that `spec` is an object of a known kind with only that kind's keys; returns the kind. */
function checkSpec(spec: ScheduleSpec): ScheduleSpec['kind'] {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw invalidArgument('schedule', 'schedule', "a ScheduleSpec ({ kind: 'constant' | 'warmupCosine' | 'linear', ... }) or a function of the step", spec, 'type');
  }
  const kind = (spec as { kind: unknown }).kind;
  if (typeof kind !== 'string' || !Object.hasOwn(SPEC_KEYS, kind)) {
    throw new Error(`schedule: kind must be 'constant', 'warmupCosine' or 'linear', got '${String(kind)}'`);
  }
  checkKeys('schedule', spec, SPEC_KEYS[kind as ScheduleSpec['kind']]!);
  return kind as ScheduleSpec['kind'];
}

/** Builds the schedule function a spec describes; functions pass through unchanged. */
export function resolveSchedule(spec: ScheduleSpec | Schedule | undefined): Schedule {
  if (spec === undefined) return constantSchedule(1);
  if (typeof spec === 'function') return spec;
  switch (checkSpec(spec)) {
    case 'constant':
      return constantSchedule((spec as { value?: number }).value ?? 1);
    case 'warmupCosine':
      return warmupCosine(spec as WarmupCosineOptions);
    case 'linear':
      return linearDecay(spec as LinearDecayOptions);
  }
}

/**
 * The spec with every default filled in (`undefined`: the constant 1), as saved configs record it, so a resumed
 * run keeps the schedule even if a default changes later. It builds the same schedule as `spec` at every step.
 */
export function scheduleSpecWithDefaults(spec: ScheduleSpec | undefined): ScheduleSpec {
  if (spec === undefined) return { kind: 'constant', value: 1 };
  switch (checkSpec(spec)) {
    case 'constant':
      return { kind: 'constant', value: (spec as { value?: number }).value ?? 1 };
    case 'warmupCosine':
      return { kind: 'warmupCosine', ...warmupCosineDefaults(spec as WarmupCosineOptions) };
    case 'linear':
      return { kind: 'linear', ...linearDecayDefaults(spec as LinearDecayOptions) };
  }
}
