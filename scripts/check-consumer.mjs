#!/usr/bin/env node
// A user's view of the packages: packs every package (pnpm pack, as a release would), installs the tarballs with
// npm in a fresh project next to tfjs from the registry, type-checks a consumer under moduleResolution node16,
// nodenext and bundler (skipLibCheck off, so a deep import of tfjs internals or an `any` in our types fails; tfjs's
// own .d.ts files have errors under strict, so only errors in our packages or the consumer count), and imports
// every package as ESM and as CJS. Usage: node scripts/check-consumer.mjs [--keep]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = join(tmpdir(), 'lemma-consumer');
const tarballs = join(dir, 'tarballs');
rmSync(dir, { recursive: true, force: true });
mkdirSync(tarballs, { recursive: true });
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const packages = readdirSync(join(root, 'packages')).map((d) => {
  const pkgDir = join(root, 'packages', d);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const file = run('pnpm', ['pack', '--pack-destination', tarballs], pkgDir).trim().split('\n').pop().trim();
  return { name: pkg.name, file: file.startsWith('/') ? file : join(tarballs, file), exports: Object.keys(pkg.exports).filter((k) => k !== './package.json') };
});
const local = Object.fromEntries(packages.map((p) => [p.name, `file:${p.file}`]));
const tfjs = '4.22.0';
writeFileSync(join(dir, 'package.json'), JSON.stringify({
  name: 'lemma-consumer', private: true, type: 'module',
  dependencies: { ...local, '@tensorflow/tfjs-core': tfjs, '@tensorflow/tfjs-layers': tfjs, '@tensorflow/tfjs-backend-cpu': tfjs, '@tensorflow/tfjs-backend-wasm': tfjs, typescript: '5.9.3', '@types/node': '20.19.43' },
  overrides: local,
}, null, 2));
console.error('[consumer] npm install of the packed tarballs');
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], dir);

// Every public entry, and a type-level check that the optimizer's weights are not `any`.
const imports = packages.flatMap((p, i) => p.exports.filter((e) => !e.includes('testing')).map((e, j) => `import * as m${i}_${j} from '${p.name}${e === '.' ? '' : e.slice(1)}';`));
writeFileSync(join(dir, 'consumer.ts'), [
  "import * as tf from '@tensorflow/tfjs-core';",
  ...imports,
  "import { adamw } from '@lemma/optim';",
  'type IsAny<T> = 0 extends 1 & T ? true : false;',
  'const opt = adamw({ learningRate: 1e-3 });',
  'type Weights = Awaited<ReturnType<typeof opt.getWeights>>[number];',
  'const weightsNotAny: IsAny<Weights> = false;',
  'const t: tf.Tensor = tf.scalar(1);',
  `export const used = [weightsNotAny, t, ${imports.map((_, k) => imports[k].split(' ')[3]).join(', ')}];`,
].join('\n'));
for (const [name, compilerOptions] of Object.entries({
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
})) {
  writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: { ...compilerOptions, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['consumer.ts'] }));
  console.error(`[consumer] tsc (${name})`);
  let output = '';
  try {
    run(join(dir, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${name}.json`], dir);
  } catch (e) {
    output = String(e.stdout ?? '');
  }
  const ours = output.split('\n').filter((l) => /^(node_modules\/@lemma\/|consumer\.ts)/.test(l));
  if (ours.length) {
    console.error(ours.join('\n'));
    throw new Error(`consumer type-check under ${name} failed in @lemma types (${ours.length} errors)`);
  }
}
const names = packages.flatMap((p) => p.exports.filter((e) => !e.includes('testing')).map((e) => `${p.name}${e === '.' ? '' : e.slice(1)}`));
writeFileSync(join(dir, 'esm.mjs'), `${names.map((n, i) => `import * as e${i} from '${n}';`).join('\n')}\nconsole.log('esm ok', ${names.map((_, i) => `Object.keys(e${i}).length`).join(' + ')});\n`);
writeFileSync(join(dir, 'cjs.cjs'), `let n = 0;\n${names.map((n) => `n += Object.keys(require('${n}')).length;`).join('\n')}\nconsole.log('cjs ok', n);\n`);
console.error(`[consumer] ${run('node', ['esm.mjs'], dir).trim()}; ${run('node', ['cjs.cjs'], dir).trim()}`);
if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
console.error('[consumer] ok: node16, nodenext and bundler type-check; ESM and CJS load');
