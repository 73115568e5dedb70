import { runDriftBench } from './bench/drift';
const r = await runDriftBench({ rows: 200_000, cols: 100, scipy: false });
console.log(r);
