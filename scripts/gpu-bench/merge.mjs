// Merges <pkg>.json (ours) and <pkg>.torch.json (PyTorch peer) in a folder into results.json and results.md.
// Usage: node merge.mjs <dir> [--into <existing results.json>]: with --into, the new rows replace the rows of the same
// package, id and size in that file (other rows stay, e.g. from an earlier call the same day), the new documents
// replace that package's, and both the file and its .md beside it are rewritten.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const intoAt = args.indexOf('--into');
const into = intoAt >= 0 ? args[intoAt + 1] : undefined;
const dir = args.find((a, i) => !a.startsWith('--') && (intoAt < 0 || i !== intoAt + 1)) ?? 'out';
const docs = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('results'))) {
  try {
    const d = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (Array.isArray(d.results)) docs.push({ file: f, peer: f.endsWith('.torch.json'), ...d });
  } catch (e) {
    console.error(`merge: skipping ${f}: ${e.message}`);
  }
}
const ok = (v) => typeof v === 'number' && Number.isFinite(v);
let merged = [];
for (const ours of docs.filter((d) => !d.peer)) {
  const peer = docs.find((d) => d.peer && d.package === ours.package);
  // A peer row may also carry compiled_ms: the same work under torch.compile (the strongest one-decorator variant).
  const compiled = peer?.results.some((q) => q.compiled_ms !== undefined) ?? false;
  for (const r of ours.results) {
    const p = peer?.results.find((q) => q.id === r.id && q.size === r.size);
    const cms = p && ok(p.compiled_ms) ? p.compiled_ms : null;
    const row = { package: ours.package, ...r, peerMs: p?.ms ?? null, peerTbps: p?.tbps ?? null, speedup: p && ok(p.ms) && ok(r.ms) ? p.ms / r.ms : null };
    if (compiled) Object.assign(row, { peerCompiledMs: cms, speedupVsCompiled: cms !== null && ok(r.ms) ? cms / r.ms : null });
    merged.push(row);
  }
}
let allDocs = docs.map(({ results, ...d }) => d);
if (into && existsSync(into)) {
  const old = JSON.parse(readFileSync(into, 'utf8'));
  const fresh = new Set(allDocs.map((d) => d.package));
  const key = (r) => `${r.package}\u0000${r.id}\u0000${r.size}`;
  const replaced = new Set(merged.map(key));
  const kept = old.results.filter((r) => !replaced.has(key(r)));
  merged = [...kept, ...merged].sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
  allDocs = [...old.docs.filter((d) => !fresh.has(d.package)), ...allDocs];
}

/** One table per package: ours and the peer's implementation and card from the documents, then every row. */
function render(docList, rows) {
  const lines = [];
  for (const pkg of [...new Set(rows.map((r) => r.package))]) {
    const ours = docList.find((d) => !d.peer && d.package === pkg);
    const peer = docList.find((d) => d.peer && d.package === pkg);
    const mine = rows.filter((r) => r.package === pkg);
    const compiled = mine.some((r) => r.peerCompiledMs !== undefined);
    lines.push(`### ${pkg}`, '', `ours: ${ours?.impl ?? '?'} on ${ours?.card ?? '?'} (${ours?.date ?? '?'}); peer: ${peer ? `${peer.impl} on ${peer.card}` : 'none'}`, '');
    lines.push(
      `| op | size | ours ms | ours TB/s | peer ms | peer TB/s | peer ms / ours ms |${compiled ? ' compiled peer ms | compiled / ours |' : ''}`,
      `|---|---|---:|---:|---:|---:|---:|${compiled ? '---:|---:|' : ''}`,
    );
    for (const r of mine) {
      const cCells = compiled ? ` ${ok(r.peerCompiledMs) ? r.peerCompiledMs.toFixed(3) : ''} | ${ok(r.speedupVsCompiled) ? r.speedupVsCompiled.toFixed(2) : ''} |` : '';
      lines.push(`| ${r.id} | ${r.size} | ${ok(r.ms) ? r.ms.toFixed(3) : ''} | ${r.tbps ?? ''} | ${ok(r.peerMs) ? r.peerMs.toFixed(3) : ''} | ${r.peerTbps ?? ''} | ${ok(r.speedup) ? r.speedup.toFixed(2) : ''} |${cCells}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const md = render(allDocs, merged);
const json = JSON.stringify({ docs: allDocs, results: merged }, null, 2);
writeFileSync(join(dir, 'results.md'), md + '\n');
writeFileSync(join(dir, 'results.json'), json);
if (into) {
  writeFileSync(into, json);
  writeFileSync(into.replace(/\.json$/, '.md'), md + '\n');
}
console.log(md);
