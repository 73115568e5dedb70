"""DuckDB side of bench/ingest.ts: read_csv materialized (CREATE TABLE AS), then SUMMARIZE of that table.

Dev tool only. Each repetition uses a fresh in-memory database with DuckDB's default threads (every core).
Prints one JSON object on stdout: per repetition the read and summarize seconds, and peak RSS.

    python bench/ingest_duckdb.py FILE REPEATS
"""

import json
import resource
import sys
import time

import duckdb


def main():
    path, repeats = sys.argv[1], int(sys.argv[2])
    runs = []
    for _ in range(repeats):
        con = duckdb.connect(":memory:")
        t0 = time.perf_counter()
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [path])
        t1 = time.perf_counter()
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
        t2 = time.perf_counter()
        con.execute("SUMMARIZE t").fetchall()
        t3 = time.perf_counter()
        runs.append({"read": t1 - t0, "summarize": t3 - t2, "rows": rows})
        con.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"runs": runs, "peakRssMb": peak_kb / 1024, "threads": duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0], "version": duckdb.__version__}))


if __name__ == "__main__":
    main()
