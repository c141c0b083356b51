/** Serializable descriptions of LR schedules, so an optimizer's config survives `model.save`. */
import {
  constantSchedule,
  linearDecay,
  warmupCosine,
  type LinearDecayOptions,
  type Schedule,
  type WarmupCosineOptions,
} from './schedules';

/** A schedule that can be written to JSON and rebuilt: the LR factor s(t) of every optimizer. */
export type ScheduleSpec =
  | { kind: 'constant'; value?: number }
  | ({ kind: 'warmupCosine' } & WarmupCosineOptions)
  | ({ kind: 'linear' } & LinearDecayOptions);

/** Builds the schedule function a spec describes; functions pass through unchanged. */
export function resolveSchedule(spec: ScheduleSpec | Schedule | undefined): Schedule {
  if (spec === undefined) return constantSchedule(1);
  if (typeof spec === 'function') return spec;
  switch (spec.kind) {
    case 'constant':
      return constantSchedule(spec.value ?? 1);
    case 'warmupCosine':
      return warmupCosine(spec);
    case 'linear':
      return linearDecay(spec);
    default:
      throw new Error(
        `schedule: kind must be 'constant', 'warmupCosine' or 'linear', got '${String((spec as { kind: unknown }).kind)}'`,
      );
  }
}
