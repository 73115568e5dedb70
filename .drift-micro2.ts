const edges = Float64Array.from({ length: 9 }, (_, i) => (i + 1) / 10);
const data = Float64Array.from({ length: 1e7 }, () => Math.random());
function binSearch(values: Float64Array, bins: Float64Array) { const ne = edges.length; let sum = 0, nulls = 0;
  for (let i = 0; i < values.length; i++) { const v = values[i]; if (v - v !== 0) { nulls++; continue; }
    let lo = 0, hi = ne; while (lo < hi) { const mid = (lo + hi) >>> 1; if (edges[mid] < v) lo = mid + 1; else hi = mid; }
    bins[lo]++; sum += v; } return sum + nulls; }
function linear(values: Float64Array, bins: Float64Array) { const ne = edges.length; let sum = 0, nulls = 0;
  for (let i = 0; i < values.length; i++) { const v = values[i]; if (v - v !== 0) { nulls++; continue; }
    let lo = 0; for (let j = 0; j < ne; j++) lo += edges[j] < v ? 1 : 0;
    bins[lo]++; sum += v; } return sum + nulls; }
function branchless(values: Float64Array, bins: Float64Array) { const ne = edges.length; let sum = 0, nulls = 0;
  // pad to power of two
  let size = 1; while (size <= ne) size *= 2;
  for (let i = 0; i < values.length; i++) { const v = values[i]; if (v - v !== 0) { nulls++; continue; }
    let lo = 0; for (let step = size >> 1; step > 0; step >>= 1) { const probe = lo + step - 1; lo = probe < ne && edges[probe] < v ? lo + step : lo; }
    bins[lo]++; sum += v; } return sum + nulls; }
for (const [name, f] of [['binSearch', binSearch], ['linear', linear], ['branchless', branchless]] as const) {
  for (let rep = 0; rep < 3; rep++) { const bins = new Float64Array(10); const t = performance.now(); f(data, bins); if (rep == 2) console.log(name, ((performance.now() - t) * 1e6 / 1e7).toFixed(1), 'ns', bins[0], bins[9]); }
}
