#!/usr/bin/python3
"""Reference implementation of anomaly-drift's statistics with numpy and scipy.

Reads a reference (training) matrix and a production window as raw little-endian float32 files (row-major,
--columns wide), optionally float64 prediction vectors for both, learns the reference profile (quantile bin edges
with numpy's default linear method, Tukey fences) and compares the window with it: PSI, KL(production ||
reference), Jensen-Shannon divergence, missing rate, outlier percentage and the anomaly rate. Prints one JSON
object on stdout. Used by the Java parity test (NumpyParityTest) and by `./bench drift`.

Definitions (the same as dev.anomalyops.drift.DriftStatistics):
  bins:      edges = unique(quantile(finite values, k / bins for k = 1 .. bins-1)); bin = searchsorted(edges, x, "right")
  smoothing: s = maximum(shares, eps); s = s / s.sum()
  psi:       sum((p - q) * log(p / q)) over smoothed shares
  kl:        scipy.stats.entropy(p, q) over smoothed shares
  js:        scipy.spatial.distance.jensenshannon(raw p, raw q) ** 2   (divergence in nats)
"""
import argparse
import json
import time

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy


def learn(column, bins, k):
    x = column.astype(np.float64)
    present = x[~np.isnan(x)]
    finite = present[np.isfinite(present)]
    if finite.size:
        edges = np.unique(np.quantile(finite, np.arange(1, bins) / bins))
        q1, q3 = np.quantile(finite, [0.25, 0.75])
        iqr = q3 - q1
        low, high = q1 - k * iqr, q3 + k * iqr
        low = low if np.isfinite(low) else np.nan
        high = high if np.isfinite(high) else np.nan
        lo, hi = float(finite.min()), float(finite.max())
    else:
        edges = np.array([], dtype=np.float64)
        low = high = lo = hi = np.nan
    counts = np.bincount(np.searchsorted(edges, present, side="right"), minlength=edges.size + 1)
    return {"edges": edges, "counts": counts, "low": low, "high": high, "min": lo, "max": hi,
            "missing": int(x.size - present.size)}


def smooth(shares, eps):
    s = np.maximum(shares, eps)
    return s / s.sum()


def compare(profile, column, eps, minimum_rows):
    x = column.astype(np.float64)
    missing = np.isnan(x)
    present = x[~missing]
    counts = np.bincount(np.searchsorted(profile["edges"], present, side="right"),
                         minlength=profile["edges"].size + 1)
    ref = profile["counts"] / profile["counts"].sum()
    result = {"counts": counts.tolist(), "binned": int(present.size)}
    if present.size >= minimum_rows and present.size > 0:
        prod = counts / counts.sum()
        p, q = smooth(prod, eps), smooth(ref, eps)
        result["psi"] = float(np.sum((p - q) * np.log(p / q)))
        result["kl"] = float(entropy(p, q))
        result["js"] = float(jensenshannon(prod, ref) ** 2)
    else:
        result["psi"] = result["kl"] = result["js"] = None
    result["missing_rate"] = float(missing.mean()) if x.size else None
    with np.errstate(invalid="ignore"):
        outside = np.count_nonzero((present < profile["low"]) | (present > profile["high"]))
    result["outlier_percentage"] = 100.0 * outside / present.size if present.size else None
    return result


def finite_or_none(value):
    return float(value) if np.isfinite(value) else None


def describe(profile):
    return {"edges": profile["edges"].tolist(), "counts": profile["counts"].tolist(), "missing": profile["missing"],
            "outlier_low": finite_or_none(profile["low"]), "outlier_high": finite_or_none(profile["high"]),
            "min": finite_or_none(profile["min"]), "max": finite_or_none(profile["max"])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reference", required=True)
    parser.add_argument("--window", required=True)
    parser.add_argument("--columns", type=int, required=True)
    parser.add_argument("--reference-predictions")
    parser.add_argument("--window-predictions")
    parser.add_argument("--bins", type=int, default=10)
    parser.add_argument("--outlier-multiplier", type=float, default=1.5)
    parser.add_argument("--epsilon", type=float, default=1e-4)
    parser.add_argument("--minimum-rows", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()

    reference = np.fromfile(args.reference, dtype="<f4").reshape(-1, args.columns)
    window = np.fromfile(args.window, dtype="<f4").reshape(-1, args.columns)

    start = time.perf_counter()
    profiles = [learn(reference[:, f], args.bins, args.outlier_multiplier) for f in range(args.columns)]
    learn_seconds = time.perf_counter() - start
    start = time.perf_counter()
    drifts = [compare(profiles[f], window[:, f], args.epsilon, args.minimum_rows) for f in range(args.columns)]
    compare_seconds = time.perf_counter() - start

    out = {"features": [dict(describe(p), **{"window": d}) for p, d in zip(profiles, drifts)],
           "learn_seconds": learn_seconds, "compare_seconds": compare_seconds}
    if args.reference_predictions and args.window_predictions:
        ref_pred = np.fromfile(args.reference_predictions, dtype="<f8")
        win_pred = np.fromfile(args.window_predictions, dtype="<f8")
        profile = learn(ref_pred, args.bins, args.outlier_multiplier)
        drift = compare(profile, win_pred, args.epsilon, args.minimum_rows)
        present = win_pred[~np.isnan(win_pred)]
        out["prediction"] = dict(describe(profile), **{"window": drift})
        out["anomaly_rate"] = float(np.count_nonzero(present >= args.threshold) / present.size) if present.size else None
    print(json.dumps(out))


if __name__ == "__main__":
    main()
