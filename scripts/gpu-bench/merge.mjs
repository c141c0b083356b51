// Merges <pkg>.json (ours) and <pkg>.torch.json (PyTorch peer) in a folder into results.json and results.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'out';
const docs = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('results'))) {
  try {
    const d = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (Array.isArray(d.results)) docs.push({ file: f, peer: f.endsWith('.torch.json'), ...d });
  } catch (e) {
    console.error(`merge: skipping ${f}: ${e.message}`);
  }
}
const lines = [];
const merged = [];
for (const ours of docs.filter((d) => !d.peer)) {
  const peer = docs.find((d) => d.peer && d.package === ours.package);
  lines.push(`### ${ours.package}`, '', `ours: ${ours.impl} on ${ours.card}; peer: ${peer ? `${peer.impl} on ${peer.card}` : 'none'}`, '');
  lines.push('| op | size | ours ms | ours TB/s | peer ms | peer TB/s | peer ms / ours ms |', '|---|---|---:|---:|---:|---:|---:|');
  for (const r of ours.results) {
    const p = peer?.results.find((q) => q.id === r.id && q.size === r.size);
    const ratio = p ? (p.ms / r.ms).toFixed(2) : '';
    lines.push(`| ${r.id} | ${r.size} | ${r.ms.toFixed(3)} | ${r.tbps ?? ''} | ${p ? p.ms.toFixed(3) : ''} | ${p?.tbps ?? ''} | ${ratio} |`);
    merged.push({ package: ours.package, ...r, peerMs: p?.ms ?? null, peerTbps: p?.tbps ?? null, speedup: p ? p.ms / r.ms : null });
  }
  lines.push('');
}
const md = lines.join('\n');
writeFileSync(join(dir, 'results.md'), md + '\n');
writeFileSync(join(dir, 'results.json'), JSON.stringify({ docs: docs.map(({ results, ...d }) => d), results: merged }, null, 2));
console.log(md);
