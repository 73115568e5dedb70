import { profileNumeric, assembleDriftProfile } from '/work/main/src/drift/profile';
import { DriftAccumulator } from '/work/main/src/drift/window';
const ref = Float64Array.from({ length: 100000 }, () => Math.random());
const profile = assembleDriftProfile([profileNumeric('x', ref)], { rows: ref.length, createdAt: 't' });
const batch = Float64Array.from({ length: 10000 }, () => Math.random());
const acc = new DriftAccumulator(profile, { sampleCap: 10000 });
for (let i = 0; i < 3000; i++) acc.addNumeric('x', batch);
