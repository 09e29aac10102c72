#!/usr/bin/python3
"""Reference figures from scikit-learn's IsolationForest, for the parity test of our Isolation Forest.

Fits on --train, scores --score, and prints one JSON object: ROC-AUC of the scores against --labels and the
flagged fractions (training and scored rows), for each seed. Run with Debian's /usr/bin/python3
(python3-sklearn); all inputs are headerless numeric CSV files written by the Java test.
"""
import argparse
import json
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--score", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--contamination", default="auto")
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--max-samples", default="auto")
    parser.add_argument("--max-features", type=float, default=1.0)
    args = parser.parse_args()

    train = np.loadtxt(args.train, delimiter=",", dtype=np.float32, ndmin=2)
    score = np.loadtxt(args.score, delimiter=",", dtype=np.float32, ndmin=2)
    labels = np.loadtxt(args.labels, dtype=int, ndmin=1)
    contamination = args.contamination if args.contamination == "auto" else float(args.contamination)
    max_samples = args.max_samples
    if max_samples != "auto":
        max_samples = float(max_samples) if "." in max_samples else int(max_samples)

    result = {"sklearn_version": sklearn.__version__, "seeds": [], "roc_auc": [], "train_flagged_fraction": [],
              "score_flagged_fraction": [], "train_auto_flagged_fraction": [], "offset": [],
              "seconds": []}
    for seed in [int(s) for s in args.seeds.split(",")]:
        started = time.perf_counter()
        forest = IsolationForest(n_estimators=args.n_estimators, max_samples=max_samples,
                                 max_features=args.max_features, contamination=contamination,
                                 random_state=seed).fit(train)
        scores = -forest.score_samples(score)
        train_scores = -forest.score_samples(train)
        result["seconds"].append(time.perf_counter() - started)
        result["seeds"].append(seed)
        result["roc_auc"].append(float(roc_auc_score(labels, scores)))
        # predict() flags -score_samples > -offset_; computed from the scores to avoid scoring twice.
        result["train_flagged_fraction"].append(float(np.mean(train_scores > -forest.offset_)))
        result["score_flagged_fraction"].append(float(np.mean(scores > -forest.offset_)))
        # What contamination="auto" (offset_ = -0.5) would flag with the same trees.
        result["train_auto_flagged_fraction"].append(float(np.mean(train_scores > 0.5)))
        result["offset"].append(float(forest.offset_))
    result["roc_auc_mean"] = float(np.mean(result["roc_auc"]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
