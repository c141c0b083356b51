import { afterEach, expect, it } from 'vitest';
import { isCapturing, onReplay, setCaptureSink } from './replay-hooks';
import type { CaptureSink, ReplayHook } from './replay-hooks';

/** A sink that keeps the hooks it is given. */
function collector(): CaptureSink & { hooks: ReplayHook[] } {
  const hooks: ReplayHook[] = [];
  return { hooks, addHook: (h) => hooks.push(h) };
}

// The sink is module state: never leak one into the next test.
afterEach(() => setCaptureSink(null));

it('outside a capture isCapturing is false and onReplay does nothing', () => {
  expect(isCapturing()).toBe(false);
  let ran = false;
  expect(() => onReplay(() => (ran = true))).not.toThrow();
  // onReplay registers, it never runs the hook itself.
  expect(ran).toBe(false);
});

it('while a sink is set isCapturing is true and onReplay hands it each hook, in order, unrun', () => {
  const sink = collector();
  setCaptureSink(sink);
  expect(isCapturing()).toBe(true);
  let ran = 0;
  const first: ReplayHook = () => ran++;
  const second: ReplayHook = () => ran++;
  onReplay(first);
  onReplay(second);
  onReplay(first);
  expect(sink.hooks).toEqual([first, second, first]);
  expect(sink.hooks[0]).toBe(first);
  expect(sink.hooks[1]).toBe(second);
  expect(ran).toBe(0);
});

it('a hook registered after the sink is cleared reaches no sink', () => {
  const sink = collector();
  setCaptureSink(sink);
  onReplay(() => undefined);
  setCaptureSink(null);
  expect(isCapturing()).toBe(false);
  onReplay(() => undefined);
  expect(sink.hooks.length).toBe(1);
});

it('hooks go to the sink set when they are registered, not an earlier one', () => {
  const a = collector();
  const b = collector();
  setCaptureSink(a);
  const ha: ReplayHook = () => undefined;
  const hb: ReplayHook = () => undefined;
  onReplay(ha);
  setCaptureSink(b);
  onReplay(hb);
  expect(a.hooks).toEqual([ha]);
  expect(b.hooks).toEqual([hb]);
});

it('onReplay rejects a non-function, naming its type, inside and outside a capture, and registers nothing', () => {
  const bad: [unknown, string][] = [
    [3, 'number'],
    [undefined, 'undefined'],
    [null, 'object'],
    ['hook', 'string'],
    [{ call: () => undefined }, 'object'],
  ];
  for (const [value, type] of bad) {
    expect(() => onReplay(value as ReplayHook)).toThrow(`onReplay: hook must be a function, got ${type}`);
  }
  const sink = collector();
  setCaptureSink(sink);
  for (const [value, type] of bad) {
    expect(() => onReplay(value as ReplayHook)).toThrow(`got ${type}`);
  }
  expect(sink.hooks).toEqual([]);
});

