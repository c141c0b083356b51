/** The demo page: drag points and move the ε slider to see the entropic plan; ADANA vs AdamW curves below. */
import * as tf from '@tensorflow/tfjs-core';
import { formatBackendReport, selectBackend, type BackendChoice } from '@lemma/gpu-kernels';
import { demoNumbers, makeClouds, solveOt, trainCurves, type OtSolution, type Point } from './demo-core';

const params = new URLSearchParams(location.search);
const seed = Number(params.get('seed') ?? 1);
const steps = Number(params.get('steps') ?? 300);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function drawOt(canvas: HTMLCanvasElement, x: Point[], y: Point[], sol: OtSolution): void {
  const ctx = canvas.getContext('2d')!;
  const all = [...x, ...y];
  const [x0, x1] = [Math.min(...all.map((p) => p[0])) - 0.2, Math.max(...all.map((p) => p[0])) + 0.2];
  const [y0, y1] = [Math.min(...all.map((p) => p[1])) - 0.2, Math.max(...all.map((p) => p[1])) + 0.2];
  // Equal aspect: one scale for both axes.
  const s = Math.min(canvas.width / (x1 - x0), canvas.height / (y1 - y0));
  const px = (p: Point): [number, number] => [(p[0] - x0) * s, canvas.height - (p[1] - y0) * s];
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  let maxP = 0;
  for (const v of sol.plan) maxP = Math.max(maxP, v);
  for (let i = 0; i < sol.n; i++) {
    for (let j = 0; j < sol.m; j++) {
      const w = sol.plan[i * sol.m + j]! / maxP;
      if (w < 0.02) continue;
      ctx.strokeStyle = `rgba(80,80,80,${w.toFixed(3)})`;
      ctx.beginPath();
      ctx.moveTo(...px(x[i]!));
      ctx.lineTo(...px(y[j]!));
      ctx.stroke();
    }
  }
  for (const [pts, color] of [[x, '#4c78a8'], [y, '#f58518']] as const) {
    ctx.fillStyle = color;
    for (const p of pts) {
      const [u, v] = px(p);
      ctx.beginPath();
      ctx.arc(u, v, 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  canvas.dataset.scale = JSON.stringify({ x0, y0, s });
}

function drawCurves(canvas: HTMLCanvasElement, c: { step: number[]; adamw: number[]; adana: number[] }): void {
  const ctx = canvas.getContext('2d')!;
  const all = [...c.adamw, ...c.adana].filter((v) => v > 0);
  const [l0, l1] = [Math.log10(Math.min(...all)), Math.log10(Math.max(...all))];
  const T = c.step[c.step.length - 1]!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '12px sans-serif';
  for (const [series, color, name] of [[c.adamw, '#4c78a8', 'AdamW'], [c.adana, '#e45756', 'ADANA']] as const) {
    ctx.strokeStyle = color;
    ctx.beginPath();
    series.forEach((v, i) => {
      const u = 40 + ((canvas.width - 60) * c.step[i]!) / T;
      const w = 10 + ((canvas.height - 40) * (l1 - Math.log10(Math.max(v, 1e-30)))) / (l1 - l0 || 1);
      if (i === 0) ctx.moveTo(u, w);
      else ctx.lineTo(u, w);
    });
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.fillText(name, canvas.width - 70, name === 'AdamW' ? 20 : 36);
  }
  ctx.fillStyle = '#333';
  ctx.fillText(`risk (log10 ${l0.toFixed(1)} .. ${l1.toFixed(1)}) vs step (0 .. ${T})`, 40, canvas.height - 8);
}

async function main(): Promise<void> {
  const report = await selectBackend({ backend: (params.get('backend') ?? 'auto') as BackendChoice, wasmPaths: new URL('./', location.href).href });
  $('backend').textContent = formatBackendReport(report);
  const numbers = await demoNumbers(seed, steps);
  $('numbers').textContent = JSON.stringify(numbers, null, 1);

  // Interactive OT: drag any point, move the slider.
  const canvas = $<HTMLCanvasElement>('ot');
  const slider = $<HTMLInputElement>('eps');
  const { x, y } = makeClouds(seed, 48);
  let busy = false;
  let pending = false;
  const redraw = async () => {
    if (busy) {
      pending = true;
      return;
    }
    busy = true;
    const eps = 10 ** Number(slider.value);
    $('epsval').textContent = eps.toPrecision(2);
    const sol = await solveOt(x, y, eps);
    drawOt(canvas, x, y, sol);
    $('otinfo').textContent = `<P, C> = ${sol.transportCost.toFixed(4)}, ${sol.iterations} iterations, marginal error ${sol.marginalError.toExponential(1)}${sol.converged ? '' : ' (not converged)'}`;
    busy = false;
    if (pending) {
      pending = false;
      void redraw();
    }
  };
  slider.addEventListener('input', () => void redraw());
  let dragged: Point | undefined;
  const toData = (e: PointerEvent): Point => {
    const { x0, y0, s } = JSON.parse(canvas.dataset.scale!) as { x0: number; y0: number; s: number };
    const r = canvas.getBoundingClientRect();
    return [x0 + (e.clientX - r.left) / s, y0 + (canvas.height - (e.clientY - r.top)) / s];
  };
  canvas.addEventListener('pointerdown', (e) => {
    const q = toData(e);
    dragged = [...x, ...y].reduce((best, p) => (Math.hypot(p[0] - q[0], p[1] - q[1]) < Math.hypot(best[0] - q[0], best[1] - q[1]) ? p : best));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!dragged) return;
    const q = toData(e);
    dragged[0] = q[0];
    dragged[1] = q[1];
    void redraw();
  });
  window.addEventListener('pointerup', () => (dragged = undefined));
  await redraw();
  drawCurves($<HTMLCanvasElement>('curves'), await trainCurves(seed, steps));
  document.body.dataset.done = 'true';
  console.log(`lemma-demo done on ${tf.getBackend()}`);
}

main().catch((e: Error) => {
  $('numbers').textContent = `error: ${e.message}`;
  document.body.dataset.error = e.message;
});
