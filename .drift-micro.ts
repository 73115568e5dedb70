import { profileNumeric, assembleDriftProfile } from './src/drift/profile';
import { DriftAccumulator } from './src/drift/window';
const ref = Float64Array.from({ length: 100000 }, () => Math.random());
const profile = assembleDriftProfile([profileNumeric('x', ref)], { rows: ref.length, createdAt: 't' });
const batch = Float64Array.from({ length: 10000 }, () => Math.random());
for (let rep = 0; rep < 3; rep++) {
  const acc = new DriftAccumulator(profile, { sampleCap: 10000 });
  const c0 = process.cpuUsage(); const t = performance.now();
  for (let i = 0; i < 1000; i++) acc.addNumeric('x', batch);
  const c = process.cpuUsage(c0);
  console.log('cpu ns/value', (c.user * 1e3 / 1e7).toFixed(1), 'wall', ((performance.now() - t) * 1e6 / 1e7).toFixed(1));
}
