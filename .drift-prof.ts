import { readFileSync } from 'node:fs';
import { kstwoSf, smirnovSf } from './src/drift/kolmogorov';
import { ksPValue } from './src/drift/ks';
const fx = JSON.parse(readFileSync('test/unit/drift/fixtures/scipy-parity.json', 'utf8'));
const times: [number, string][] = [];
for (const r of fx.kstwo) { const t = performance.now(); kstwoSf(r.n, r.x); times.push([performance.now() - t, `kstwo n=${r.n} x=${r.x} nx2=${r.n*r.x*r.x}`]); }
for (const r of fx.smirnov) { const t = performance.now(); smirnovSf(r.n, r.x); times.push([performance.now() - t, `smirnov n=${r.n} x=${r.x}`]); }
for (const r of fx.ksPValue) { const t = performance.now(); ksPValue(r.d, r.n1, r.n2); times.push([performance.now() - t, `ksP ${r.n1} ${r.n2} d=${r.d} ${r.method}`]); }
times.sort((a, b) => b[0] - a[0]);
console.log(times.slice(0, 25).map(([t, s]) => `${t.toFixed(1)}ms ${s}`).join('\n'));
