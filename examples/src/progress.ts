import type { Progress } from './types';

/** Whether progress bars should be drawn: only on an interactive stderr outside CI. */
export function progressEnabled(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

/** A one-line progress bar on stderr; a no-op when bars are disabled. */
export function createProgress(label: string, total: number, enabled = progressEnabled()): Progress {
  if (!enabled || !(total > 0)) return { tick() {}, done() {} };
  const start = Date.now();
  let n = 0;
  let lastDraw = 0;
  let info = '';
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const frac = Math.min(1, n / total);
    const width = 24;
    const filled = Math.round(frac * width);
    const elapsed = (now - start) / 1000;
    const eta = frac > 0 ? elapsed * (1 / frac - 1) : 0;
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${elapsed.toFixed(0)}s eta ${eta.toFixed(0)}s ${info}`;
    process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 120) - 1)}\x1b[K`);
  };
  return {
    tick(k = 1, text?: string) {
      n += k;
      if (text !== undefined) info = text;
      draw(false);
    },
    done() {
      n = total;
      draw(true);
      process.stderr.write('\n');
    },
  };
}
