// Loads every package's built entry points both ways (require and import) and checks they expose the same names.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
let failed = 0;
for (const dir of readdirSync(join(root, 'packages'))) {
  const pkgDir = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const require = createRequire(join(pkgDir, 'package.json'));
  for (const [sub, cond] of Object.entries(pkg.exports)) {
    if (typeof cond === 'string') continue;
    if (!cond.require) {
      // ESM-only subpaths (the vitest helpers: vitest itself cannot be required).
      await import(pathToFileURL(join(pkgDir, cond.import)).href);
      console.log(`ok   ${pkg.name}${sub.slice(1)}: ESM only`);
      continue;
    }
    const cjsPath = join(pkgDir, cond.require.default);
    const esmPath = join(pkgDir, cond.import.default);
    try {
      const cjs = Object.keys(require(cjsPath)).sort();
      const esm = Object.keys(await import(pathToFileURL(esmPath).href)).filter((k) => k !== 'default' && k !== 'module.exports').sort();
      const missing = esm.filter((k) => !cjs.includes(k));
      if (missing.length) throw new Error(`CJS lacks ${missing.join(', ')}`);
      console.log(`ok   ${pkg.name}${sub === '.' ? '' : sub.slice(1)}: ${esm.length} exports (ESM = CJS)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${pkg.name}${sub === '.' ? '' : sub.slice(1)}: ${e.message.split('\n')[0]}`);
    }
  }
}
process.exit(failed ? 1 : 0);
