/** Runs one trial as one CLI call (a child process) and turns what it reports into a {@link TrialRecord}. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepSpec, Trial } from './spec';
import type { TrialRecord } from './store';

/** Where the lemma CLI is (reproduction trials call it); set by the CLI to its own file. */
export interface TrialEnv {
  /** Path of the built CLI (examples/dist/cli.js or the device bundle). */
  cli: string;
  /** A name for this worker in records (default host:pid). */
  worker?: string;
  /** Called with the child process once it started (so a pool can stop it). */
  onSpawn?: (pid: number) => void;
}

/** The command line of a trial: for a reproduction the CLI's own flags, for a program `--seed=` and `--key=value`. */
export function trialCommand(spec: SweepSpec, trial: Trial, env: TrialEnv, outDir: string): string[] {
  const t = spec.trial;
  if ('command' in t) return [...t.command, `--seed=${trial.seed}`, ...Object.entries(trial.params).map(([k, v]) => `--${k}=${v}`)];
  return [
    process.execPath,
    env.cli,
    t.reproduction,
    '--seed',
    String(trial.seed),
    `--${t.mode ?? 'quick'}`,
    ...(t.backend ? ['--backend', t.backend] : []),
    ...Object.entries(trial.params).flatMap(([k, v]) => ['--option', `${k}=${v}`]),
    '--workers',
    '1',
    '--json',
    '--out',
    outDir,
  ];
}

interface RunRecordLike {
  backend?: { name?: string };
  versions?: Record<string, string>;
  reproductions?: { ok: boolean; metrics: Record<string, unknown>; error?: string }[];
}

function lastJsonObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  // The CLI's --json prints one (pretty) document; a program prints a one-line object last.
  for (const candidate of [trimmed, trimmed.split('\n').pop() ?? '']) {
    try {
      const v = JSON.parse(candidate) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // not JSON
    }
  }
  return undefined;
}

/** Runs one attempt of a trial; never throws for a failing trial (the record says `failed`). */
export async function runTrial(spec: SweepSpec, trial: Trial, attempt: number, env: TrialEnv): Promise<TrialRecord> {
  const scratch = mkdtempSync(join(tmpdir(), `lemma-trial-${trial.id}-`));
  const resultFile = join(scratch, 'result.json');
  const [cmd, ...args] = trialCommand(spec, trial, env, join(scratch, 'report'));
  const startedAt = new Date();
  const base = {
    sweep: spec.name,
    trial: trial.id,
    index: trial.index,
    params: trial.params,
    seed: trial.seed,
    attempt,
    host: hostname(),
    worker: env.worker ?? `${hostname()}:${process.pid}`,
    startedAt: startedAt.toISOString(),
  };
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(cmd!, args, {
        env: { ...process.env, LEMMA_TRIAL: JSON.stringify({ sweep: spec.name, ...trial }), LEMMA_TRIAL_RESULT: resultFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (child.pid !== undefined) env.onSpawn?.(child.pid);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    const fail = (error: string): TrialRecord => ({ ...base, status: 'failed', error, seconds });
    if ('reproduction' in spec.trial) {
      const run = lastJsonObject(stdout) as RunRecordLike | undefined;
      const rec = run?.reproductions?.[0];
      if (!rec) return fail(`the CLI printed no results (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
      if (!rec.ok) return fail(rec.error ?? `reproduction failed (exit ${code})`);
      return { ...base, status: 'ok', metrics: rec.metrics, ...(run.backend?.name ? { backend: run.backend.name } : {}), ...(run.versions ? { versions: run.versions } : {}), seconds };
    }
    if (code !== 0) return fail(`exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    let metrics: Record<string, unknown> | undefined;
    try {
      metrics = JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>;
    } catch {
      metrics = lastJsonObject(stdout);
    }
    if (!metrics || typeof metrics !== 'object' || Array.isArray(metrics)) return fail('the program wrote no JSON object to $LEMMA_TRIAL_RESULT and printed none as its last line');
    return { ...base, status: 'ok', metrics, versions: { node: process.version }, seconds };
  } catch (e) {
    return { ...base, status: 'failed', error: (e as Error).message, seconds: (Date.now() - startedAt.getTime()) / 1000 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
