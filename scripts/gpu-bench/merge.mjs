// Merges <pkg>.json (ours) and <pkg>.torch.json (PyTorch peer) in a folder into results.json and results.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'out';
const docs = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('results'))) {
  try {
    const text = readFileSync(join(dir, f), 'utf8');
    const peer = f.endsWith('.torch.json');
    let d;
    try {
      d = JSON.parse(text);
    } catch {
      // JSON Lines (scaling-laws' bench): one row object per line.
      const rows = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      d = { package: f.replace(/(\.torch)?\.json$/, ''), impl: peer ? 'torch' : 'lemma-webgpu', card: '', results: rows };
    }
    if (Array.isArray(d.results)) docs.push({ file: f, peer, ...d });
  } catch (e) {
    console.error(`merge: skipping ${f}: ${e.message}`);
  }
}
const lines = [];
const merged = [];
for (const ours of docs.filter((d) => !d.peer)) {
  const peer = docs.find((d) => d.peer && d.package === ours.package);
  lines.push(`### ${ours.package}`, '', `ours: ${ours.impl} on ${ours.card}; peer: ${peer ? `${peer.impl} on ${peer.card}` : 'none'}`, '');
  // A peer row may also carry compiled_ms: the same work under torch.compile (the strongest one-decorator variant).
  const compiled = peer?.results.some((q) => q.compiled_ms !== undefined) ?? false;
  lines.push(
    `| op | size | ours ms | ours TB/s | peer ms | peer TB/s | peer ms / ours ms |${compiled ? ' compiled peer ms | compiled / ours |' : ''}`,
    `|---|---|---:|---:|---:|---:|---:|${compiled ? '---:|---:|' : ''}`,
  );
  for (const r of ours.results) {
    const p = peer?.results.find((q) => q.id === r.id && q.size === r.size);
    const ok = (v) => typeof v === 'number' && Number.isFinite(v);
    const ratio = p && ok(p.ms) && ok(r.ms) ? (p.ms / r.ms).toFixed(2) : '';
    const cms = p && ok(p.compiled_ms) ? p.compiled_ms : null;
    const cRatio = cms !== null && ok(r.ms) ? cms / r.ms : null;
    const cCells = compiled ? ` ${cms !== null ? cms.toFixed(3) : ''} | ${cRatio !== null ? cRatio.toFixed(2) : ''} |` : '';
    lines.push(`| ${r.id} | ${r.size} | ${ok(r.ms) ? r.ms.toFixed(3) : ''} | ${r.tbps ?? ''} | ${p && ok(p.ms) ? p.ms.toFixed(3) : ''} | ${p?.tbps ?? ''} | ${ratio} |${cCells}`);
    const row = { package: ours.package, ...r, peerMs: p?.ms ?? null, peerTbps: p?.tbps ?? null, speedup: p && ok(p.ms) && ok(r.ms) ? p.ms / r.ms : null };
    if (compiled) Object.assign(row, { peerCompiledMs: cms, speedupVsCompiled: cRatio });
    merged.push(row);
  }
  lines.push('');
}
const md = lines.join('\n');
writeFileSync(join(dir, 'results.md'), md + '\n');
writeFileSync(join(dir, 'results.json'), JSON.stringify({ docs: docs.map(({ results, ...d }) => d), results: merged }, null, 2));
console.log(md);
