import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockOutDir, prepareOutDir } from './out-dir';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lemma-out-'));
  dirs.push(d);
  return d;
};

describe('prepareOutDir', () => {
  it('creates a nested folder and returns its absolute path', async () => {
    const d = tmp();
    const got = await prepareOutDir(join(d, 'a', 'b'));
    expect(got).toBe(join(d, 'a', 'b'));
    expect(statSync(got).isDirectory()).toBe(true);
  });

  it('rejects an empty path, the root, pseudo filesystems, an existing file and a path below a file', async () => {
    const d = tmp();
    const f = join(d, 'file');
    writeFileSync(f, 'x');
    await expect(prepareOutDir('  ')).rejects.toThrow(/--out must be a folder path, got ''/);
    await expect(prepareOutDir('/')).rejects.toThrow(/must not be the filesystem root/);
    await expect(prepareOutDir('/proc/lemma-report')).rejects.toThrow(/must be on a storage filesystem/);
    await expect(prepareOutDir(f)).rejects.toThrow(/an existing file/);
    await expect(prepareOutDir(join(f, 'report'))).rejects.toThrow(/its parent '.*file' is a file/);
  });
});

describe('lockOutDir', () => {
  it('takes the lock, removes temp files a killed run left, and releases only once', async () => {
    const d = tmp();
    writeFileSync(join(d, '.index.html.tmp'), 'partial');
    writeFileSync(join(d, 'keep.tmp'), 'not a hidden temp file');
    const lock = await lockOutDir(d);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    expect(existsSync(join(d, '.index.html.tmp'))).toBe(false);
    expect(existsSync(join(d, 'keep.tmp'))).toBe(true);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    expect(() => lock.release()).not.toThrow();
  });

  it('fails while a live process holds the folder, and takes over a lock left by a dead one', async () => {
    const d = tmp();
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: process.ppid, startedAt: 'earlier' }));
    await expect(lockOutDir(d)).rejects.toThrow(new RegExp(`in use by another run \\(pid ${process.ppid}, started earlier\\)`));
    // A pid above the kernel's maximum (2^22) cannot be alive.
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: 2 ** 23, startedAt: 'long ago' }));
    const lock = await lockOutDir(d);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});
