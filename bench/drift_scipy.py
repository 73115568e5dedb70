"""SciPy side of bench/drift.ts: per-column scipy.stats.ks_2samp on the same synthetic data.

Dev tool only. Regenerates the exact same numbers as bench/drift.ts (an integer hash of the row, column
and stream, identical uint32 arithmetic on both sides), so no 1.6 GB data file is needed. Only the
ks_2samp calls are timed. Prints one JSON object on stdout.

    python3 bench/drift_scipy.py ROWS COLS
"""

import json
import resource
import sys
import time

import numpy as np
from scipy import stats

REF_STREAM = 0x5EED0001
CUR_STREAM = 0x5EED0002


def hash32(x):
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x7FEB352D)
    x = x ^ (x >> np.uint32(15))
    x = x * np.uint32(0x846CA68B)
    return x ^ (x >> np.uint32(16))


def uniform(rows, col, k, stream):
    key = (rows * np.uint32(128) + np.uint32(col)) * np.uint32(4) + np.uint32(k)
    return (hash32(hash32(key) ^ np.uint32(stream)).astype(np.float64) + 0.5) / 4294967296.0


def column(n, col, stream):
    rows = np.arange(n, dtype=np.uint32)
    u0, u1, u2 = (uniform(rows, col, k, stream) for k in range(3))
    scale = 1.0 + (col % 7)
    drift = stream == CUR_STREAM
    if col % 2 == 0:
        shift = 0.4 if drift and col % 10 == 0 else 0.0
        return (u0 + u1 + u2 - 1.5 + shift) * scale + col
    factor = 1.5 if drift and col % 10 == 5 else 1.0
    return u0 * u1 * u2 * scale * factor


def main():
    n, cols = int(sys.argv[1]), int(sys.argv[2])
    seconds = 0.0
    cpu_seconds = 0.0
    statistics, pvalues = [], []
    for c in range(cols):
        ref = column(n, c, REF_STREAM)
        cur = column(n, c, CUR_STREAM)
        t = time.perf_counter()
        c = time.process_time()
        res = stats.ks_2samp(ref, cur)
        seconds += time.perf_counter() - t
        cpu_seconds += time.process_time() - c
        statistics.append(float(res.statistic))
        pvalues.append(float(res.pvalue))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "peakRssMb": peak_mb, "statistics": statistics, "pvalues": pvalues}))


if __name__ == "__main__":
    main()
