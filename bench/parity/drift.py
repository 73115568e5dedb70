"""Generate the SciPy parity fixture for src/drift (statistics, profile binning, KS p-values).

Dev tool only; Python is never a runtime dependency of Bosun. Run once after changing a case:
    pip install scipy numpy        # if missing
    python3 bench/parity/drift.py
It writes test/unit/drift/fixtures/scipy-parity.json (committed); test/unit/drift/parity.test.ts checks
the TypeScript against it to 1e-6.

References:
- KS: scipy.stats.ks_2samp(method='auto'), scipy.stats.kstwo.sf, scipy.special.smirnov / kolmogorov;
  the (d, n1, n2) grid calls SciPy's private _attempt_exact_2kssamp, which is exactly what ks_2samp runs.
- chi-square: scipy.stats.chi2_contingency (correction=True), on the 2 x k table with all-zero columns
  dropped (SciPy raises on them; Bosun drops them, which cannot change the statistic).
- JS: scipy.spatial.distance.jensenshannon(base=2).
- PSI: numpy, numpy.quantile edges (method='linear', deduplicated), searchsorted(side='left') bins, zero
  proportions replaced by 1e-4 — the definition documented in src/drift/stats.ts.
"""

import json
import math
from pathlib import Path

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon
from scipy.stats._stats_py import _attempt_exact_2kssamp

OUT = Path(__file__).resolve().parents[2] / "test/unit/drift/fixtures/scipy-parity.json"
rng = np.random.default_rng(20250119)
PSI_EPS = 1e-4
BINS = 10
OTHER = "__other__"


def tolist(x):
    """JSON-safe list: NaN -> None (the test maps null back to NaN)."""
    return [None if (isinstance(v, float) and math.isnan(v)) else v for v in np.asarray(x, dtype=float).tolist()]


def psi_np(rc, cc):
    r = rc / rc.sum()
    c = cc / cc.sum()
    r = np.where(r == 0, PSI_EPS, r)
    c = np.where(c == 0, PSI_EPS, c)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric_case(name, ref, cur):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    rf = ref[np.isfinite(ref)]
    cf = cur[np.isfinite(cur)]
    edges = np.unique(np.quantile(rf, np.arange(1, BINS) / BINS))
    rc = np.bincount(np.searchsorted(edges, rf, side="left"), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, cf, side="left"), minlength=len(edges) + 1)
    ks = stats.ks_2samp(rf, cf)
    method = "exact" if max(len(rf), len(cf)) <= 10000 else "asymp"
    return {
        "name": name,
        "reference": tolist(ref),
        "current": tolist(cur),
        "bins": BINS,
        "edges": edges.tolist(),
        "refCounts": rc.tolist(),
        "curCounts": cc.tolist(),
        "psi": psi_np(rc.astype(float), cc.astype(float)),
        "js": float(jensenshannon(rc, cc, base=2)),
        "ksStatistic": float(ks.statistic),
        "ksPValue": float(ks.pvalue),
        "ksMethod": method,
    }


def r5(x):
    return np.round(x, 5)


def numeric_cases():
    cases = []
    cases.append(numeric_case("tiny_exact_5v7", r5(rng.normal(size=5)), r5(rng.normal(0.5, 1, size=7))))
    cases.append(numeric_case("square_10v10", r5(rng.normal(size=10)), r5(rng.normal(0.8, 1, size=10))))
    cases.append(numeric_case("small_shift_40v60", r5(rng.normal(size=40)), r5(rng.normal(1.0, 1, size=60))))
    cases.append(numeric_case("ties_int_80v120", rng.integers(0, 5, 80).astype(float), rng.integers(0, 6, 120).astype(float)))
    ref = r5(rng.normal(size=500))
    cur = r5(rng.normal(size=800))
    ref[rng.random(500) < 0.05] = np.nan
    cur[rng.random(800) < 0.08] = np.nan
    cases.append(numeric_case("null_normal_500v800", ref, cur))
    cases.append(numeric_case("skewed_lognormal_1500v1000", r5(rng.lognormal(0, 1, 1500)), r5(rng.lognormal(0.1, 1.1, 1000))))
    cases.append(numeric_case("ties_poisson_3000v2000", rng.poisson(3, 3000).astype(float), rng.poisson(3.1, 2000).astype(float)))
    cases.append(numeric_case("square_2000v2000", r5(rng.normal(size=2000)), r5(rng.normal(0.1, 1, size=2000))))
    cases.append(numeric_case("disjoint_300v300", r5(rng.normal(size=300)), r5(rng.normal(5, 1, size=300))))
    cases.append(numeric_case("same_1000v700", r5(rng.exponential(1, 1000)), r5(rng.exponential(1, 700))))
    cases.append(numeric_case("asymp_12000v300", r5(rng.normal(size=12000)), r5(rng.normal(0.15, 1, size=300))))
    cases.append(numeric_case("asymp_small_en_10500v40", r5(rng.normal(size=10500)), r5(rng.normal(0.3, 1, size=40))))
    return cases


def ks_pvalue_grid():
    out = []
    pairs = [(100, 100), (1000, 1000), (10000, 10000), (300, 700), (5000, 3000), (9999, 10000), (10000, 2), (37, 10000),
             (7, 13), (20000, 15000), (1000000, 10000), (100000, 50), (50000, 200), (10001, 10001), (200000, 300000)]
    for n1, n2 in pairs:
        for d in [0.005, 0.01, 0.03, 0.05, 0.1, 0.2, 0.35, 0.6, 0.9]:
            if (n1, n2) in [(9999, 10000), (5000, 3000)] and d > 0.2:
                continue  # exact inside-method cost grows with d; small d covers it
            if max(n1, n2) <= 10000:
                g = math.gcd(n1, n2)
                ok, dd, p = _attempt_exact_2kssamp(n1, n2, g, d, "two-sided")
                if not ok:
                    continue
                method = "exact"
            else:
                m, n = sorted([float(n1), float(n2)], reverse=True)
                en = m * n / (m + n)
                dd, p = d, stats.kstwo.sf(d, np.round(en))
                method = "asymp"
            out.append({"n1": n1, "n2": n2, "d": d, "statistic": float(dd), "pvalue": float(np.clip(p, 0, 1)), "method": method})
    return out


def kstwo_grid():
    out = []
    for n in [1, 2, 3, 5, 10, 25, 50, 100, 140, 141, 200, 500, 1000, 5000, 20000, 100000, 100001, 400000, 1000000]:
        xs = set()
        for c in [0.05, 0.2, 0.5, 0.7, 0.754, 0.76, 1.0, 1.5, 2.0, 2.19, 2.21, 3.0, 4.0, 4.1, 6.0, 10.0, 18.0, 30.0, 100.0, 369.0, 371.0]:
            xs.add(math.sqrt(c / n))
        for c in [0.3, 0.6, 0.9, 1.0, 1.3]:
            xs.add(c / n)
        for x in [0.45, 0.5, 0.55, 0.7, 0.95, 1 - 1.0 / n, 1 - 0.5 / n]:
            xs.add(x)
        for x in sorted(xs):
            if n >= 400000 and 2.3 < n * x * x < 369:
                continue  # smirnov region: O(n) terms each, already covered at smaller n; keeps the test fast
            if 0 < x < 1:
                out.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    return out


def smirnov_grid():
    out = []
    for n in [1, 2, 3, 5, 20, 100, 1000, 10000, 100000, 1000000]:
        for x in [0.0005, 0.001, 0.01, 0.03, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9, 0.999, 1.0 / n, 1.5 / n, 0.7 / n]:
            if n == 1000000 and x not in (0.001, 0.05, 1.5 / n):
                continue  # O(n) terms per call; three points cover n = 10^6
            if 0 <= x <= 1:
                out.append({"n": n, "x": x, "sf": float(scipy.special.smirnov(n, x))})
    return out


def kolmogorov_grid():
    return [{"x": float(x), "sf": float(scipy.special.kolmogorov(x))} for x in np.concatenate([[0.01, 0.03, 0.041, 0.05], np.linspace(0.1, 3.5, 35)])]


def chi2_grid():
    out = []
    for dof in [1, 2, 3, 5, 10, 30, 100, 400]:
        for x in [0.001, 0.5, 1.0, 3.0, dof / 2, dof, 1.5 * dof, 2 * dof, 5 * dof + 10, 200.0, 1500.0]:
            out.append({"x": float(x), "dof": dof, "sf": float(stats.chi2.sf(x, dof))})
    return out


def chi2_table(ref, cur):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    keep = (ref + cur) > 0
    table = np.array([ref[keep], cur[keep]])
    res = stats.chi2_contingency(table)
    return float(res.statistic), float(res.pvalue), int(res.dof)


def count_case(name, ref, cur):
    stat, p, dof = chi2_table(ref, cur)
    r = np.asarray(ref, dtype=float)
    c = np.asarray(cur, dtype=float)
    return {"name": name, "refCounts": list(map(float, ref)), "curCounts": list(map(float, cur)),
            "chi2": stat, "chi2PValue": p, "dof": dof,
            "js": float(jensenshannon(r, c, base=2)), "psi": psi_np(r, c)}


def count_cases():
    return [
        count_case("yates_2x2", [12, 5], [7, 9]),
        count_case("yates_2x2_tiny_diff", [10, 10], [10, 11]),
        count_case("yates_2x2_large", [40000, 60000], [410, 590]),
        count_case("single_level", [30, 0], [12, 0]),
        count_case("three_levels", [50, 30, 20], [40, 35, 25]),
        count_case("rare_levels_k8", [500, 300, 120, 50, 20, 6, 3, 1], [180, 130, 60, 20, 4, 0, 5, 1]),
        count_case("empty_level_both", [100, 0, 50, 25], [80, 0, 70, 10]),
        count_case("new_level_in_current", [900, 400, 0], [300, 150, 40]),
        count_case("identical_props", [200, 100, 50], [400, 200, 100]),
        count_case("big_k20", rng.integers(50, 5000, 20).tolist(), rng.integers(5, 500, 20).tolist()),
        count_case("huge_reference", [3_000_000, 2_000_000, 1_000_000, 12_345], [3050, 1930, 1010, 30]),
    ]


def bucket_labels(ref_labels, cur_labels, max_levels):
    """The profile's level cap: top max_levels by count (ties by name), the rest and unseen levels -> OTHER."""
    counts = {}
    for l in ref_labels:
        if l is not None:
            counts[l] = counts.get(l, 0) + 1
    other = counts.pop(OTHER, 0)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    kept = [l for l, _ in ranked[:max_levels]]
    other += sum(c for _, c in ranked[max_levels:])
    levels = kept + [OTHER]
    index = {l: i for i, l in enumerate(levels)}
    rc = [counts[l] for l in kept] + [other]
    cc = [0] * len(levels)
    for l in cur_labels:
        if l is not None:
            cc[index.get(l, len(levels) - 1)] += 1
    return levels, rc, cc


def label_case(name, ref_labels, cur_labels, max_levels):
    levels, rc, cc = bucket_labels(ref_labels, cur_labels, max_levels)
    case = count_case(name, rc, cc)
    case.update({"reference": ref_labels, "current": cur_labels, "maxLevels": max_levels, "levels": levels})
    return case


def label_cases():
    names = [f"L{i:02d}" for i in range(80)]
    w = 1.0 / np.arange(1, 81) ** 1.2
    ref = [names[i] for i in rng.choice(80, 3000, p=w / w.sum())]
    w2 = w.copy()
    w2[:3] = w2[:3][::-1]
    cur = [names[i] for i in rng.choice(80, 2000, p=w2 / w2.sum())]
    cur[:25] = ["NEW_A"] * 25
    ref = [None if rng.random() < 0.03 else l for l in ref]
    cur = [None if rng.random() < 0.05 else l for l in cur]
    same = [names[i] for i in rng.choice(80, 1500, p=w / w.sum())]
    return [label_case("zipf_rare_levels_cap20", ref, cur, 20), label_case("zipf_same_cap50", ref, same, 50)]


def main():
    fixture = {
        "generator": "bench/parity/drift.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "psiEpsilon": PSI_EPS,
        "numeric": numeric_cases(),
        "ksPValue": ks_pvalue_grid(),
        "kstwo": kstwo_grid(),
        "smirnov": smirnov_grid(),
        "kolmogorov": kolmogorov_grid(),
        "chi2sf": chi2_grid(),
        "counts": count_cases(),
        "labels": label_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, separators=(",", ":")))
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
