import { readFileSync } from 'node:fs';
import { kstwoSf, smirnovSf, kolmogorovSf } from './src/drift/kolmogorov';
import { chi2Sf } from './src/drift/gamma';
import { ksPValue, ks2samp } from './src/drift/ks';
const fx = JSON.parse(readFileSync('/work/main/test/unit/drift/fixtures/scipy-parity.json', 'utf8'));
function report(name: string, rows: any[], f: (r: any) => number, key: string) {
  let maxAbs = 0, maxRel = 0, worst: any = null; let t = performance.now();
  for (const r of rows) {
    const got = f(r); const exp = r[key];
    const abs = Math.abs(got - exp); const rel = exp > 1e-300 ? abs / exp : abs;
    if (!(abs <= maxAbs)) { maxAbs = abs; worst = { ...r, got }; }
    if (rel > maxRel && exp > 1e-250) maxRel = rel;
  }
  console.log(name, rows.length, 'maxAbs', maxAbs, 'maxRel', maxRel, 'ms', (performance.now() - t).toFixed(0), maxAbs > 1e-9 ? JSON.stringify(worst) : '');
}
report('kolmogorov', fx.kolmogorov, (r) => kolmogorovSf(r.x), 'sf');
report('smirnov', fx.smirnov, (r) => smirnovSf(r.n, r.x), 'sf');
report('kstwo', fx.kstwo, (r) => kstwoSf(r.n, r.x), 'sf');
report('chi2', fx.chi2sf, (r) => chi2Sf(r.x, r.dof), 'sf');
report('ksP', fx.ksPValue, (r) => ksPValue(r.d, r.n1, r.n2).pValue, 'pvalue');
report('ksStat', fx.ksPValue, (r) => ksPValue(r.d, r.n1, r.n2).statistic, 'statistic');
const clean = (a: (number|null)[]) => a.filter((v) => v !== null) as number[];
report('ks2samp p', fx.numeric, (r) => ks2samp(clean(r.reference), clean(r.current)).pValue, 'ksPValue');
report('ks2samp d', fx.numeric, (r) => ks2samp(clean(r.reference), clean(r.current)).statistic, 'ksStatistic');
