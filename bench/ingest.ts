/**
 * Ingest benchmark: Bosun's readTable (streamed read + type inference) and profile (tableStatsThreaded: tableStats with the numeric columns shared across the cores) of the seeded
 * 1M-row synthetic CSV (bench/synthetic.ts, ~400 MB), against DuckDB on the same file in the same run:
 * read_csv materialized (CREATE TABLE AS) and read_csv + SUMMARIZE (bench/ingest_duckdb.py, in the bench venv).
 * Each Bosun repetition runs in a fresh child process, so its peak RSS is the ingest's alone; it is compared with
 * the table's raw typed size (8 bytes a numeric cell, 4 a categorical code). Medians of the repetitions.
 *
 *     npx tsx bench/ingest.ts [--rows N] [--repeats N]
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPython } from './pyenv';
import { syntheticTable } from './synthetic';

export interface IngestBenchResult {
  rows: number;
  columns: number;
  fileMb: number;
  /** Bosun, median seconds: readTable, tableStatsThreaded, and both. */
  readSeconds: number;
  profileSeconds: number;
  totalSeconds: number;
  /** Peak RSS of the Bosun child (median), and the table's typed bytes. */
  peakRssMb: number;
  rawMb: number;
  duckdb: { readSeconds: number; summarizeSeconds: number; totalSeconds: number; peakRssMb: number; threads: number; version: string } | null;
  duckdbNote?: string;
  /** Load average over the last minute when the bench started: other work sharing the cores. */
  loadAverage: number;
}

interface ChildResult {
  rows: number;
  columns: number;
  readSeconds: number;
  profileSeconds: number;
  peakRssMb: number;
  rawBytes: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runIngestBench(o: { rows?: number; repeats?: number } = {}): Promise<IngestBenchResult> {
  const rows = o.rows ?? 1_000_000;
  const repeats = o.repeats ?? 3;
  const loadAverage = os.loadavg()[0];
  const file = syntheticTable(rows);
  const fileMb = statSync(file).size / 1e6;

  const bosun: ChildResult[] = [];
  for (let i = 0; i < repeats; i++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    bosun.push(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
  }

  let duckdb: IngestBenchResult['duckdb'] = null;
  let duckdbNote: string | undefined;
  const py = benchPython();
  if (py.python === null) duckdbNote = py.why;
  else {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ingest_duckdb.py');
    const r = JSON.parse(execFileSync(py.python, [script, file, String(repeats)], { encoding: 'utf8' })) as {
      runs: Array<{ read: number; summarize: number; rows: number }>;
      peakRssMb: number;
      threads: number;
      version: string;
    };
    if (r.runs[0].rows !== rows) throw new Error(`DuckDB read ${r.runs[0].rows} rows, expected ${rows}`);
    duckdb = {
      readSeconds: median(r.runs.map((x) => x.read)),
      summarizeSeconds: median(r.runs.map((x) => x.summarize)),
      totalSeconds: median(r.runs.map((x) => x.read + x.summarize)),
      peakRssMb: r.peakRssMb,
      threads: Number(r.threads),
      version: r.version,
    };
  }
  if (bosun[0].rows !== rows) throw new Error(`Bosun read ${bosun[0].rows} rows, expected ${rows}`);
  return {
    rows,
    columns: bosun[0].columns,
    fileMb,
    readSeconds: median(bosun.map((b) => b.readSeconds)),
    profileSeconds: median(bosun.map((b) => b.profileSeconds)),
    totalSeconds: median(bosun.map((b) => b.readSeconds + b.profileSeconds)),
    peakRssMb: median(bosun.map((b) => b.peakRssMb)),
    rawMb: bosun[0].rawBytes / 1e6,
    duckdb,
    duckdbNote,
    loadAverage,
  };
}

/** The measured child: what the ingest stage does with a file, minus storing it. */
async function child(file: string): Promise<void> {
  const { readTable } = await import('../src/data/read');
  const { tableStatsThreaded } = await import('../src/data/stats-parallel');
  const { isFloatColumn } = await import('../src/data/table');
  const t0 = performance.now();
  const table = await readTable(createReadStream(file, { highWaterMark: 1 << 20 }), { fileName: path.basename(file), expectedBytes: statSync(file).size });
  const t1 = performance.now();
  const stats = await tableStatsThreaded(table);
  const t2 = performance.now();
  if (stats.columns.length !== table.columns.length) throw new Error('profile lost columns');
  const rawBytes = table.columns.reduce((s, c) => s + (isFloatColumn(c) ? c.values.byteLength : c.codes.byteLength), 0);
  const result: ChildResult = {
    rows: table.nrows,
    columns: table.columns.length,
    readSeconds: (t1 - t0) / 1000,
    profileSeconds: (t2 - t1) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rawBytes,
  };
  console.log(JSON.stringify(result));
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1]);
else if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  console.log(JSON.stringify(await runIngestBench({ rows: arg('--rows'), repeats: arg('--repeats') }), null, 2));
}
