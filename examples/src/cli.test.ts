import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventFilesUnder, readEventFile, scalarsOf } from '@lemma/gpu-kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAIN_LOSS_TAG } from './lib/timed-train-steps';
import { LOCK_FILE } from './out-dir';

// The built CLI, run as a user runs it (the SIGINT handling and the runner child only exist there).
const examples = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(examples, 'dist/cli.js');
const base = ['--quick', '--backend', 'cpu', '--workers', '1'];

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { proc: ChildProcess; done: Promise<Done> } {
  const proc = spawn(process.execPath, [cli, ...args], { cwd: examples, env: { ...process.env, CI: '1' } });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => (stdout += d));
  proc.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Done>((res) => proc.on('close', (code) => res({ code, stdout, stderr })));
  return { proc, done };
}

const runCli = (args: string[]) => start(args).done;
const tmp = () => mkdtempSync(join(tmpdir(), 'lemma-cli-'));
const results = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as {
  status: string;
  pending: string[];
  interruption?: { cause: string; during?: string };
  reproductions: { id: string; ok: boolean }[];
};

/** Resolves once results.json in `dir` lists at least one reproduction. */
async function firstRecord(dir: string, timeoutMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      if (results(dir).reproductions.length > 0) return;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no results.json in ${dir} after ${timeoutMs} ms`);
}

const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp') || f === LOCK_FILE);

beforeAll(() => {
  execFileSync(resolve(examples, '../node_modules/.bin/tsup'), { cwd: examples, stdio: 'ignore' });
}, 120_000);

describe('lemma-repro CLI', () => {
  it('rejects a bad --out or --seed before any work, naming the flag', async () => {
    const dir = tmp();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [['--out', file], /--out must be a folder, got '.*a-file', an existing file/],
      [['--out', join(file, 'sub')], /--out must be a folder path, got .* is a file/],
      [['--out', '/'], /--out must not be the filesystem root/],
      [['--out', ''], /--out must be a folder path, got ''/],
      [['--seed', ''], /--seed must be a decimal integer in \[0, 2\^53 - 1\], got ''/],
      [['--seed', '0x10'], /--seed must be a decimal integer .*got '0x10'/],
      [['--seed', '1e300'], /--seed must be a decimal integer .*got '1e300'/],
      [['--seed=-1'], /--seed must be a decimal integer .*got '-1'/],
      [['--seed', '9007199254740992'], /--seed must be a decimal integer .*got '9007199254740992'/],
      [['--workers', '0'], /--workers must be an integer in \[1, 1024\]/],
      [['--logdir', file], /--logdir '.*a-file' cannot be created/],
      [['--logdir', ''], /--logdir must be a directory path, got ''/],
    ];
    if (existsSync('/proc/self/mounts')) {
      cases.push([['--out', '/proc/lemma-report'], /--out must be on a storage filesystem, got '\/proc\/lemma-report' \(on proc\)/]);
      cases.push([['--out', '/sys/lemma-report'], /--out must be on a storage filesystem/]);
    }
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    // root may write anywhere: the unwritable case only means something for other users.
    if (process.getuid?.() !== 0) cases.push([['--out', join(ro, 'report')], /--out must be writable/]);
    const runs = await Promise.all(cases.map(([args]) => runCli(['kernels-sinkhorn-demo', ...base, '--out', join(dir, 'unused'), ...args])));
    runs.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stderr, cases[i]![0].join(' ')).toMatch(cases[i]![1]);
    });
    expect(existsSync(join(dir, 'unused'))).toBe(false);
  });

  it('--logdir writes each finished reproduction\'s numeric metrics as TensorBoard scalars', async () => {
    const dir = tmp();
    const logdir = join(dir, 'tb');
    const r = await runCli(['kernels-sinkhorn-demo', ...base, '--out', join(dir, 'report'), '--logdir', logdir]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(join(logdir, 'kernels-sinkhorn-demo'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\./);
    const bytes = readFileSync(join(logdir, 'kernels-sinkhorn-demo', files[0]!)).toString('latin1');
    const rec = JSON.parse(readFileSync(join(dir, 'report', 'results.json'), 'utf8')).reproductions[0] as { metrics: Record<string, unknown> };
    const numeric = Object.entries(rec.metrics).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)).map(([k]) => k);
    expect(numeric.length).toBeGreaterThan(0);
    // Each numeric metric's tag is in the event file (the record encoding itself is tested in gpu-kernels' tensorboard.test.ts).
    for (const k of numeric) expect(bytes).toContain(`metrics/${k}`);
  });

  it('--logdir: a reproduction that trains in worker threads writes one TensorBoard run per training, named by its cell', async () => {
    const dir = tmp();
    const logdir = join(dir, 'tb');
    const r = await runCli(['equivariant-prune-ign', '--quick', '--backend', 'cpu', '--workers', '2', '--out', join(dir, 'report'), '--logdir', logdir]);
    expect(r.code, r.stderr).toBe(0);
    const files = eventFilesUnder(join(logdir, 'equivariant-prune-ign'));
    // The metrics file at the top, then one run per trained cell (<arch>-n<n>-w<width>-seed<seed>).
    const runs = files.map((f) => f.split('/').slice(0, -1).join('/'));
    expect(runs[0]).toBe('');
    expect(runs.length).toBeGreaterThan(2);
    for (const run of runs.slice(1)) expect(run).toMatch(/^(ign2|mpnn)-n\d+-w\d+-seed\d+$/);
    expect(new Set(runs).size).toBe(runs.length);
    for (const f of files.slice(1)) {
      const loss = scalarsOf(readEventFile(join(logdir, 'equivariant-prune-ign', f)), TRAIN_LOSS_TAG);
      expect(loss.length).toBeGreaterThan(1);
      expect(loss.map(([step]) => step)).toEqual([...loss.map(([step]) => step)].sort((a, b) => a - b));
      for (const [, v] of loss) expect(Number.isFinite(v) && v >= 0).toBe(true); // a mean squared error
    }
  });

  it('a live lock keeps a second run out; a stale lock is taken over and the run writes a complete report', async () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, startedAt: 'test' }));
    const busy = await runCli(['kernels-sinkhorn-demo', ...base, '--out', dir]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(new RegExp(`in use by another run \\(pid ${process.pid}, started test\\)`));
    expect(existsSync(join(dir, 'results.json'))).toBe(false);

    // A pid that has exited: a finished child of ours.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('close', r));
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead.pid, startedAt: 'long ago' }));
    writeFileSync(join(dir, '.index.html.99999.tmp'), 'left by a killed run');
    const ok = await runCli(['kernels-sinkhorn-demo', ...base, '--out', dir]);
    expect(ok.code, ok.stderr).toBe(0);
    const res = results(dir);
    expect(res.status).toBe('complete');
    expect(res.pending).toEqual([]);
    expect(res.reproductions.map((r) => r.id)).toEqual(['kernels-sinkhorn-demo']);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('id="kernels-sinkhorn-demo"');
    expect(leftovers(dir)).toEqual([]);
  });

  it('SIGINT after the first of two reproductions keeps the first, marks the run interrupted and exits 130', async () => {
    const dir = tmp();
    const { proc, done } = start(['kernels-sinkhorn-demo', 'scaling-laws-dana', ...base, '--out', dir]);
    await firstRecord(dir);
    proc.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    const res = results(dir);
    expect(res.status).toBe('interrupted');
    expect(res.interruption).toEqual({ cause: 'SIGINT', during: 'scaling-laws-dana' });
    expect(res.reproductions.map((x) => x.id)).toEqual(['kernels-sinkhorn-demo']);
    expect(res.pending).toEqual(['scaling-laws-dana']);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('Run interrupted by SIGINT during scaling-laws-dana: 1 finished, not finished: scaling-laws-dana');
    expect(html).toContain('id="kernels-sinkhorn-demo"');
    expect(leftovers(dir)).toEqual([]);
  });

  it.runIf(existsSync('/proc/self/task'))('a crash of the runner process still leaves a consistent report of what finished', async () => {
    const dir = tmp();
    const { proc, done } = start(['kernels-sinkhorn-demo', 'scaling-laws-dana', ...base, '--out', dir]);
    await firstRecord(dir);
    // The runner is the CLI's only child process; SIGKILL stands in for a crash (e.g. a wasm abort).
    const runner = Number(readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    process.kill(runner, 'SIGKILL');
    const r = await done;
    expect(r.code).toBe(2);
    const res = results(dir);
    expect(res.status).toBe('interrupted');
    expect(res.interruption?.cause).toMatch(/runner process killed by SIGKILL/);
    expect(res.reproductions.map((x) => x.id)).toEqual(['kernels-sinkhorn-demo']);
    expect(leftovers(dir)).toEqual([]);
  });
});
