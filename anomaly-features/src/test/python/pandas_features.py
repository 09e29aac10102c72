#!/usr/bin/env python3
"""The metric features of a FeatureSpec computed with pandas rolling windows: the reference the Java executions
are checked against (FeatureParityTest) and raced against (./bench features).

Covers the subset of the spec pandas expresses directly: gap policy "ignore", NaN policy "skip", windows in
samples, lags, diffs, pct changes and UTC calendar features. Semantics: rolling(w, min_periods=m) mean / std
(ddof=1) / min / max per instance, shift(k), x - x.shift(k), (x - x.shift(k)) / x.shift(k) with a zero
denominator giving NaN (pandas gives inf), hour, ISO day of week, weekend flag.

Input: CSV with columns instance,timestamp(epoch ms),<metrics...>, or a folder of NumPy files instance.npy (int
codes), timestamp.npy (int64 ms) and <metric>.npy (float64). Rows grouped by instance, in time order.
Output: --output CSV of the features in the spec's order (omit to only time the computation). The last stdout
line is JSON: {"rows": n, "load_seconds": s, "compute_seconds": s, "cpu_seconds": s, "peak_rss_bytes": b}.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd


def ints(text):
    return [int(x) for x in text.split(",") if x]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input", required=True)
    p.add_argument("--output")
    p.add_argument("--metrics", required=True, help="comma-separated metric columns, in spec order")
    p.add_argument("--windows", default="", help="comma-separated window lengths in samples")
    p.add_argument("--stats", default="mean,std,min,max")
    p.add_argument("--min-periods", type=int, default=1)
    p.add_argument("--lags", default="")
    p.add_argument("--diffs", default="")
    p.add_argument("--pcts", default="")
    p.add_argument("--time", default="hour,day_of_week,weekend")
    a = p.parse_args()
    metrics = a.metrics.split(",")
    started = time.perf_counter()
    cpu_started = time.process_time()
    if os.path.isdir(a.input):
        df = pd.DataFrame({"instance": np.load(os.path.join(a.input, "instance.npy")),
                           "timestamp": np.load(os.path.join(a.input, "timestamp.npy"))})
        for m in metrics:
            df[m] = np.load(os.path.join(a.input, m + ".npy"))
    else:
        df = pd.read_csv(a.input, dtype={"instance": str, "timestamp": np.int64})
    loaded = time.perf_counter()
    cpu_loaded = time.process_time()

    out = {}
    g = df.groupby("instance", sort=False)
    for m in metrics:
        col = g[m]
        for w in ints(a.windows):
            r = col.rolling(w, min_periods=a.min_periods)
            for stat in a.stats.split(","):
                if stat == "std":
                    v = r.std(ddof=1)
                else:
                    v = getattr(r, stat)()
                out[f"{m}_{stat}_{w}"] = v.reset_index(level=0, drop=True)
        for k in ints(a.lags):
            out[f"{m}_lag_{k}"] = col.shift(k)
        for k in ints(a.diffs):
            out[f"{m}_diff_{k}"] = df[m] - col.shift(k)
        for k in ints(a.pcts):
            before = col.shift(k)
            out[f"{m}_pct_{k}"] = ((df[m] - before) / before).replace([np.inf, -np.inf], np.nan)
    ts = pd.to_datetime(df["timestamp"], unit="ms", utc=True)
    wanted = a.time.split(",") if a.time else []
    if "hour" in wanted:
        out["hour_of_day"] = ts.dt.hour
    if "day_of_week" in wanted:
        out["day_of_week"] = ts.dt.dayofweek + 1
    if "weekend" in wanted:
        out["is_weekend"] = (ts.dt.dayofweek >= 5).astype(np.int8)
    features = pd.DataFrame(out)
    computed = time.perf_counter()
    cpu_computed = time.process_time()
    if a.output:
        features.to_csv(a.output, index=False, float_format="%.17g")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"rows": int(len(df)), "features": int(features.shape[1]), "load_seconds": loaded - started,
                      "compute_seconds": computed - loaded, "cpu_seconds": cpu_computed - cpu_started,
                      "peak_rss_bytes": peak}))


if __name__ == "__main__":
    sys.exit(main())
