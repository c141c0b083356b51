import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { prepareCpu, prepareWasm } from './wasm';

describe('prepareWasm / prepareCpu', () => {
  it('register the wasm and cpu backends and say so', async () => {
    expect(await prepareWasm()).toEqual({ name: 'wasm', ok: true, reason: '', detail: 'WebAssembly' });
    expect(tf.findBackendFactory('wasm')).toBeTruthy();
    expect(await prepareCpu()).toEqual({ name: 'cpu', ok: true, reason: '', detail: 'JavaScript' });
    expect(tf.findBackendFactory('cpu')).toBeTruthy();
  });
});
