import { constants, existsSync, readFileSync, unlinkSync } from 'node:fs';
import { access, mkdir, open, readFile, readdir, realpath, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/** Kernel filesystems that are not storage (writes fail or, for recursive mkdir under /proc, never return). */
const PSEUDO_FS = new Set(['proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf', 'configfs', 'fusectl', 'mqueue', 'hugetlbfs', 'binfmt_misc', 'autofs', 'efivarfs', 'nsfs']);
/** Used where the mount table cannot be read. */
const PSEUDO_PREFIXES = ['/proc', '/sys', '/dev'];

const under = (path: string, root: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** The filesystem type of the mount holding `path` (from /proc/self/mounts), or null where unknown. */
function mountType(path: string): string | null {
  if (!existsSync('/proc/self/mounts')) return null;
  let best: { point: string; type: string } | null = null;
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, point, type] = line.split(' ');
    if (!point || !type) continue;
    const p = point.replace(/\\040/g, ' ');
    if (under(path, p) && (!best || p.length > best.point.length)) best = { point: p, type };
  }
  return best?.type ?? null;
}

/**
 * Checks a report folder before any work: not empty, not `/`, not an existing non-directory, not on a pseudo
 * filesystem (/proc, /sys, /dev, ...), and inside a writable directory. Creates it and returns its absolute path.
 * Throws an error saying what is wrong otherwise.
 */
export async function prepareOutDir(out: string): Promise<string> {
  if (out.trim() === '') throw new Error(`--out must be a folder path, got ''`);
  const dir = resolve(out);
  let ancestor = dir;
  while (!existsSync(ancestor)) ancestor = dirname(ancestor);
  const real = join(await realpath(ancestor), dir.slice(ancestor.length));
  if (real === '/' || real === sep) throw new Error(`--out must not be the filesystem root, got '${out}'`);
  const type = mountType(await realpath(ancestor));
  if (type ? PSEUDO_FS.has(type) : PSEUDO_PREFIXES.some((p) => under(real, p))) {
    throw new Error(`--out must be on a storage filesystem, got '${out}' (on ${type ?? 'a pseudo filesystem'})`);
  }
  const st = await stat(ancestor);
  if (ancestor === dir && !st.isDirectory()) throw new Error(`--out must be a folder, got '${out}', an existing file`);
  if (!st.isDirectory()) throw new Error(`--out must be a folder path, got '${out}' (its parent '${ancestor}' is a file)`);
  try {
    await access(ancestor, constants.W_OK | constants.X_OK);
  } catch {
    throw new Error(`--out must be writable, got '${out}' ('${ancestor}' is not writable)`);
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new Error(`--out could not be created: '${out}' (${(e as Error).message})`);
  }
  return dir;
}

/** The lock a run holds on its report folder. */
export interface OutLock {
  readonly path: string;
  /** Removes the lock file if it is still this process's. Safe to call twice. */
  release(): void;
}

export const LOCK_FILE = '.lemma-repro.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>/.lemma-repro.lock` (pid and start time inside). A second run on the same folder fails with a clear
 * error naming the holder; a lock left by a dead process is taken over. Also removes temp files a killed run left.
 */
export async function lockOutDir(dir: string): Promise<OutLock> {
  const path = join(dir, LOCK_FILE);
  const body = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(body);
      await fh.close();
      break;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'EEXIST') throw new Error(`--out must be writable, got '${dir}' (${err.message})`);
      let holder: { pid?: number; startedAt?: string } = {};
      try {
        holder = JSON.parse(await readFile(path, 'utf8')) as typeof holder;
      } catch {
        // unreadable or half-written: treat as stale
      }
      if (typeof holder.pid === 'number' && holder.pid !== process.pid && alive(holder.pid)) {
        throw new Error(`--out '${dir}' is in use by another run (pid ${holder.pid}, started ${holder.startedAt ?? '?'}); wait for it or pick another --out`);
      }
      if (attempt === 1) throw new Error(`--out '${dir}': could not take over the stale lock ${path}`);
      await unlink(path).catch(() => {});
    }
  }
  for (const f of await readdir(dir)) if (f.startsWith('.') && f.endsWith('.tmp')) await unlink(join(dir, f)).catch(() => {});
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // Synchronous so that it also works from an exit handler.
      try {
        const holder = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number };
        if (holder.pid === process.pid) unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}
