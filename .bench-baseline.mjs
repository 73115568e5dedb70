// csv-parse alone (sync, on_record discarding records): the floor for readCsv on the same file.
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
const buf = readFileSync(process.argv[2]);
const t = performance.now();
let n = 0;
parse(buf, { bom: true, relax_column_count: true, skip_empty_lines: true, on_record: (rec) => { n += rec.length; return null; } });
console.log(JSON.stringify({ mode: 'csv-parse only', cells: n, seconds: +((performance.now() - t) / 1000).toFixed(2), rssMB: Math.round(process.memoryUsage().rss / 1e6) }));
