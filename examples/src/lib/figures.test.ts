import { compile, version as vegaLiteVersion } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import type { Figure } from '../types';
import { classProportionsFigure, iterationBandFigure, iterationLineFigure, sampleGridFigure, VEGA_LITE } from './figures';
import type { IterationRow } from './figures';

type Obj = Record<string, unknown>;
type Logger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

// Inferred (not the interface) so the rows fit both Record<string, ...> and IterationRow parameters.
const iterRows = [
  { iteration: 0, value: 1, setting: 'a' },
  { iteration: 1, value: 0.5, setting: 'a' },
  { iteration: 0, value: 2, setting: 'b' },
  { iteration: 1, value: 1.5, setting: 'b' },
] satisfies IterationRow[];
const classRows = [
  { iteration: 0, setting: 'curated', digit: '3', proportion: 0.1 },
  { iteration: 1, setting: 'curated', digit: '3', proportion: 0.3 },
  { iteration: 0, setting: 'plain', digit: '7', proportion: 0.2 },
];
const points = [
  { x: -1, y: 0.5, setting: 'a', iteration: 0, reward: 0.2 },
  { x: 2, y: -3, setting: 'b', iteration: 4, reward: 0.9 },
];

/** Every builder, each with the options that add the most to its spec. */
function allFigures(): Figure[] {
  return [
    iterationBandFigure('band', 'Band', 'cap', iterRows, 'loss', { dash: 'setting', extra: [{ mark: 'rule', data: { values: [{ y: 1 }] }, encoding: { y: { field: 'y', type: 'quantitative' } } }] }),
    classProportionsFigure('props', 'Props', 'cap', classRows, 'digit', { meanOver: true, classTitle: 'digit' }),
    iterationLineFigure('line', 'Line', 'cap', iterRows, 'error', { rule: 0.5, logY: true }),
    sampleGridFigure('grid', 'Grid', 'cap', points, { field: 'reward', type: 'quantitative' }, 4),
  ];
}

/** Compiles `spec` with vega-lite, collecting every warning and error it logs instead of printing it. */
function compileQuietly(spec: Obj): { vega: Obj; messages: string[] } {
  const messages: string[] = [];
  let level = 0;
  const logger: Logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return this;
    },
    error(...a: unknown[]) {
      messages.push(`error: ${a.join(' ')}`);
      return this;
    },
    warn(...a: unknown[]) {
      messages.push(`warn: ${a.join(' ')}`);
      return this;
    },
    info() {
      return this;
    },
    debug() {
      return this;
    },
  };
  const vega = compile(spec as unknown as Parameters<typeof compile>[0], { logger }).spec as unknown as Obj;
  return { vega, messages };
}

const layers = (f: Figure) => f.spec.layer as Obj[];
const enc = (layer: Obj) => layer.encoding as Record<string, Obj>;

describe('every figure builder', () => {
  it('declares the one Vega-Lite schema, the major version of the installed vega-lite', () => {
    expect(VEGA_LITE).toMatch(/^https:\/\/vega\.github\.io\/schema\/vega-lite\/v\d+\.json$/);
    expect(VEGA_LITE).toBe(`https://vega.github.io/schema/vega-lite/v${vegaLiteVersion.split('.')[0]}.json`);
    for (const f of allFigures()) expect(f.spec.$schema).toBe(VEGA_LITE);
  });

  it('passes id, title and caption through', () => {
    expect(allFigures().map((f) => [f.id, f.title, f.caption])).toEqual([
      ['band', 'Band', 'cap'],
      ['props', 'Props', 'cap'],
      ['line', 'Line', 'cap'],
      ['grid', 'Grid', 'cap'],
    ]);
  });

  it('compiles with vega-lite without a warning or error, and keeps the rows as inline data', () => {
    for (const f of allFigures()) {
      const { vega, messages } = compileQuietly(f.spec);
      expect({ id: f.id, messages }).toEqual({ id: f.id, messages: [] });
      const data = vega.data as { values?: unknown[] }[];
      const rows = f.id === 'props' ? classRows : f.id === 'grid' ? points : iterRows;
      expect(data.some((d) => JSON.stringify(d.values) === JSON.stringify(rows))).toBe(true);
    }
  });

  it('leaves the rows unchanged', () => {
    const snapshot = JSON.stringify([iterRows, classRows, points]);
    allFigures();
    expect(JSON.stringify([iterRows, classRows, points])).toBe(snapshot);
  });
});

describe('iterationBandFigure', () => {
  it('draws a 95% bootstrap band and a mean line of value over iteration, one colour per setting', () => {
    const f = iterationBandFigure('b', 't', 'c', iterRows, 'my y');
    const [band, line, ...rest] = layers(f);
    expect(rest).toEqual([]);
    expect(band!.data).toEqual({ values: iterRows });
    expect((band!.data as { values: unknown }).values).toBe(iterRows);
    expect((line!.data as { values: unknown }).values).toBe(iterRows);
    expect(band!.mark).toEqual({ type: 'errorband', extent: 'ci' });
    expect(line!.mark).toEqual({ type: 'line', point: true });
    for (const l of [band!, line!]) {
      expect(enc(l).x).toMatchObject({ field: 'iteration', type: 'quantitative' });
      expect(enc(l).color).toMatchObject({ field: 'setting', type: 'nominal' });
      expect(enc(l).y).toMatchObject({ field: 'value', type: 'quantitative' });
    }
    expect(enc(band!).y!.title).toBe('my y');
    expect(enc(line!).y!.aggregate).toBe('mean');
    expect(enc(band!).y!.aggregate).toBeUndefined();
    expect('strokeDash' in enc(line!)).toBe(false);
  });

  it('dash puts strokeDash on the line only; extra layers come last, as given', () => {
    const extra = [{ mark: 'rule' }, { mark: 'text' }];
    const f = iterationBandFigure('b', 't', 'c', iterRows, 'y', { dash: 'method', extra });
    const ls = layers(f);
    expect(ls.length).toBe(4);
    expect(enc(ls[1]!).strokeDash).toEqual({ field: 'method', type: 'nominal', title: null });
    expect('strokeDash' in enc(ls[0]!)).toBe(false);
    expect(ls[2]).toBe(extra[0]);
    expect(ls[3]).toBe(extra[1]);
  });
});

describe('classProportionsFigure (faceted)', () => {
  it('facets one column per setting over one top-level data set, one line per class', () => {
    const f = classProportionsFigure('p', 't', 'c', classRows, 'digit');
    const s = f.spec;
    expect(Object.keys(s).sort()).toEqual(['$schema', 'data', 'facet', 'spec']);
    expect((s.data as { values: unknown }).values).toBe(classRows);
    expect(s.facet).toEqual({ column: { field: 'setting', type: 'nominal', title: null } });
    const inner = s.spec as Obj;
    // The inner spec of a facet takes its data from the facet, so it declares none (nor a schema).
    expect('data' in inner).toBe(false);
    expect('$schema' in inner).toBe(false);
    expect(inner.mark).toEqual({ type: 'line', point: true });
    const e = enc(inner);
    expect(e.x).toMatchObject({ field: 'iteration', type: 'quantitative' });
    expect(e.y).toMatchObject({ field: 'proportion', type: 'quantitative' });
    expect(e.color).toEqual({ field: 'digit', type: 'nominal' });
    expect('aggregate' in e.y!).toBe(false);
  });

  it('meanOver averages proportion; classTitle titles the colour legend, even as an empty string', () => {
    const e = enc(classProportionsFigure('p', 't', 'c', classRows, 'cls', { meanOver: true, classTitle: 'class' }).spec.spec as Obj);
    expect(e.y!.aggregate).toBe('mean');
    expect(e.color).toEqual({ field: 'cls', type: 'nominal', title: 'class' });
    const empty = enc(classProportionsFigure('p', 't', 'c', classRows, 'cls', { classTitle: '' }).spec.spec as Obj);
    expect(empty.color).toEqual({ field: 'cls', type: 'nominal', title: '' });
  });
});

describe('iterationLineFigure', () => {
  it('one line layer of value over iteration, colour and dash on setting, a shared y scale', () => {
    const f = iterationLineFigure('l', 't', 'c', iterRows, 'gap');
    const ls = layers(f);
    expect(ls.length).toBe(1);
    expect((ls[0]!.data as { values: unknown }).values).toBe(iterRows);
    const e = enc(ls[0]!);
    expect(e.x).toMatchObject({ field: 'iteration', type: 'quantitative' });
    expect(e.y).toEqual({ field: 'value', type: 'quantitative', title: 'gap' });
    expect(e.color!.field).toBe('setting');
    expect(e.strokeDash!.field).toBe('setting');
    // Same title on both channels, so vega-lite merges them into one legend.
    expect(e.strokeDash!.title).toBe(e.color!.title);
    expect(f.spec.resolve).toEqual({ scale: { y: 'shared' } });
  });

  it('rule adds a dashed grey line at its value (0 included); logY uses a symlog y scale', () => {
    for (const rule of [0.25, 0]) {
      const ls = layers(iterationLineFigure('l', 't', 'c', iterRows, 'y', { rule }));
      expect(ls.length).toBe(2);
      expect(ls[1]!.data).toEqual({ values: [{ y: rule }] });
      expect(ls[1]!.mark).toEqual({ type: 'rule', color: 'gray', strokeDash: [2, 2] });
      expect(enc(ls[1]!).y).toEqual({ field: 'y', type: 'quantitative' });
    }
    const log = enc(layers(iterationLineFigure('l', 't', 'c', iterRows, 'y', { logY: true }))[0]!);
    expect(log.y!.scale).toEqual({ type: 'symlog' });
  });
});

describe('sampleGridFigure (faceted)', () => {
  it('facets rows by setting and columns by iteration, on the square [-extent, extent]²', () => {
    const f = sampleGridFigure('g', 't', 'c', points, { field: 'reward', type: 'quantitative' }, 2.5);
    const s = f.spec;
    expect(Object.keys(s).sort()).toEqual(['$schema', 'data', 'facet', 'spec']);
    expect((s.data as { values: unknown }).values).toBe(points);
    expect(s.facet).toEqual({ row: { field: 'setting', type: 'nominal', title: null }, column: { field: 'iteration', type: 'ordinal', title: 'iteration t' } });
    const inner = s.spec as Obj;
    expect('data' in inner).toBe(false);
    expect((inner.mark as Obj).type).toBe('circle');
    const e = enc(inner);
    expect(e.x).toMatchObject({ field: 'x', type: 'quantitative', scale: { domain: [-2.5, 2.5] } });
    expect(e.y).toMatchObject({ field: 'y', type: 'quantitative', scale: { domain: [-2.5, 2.5] } });
    expect(e.color).toEqual({ field: 'reward', type: 'quantitative', scale: { scheme: 'viridis' } });
  });

  it('a nominal colour field gets no viridis scheme', () => {
    const e = enc(sampleGridFigure('g', 't', 'c', points, { field: 'setting', type: 'nominal' }, 1).spec.spec as Obj);
    expect(e.color).toEqual({ field: 'setting', type: 'nominal' });
  });
});
