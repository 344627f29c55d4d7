/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): the functions with the most self time,
 * and their inclusive time. `npx tsx bench/cpuprofile.ts FILE... [--top 25]`
 */
import * as fs from 'fs';
import * as path from 'path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function summarise(file: string, top: number): void {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url ? `${path.relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    return `${functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)') return; // time the thread spent waiting
    total += dt;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
      const k = name(n);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  if (total < 0.05 * p.timeDeltas.reduce((s, d) => s + d, 0)) return; // an idle thread (tsx's loader), not the main one
  console.log(`\n${file}: ${(total / 1000).toFixed(0)} ms busy (idle time left out)`);
  console.log(`${'self %'.padStart(7)} ${'incl %'.padStart(7)}  function`);
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, v] of rows) {
    console.log(`${((100 * v) / total).toFixed(1).padStart(7)} ${((100 * (inclusive.get(k) ?? 0)) / total).toFixed(1).padStart(7)}  ${k}`);
  }
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
if (args.length === 0) throw new Error('usage: npx tsx bench/cpuprofile.ts FILE.cpuprofile... [--top N]');
for (const f of args) summarise(f, top);
