import { expect, it } from 'vitest';
import { formatPrecision, round, roundScaled } from './format';

it('round rounds through toFixed (4 decimals by default) and keeps non-finite values', () => {
  expect(round(1.23456789)).toBe(1.2346);
  expect(round(-0.000049, 4)).toBe(-0);
  expect(round(2.5, 0)).toBe(3);
  expect(round(Infinity)).toBe(Infinity);
  expect(Number.isNaN(round(Number.NaN))).toBe(true);
});

it('roundScaled is Math.round(x·10^k)/10^k (3 decimals by default), which can differ from round', () => {
  expect(roundScaled(1.23456)).toBe(1.235);
  expect(roundScaled(-1.5, 0)).toBe(-1); // Math.round: half up, towards +∞
  expect(round(-1.5, 0)).toBe(-2); // toFixed: half away from zero
  // 0.0055 is stored just below 0.0055 (toFixed: 0.005), but 0.0055·1000 rounds to 5.5 exactly (Math.round: 6).
  expect([roundScaled(0.0055), round(0.0055, 3)]).toEqual([0.006, 0.005]);
});

it('formatPrecision gives k significant digits, or a dash when missing or not finite', () => {
  expect(formatPrecision(1234.5678)).toBe('1.23e+3');
  expect(formatPrecision(0.012345, 2)).toBe('0.012');
  expect([formatPrecision(null), formatPrecision(undefined), formatPrecision(Number.NaN), formatPrecision(-Infinity)]).toEqual(['—', '—', '—', '—']);
});
