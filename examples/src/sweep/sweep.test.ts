import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalSweep } from './local-pool';
import { expandSweep, parseSweepSpec } from './spec';
import { finishedTrials, readRecords } from './store';

const bin = join(dirname(fileURLToPath(import.meta.url)), 'bin.ts');
const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '../..');

// The trial program: loss = (lr - 0.1)^2 + seed/100; logs every start to runs.log; sleeps `sleep` ms; fails the
// first attempt when failOnce is set (a marker file remembers); writes its pid's parent (the worker) for the kill test.
const PROGRAM = `
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const dir = process.env.TRIAL_DIR;
const trial = JSON.parse(process.env.LEMMA_TRIAL);
appendFileSync(dir + '/runs.log', trial.id + '\\n');
if (args.failOnce === 'true' && !existsSync(dir + '/failed-' + trial.id)) { writeFileSync(dir + '/failed-' + trial.id, ''); process.exit(3); }
if (args.slowIndex === String(trial.index) && !existsSync(dir + '/slow-' + trial.id)) {
  writeFileSync(dir + '/slow-' + trial.id, String(process.ppid));
  await new Promise((r) => setTimeout(r, 20000));
}
await new Promise((r) => setTimeout(r, Number(args.sleep ?? 0)));
writeFileSync(process.env.LEMMA_TRIAL_RESULT, JSON.stringify({ loss: (Number(args.lr) - 0.1) ** 2 + Number(args.seed) / 100 }));
`;

function setup(extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lemma-sweep-'));
  writeFileSync(join(dir, 'train.mjs'), PROGRAM);
  const raw = { name: 'toy', trial: { command: [process.execPath, join(dir, 'train.mjs')] }, grid: { lr: [0.05, 0.1, 0.2] }, seeds: [0, 1], ...extra };
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(raw));
  process.env.TRIAL_DIR = dir;
  return { dir, spec: parseSweepSpec(raw), store: join(dir, 'results.jsonl'), runs: () => (existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').filter(Boolean) : []) };
}

const sweepCli = (args: string[], env: Record<string, string> = {}) => spawn(process.execPath, ['--import', 'tsx', bin, ...args], { cwd: examplesDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
const exited = (c: ChildProcess) => new Promise<number | null>((r) => c.on('exit', (code) => r(code)));

describe('local pool', () => {
  it('runs every trial once, records config/seed/metrics/timings, and skips finished ones on rerun', async () => {
    const { spec, store, runs } = setup();
    const trials = expandSweep(spec);
    const s1 = await runLocalSweep(spec, trials, { store, parallel: 2, cli: 'unused' });
    expect(s1).toMatchObject({ total: 6, ran: 6, ok: 6, failed: 0, skipped: 0 });
    const recs = readRecords(store);
    expect(recs).toHaveLength(6);
    const byId = finishedTrials(recs);
    for (const t of trials) {
      const r = byId.get(t.id)!;
      expect(r.params).toEqual(t.params);
      expect(r.seed).toBe(t.seed);
      expect(r.metrics!.loss).toBeCloseTo(((t.params.lr as number) - 0.1) ** 2 + t.seed / 100, 12);
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.versions!.node).toBe(process.version);
    }
    const s2 = await runLocalSweep(spec, trials, { store, parallel: 2, cli: 'unused' });
    expect(s2).toMatchObject({ ran: 0, skipped: 6 });
    expect(runs()).toHaveLength(6);
  });

  it('retries a failing trial and records both attempts', async () => {
    const { spec, store } = setup({ fixed: { failOnce: true } });
    const s = await runLocalSweep(spec, expandSweep(spec), { store, parallel: 3, cli: 'unused' });
    expect(s).toMatchObject({ ok: 6, failed: 0 });
    const recs = readRecords(store);
    expect(recs.filter((r) => r.status === 'failed')).toHaveLength(6);
    expect(recs.filter((r) => r.status === 'failed').every((r) => r.attempt === 1 && /exit 3/.test(r.error!))).toBe(true);
    expect(finishedTrials(recs).size).toBe(6);
  });

  it('resumes after an interrupted sweep (SIGINT) without rerunning or duplicating finished trials', async () => {
    const { dir, store, runs } = setup({ fixed: { sleep: 400 } });
    const child = sweepCli(['run', join(dir, 'spec.json'), '--dir', dir, '--parallel', '1']);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    // Interrupt once two trials have an ok record.
    for (let i = 0; i < 600 && finishedTrials(readRecords(store)).size < 2; i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited(child)).toBe(130);
    expect(err).toMatch(/SIGINT: stopping/);
    const before = finishedTrials(readRecords(store)).size;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(6);
    const again = sweepCli(['run', join(dir, 'spec.json'), '--dir', dir, '--parallel', '2']);
    expect(await exited(again)).toBe(0);
    const recs = readRecords(store).filter((r) => r.status === 'ok');
    expect(recs).toHaveLength(6);
    expect(new Set(recs.map((r) => r.trial)).size).toBe(6);
    // Finished trials did not run again: at most one interrupted trial ran twice.
    expect(runs().length).toBeLessThanOrEqual(7);
  });
});

const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedis && process.env.CI) throw new Error('CI: redis-server is required for the BullMQ sweep test (.ci/run installs it)');

describe.skipIf(!haveRedis)('BullMQ queue (real redis-server on loopback)', () => {
  let redis: ChildProcess;
  let url = '';
  beforeAll(async () => {
    const port = await new Promise<number>((res) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => res(p));
      });
    });
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().includes('PONG')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('redis-server did not start');
  });
  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it('two workers finish every trial once, a worker killed mid-trial has its trial rerun, and nothing is lost or duplicated', async () => {
    const { dir, store, runs } = setup({ fixed: { sleep: 200, slowIndex: 0 }, retries: 2 });
    const specFile = join(dir, 'spec.json');
    const enq = sweepCli(['enqueue', specFile, '--redis', url, '--dir', dir]);
    expect(await exited(enq)).toBe(0);
    const again = sweepCli(['enqueue', specFile, '--redis', url, '--dir', dir]);
    let out = '';
    again.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    expect(await exited(again)).toBe(0);
    expect(out).toMatch(/enqueued 0 new job/);
    const workers = [0, 1].map(() => sweepCli(['worker', specFile, '--redis', url, '--lock-ms', '1500']));
    // Trial 0's first run sleeps 20 s after writing its worker's pid: kill that worker.
    let victim = '';
    for (let i = 0; i < 600 && !victim; i++) {
      const marker = readdirSafe(dir).find((f) => f.startsWith('slow-'));
      if (marker) victim = readFileSync(join(dir, marker), 'utf8');
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(victim).not.toBe('');
    const killed = workers.find((w) => String(w.pid) === victim)!;
    expect(killed).toBeDefined();
    killed.kill('SIGKILL');
    const survivor = workers.find((w) => w !== killed)!;
    const col = sweepCli(['collect', specFile, '--redis', url, '--dir', dir, '--wait']);
    expect(await exited(col)).toBe(0);
    survivor.kill('SIGTERM');
    await exited(survivor);
    const recs = readRecords(store);
    expect(recs).toHaveLength(6);
    expect(recs.every((r) => r.status === 'ok')).toBe(true);
    expect(new Set(recs.map((r) => r.trial)).size).toBe(6);
    expect(new Set(recs.map((r) => r.worker)).size).toBeGreaterThanOrEqual(1);
    // The killed worker's trial ran again elsewhere.
    const ran = runs();
    expect(ran.length).toBeGreaterThan(6);
    const collectAgain = sweepCli(['collect', specFile, '--redis', url, '--dir', dir]);
    expect(await exited(collectAgain)).toBe(0);
    expect(readRecords(store)).toHaveLength(6);
  }, 120_000);
});

function readdirSafe(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}
