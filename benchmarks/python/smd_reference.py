#!/usr/bin/python3
"""The Python side of ./bench smd --with-python: scikit-learn's IsolationForest on the very rows the Java
runner used (written by it as headerless CSV files), with the same settings, evaluated the same way.

Prints one JSON object with python_detector_* keys. Run with Debian's /usr/bin/python3 (python3-sklearn).
Stages are named so that later stages (the supervised pipeline) can be added beside "detector".
"""
import argparse
import json
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score


def point_adjust(flagged, labels):
    """Flags a whole labelled segment when any of its points is flagged (Xu et al. 2018)."""
    adjusted = flagged.copy()
    i, n = 0, len(labels)
    while i < n:
        if labels[i] == 1:
            j = i
            while j < n and labels[j] == 1:
                j += 1
            if flagged[i:j].any():
                adjusted[i:j] = True
            i = j
        else:
            i += 1
    return adjusted


def detector_stage(args, result):
    train = np.loadtxt(args.train, delimiter=",", dtype=np.float32, ndmin=2)
    evaluation = np.loadtxt(args.evaluation, delimiter=",", dtype=np.float32, ndmin=2)
    labels = np.loadtxt(args.evaluation_labels, dtype=int, ndmin=1)
    contamination = args.contamination if args.contamination == "auto" else float(args.contamination)
    started = time.perf_counter()
    forest = IsolationForest(n_estimators=args.n_estimators, contamination=contamination,
                             random_state=args.seed).fit(train)
    scores = -forest.score_samples(evaluation)
    seconds = time.perf_counter() - started
    flagged = scores > -forest.offset_
    result["python_detector_roc_auc"] = float(roc_auc_score(labels, scores))
    result["python_detector_pr_auc"] = float(average_precision_score(labels, scores))
    result["python_detector_f1"] = float(f1_score(labels, flagged, zero_division=0))
    result["python_detector_precision"] = float(precision_score(labels, flagged, zero_division=0))
    result["python_detector_recall"] = float(recall_score(labels, flagged, zero_division=0))
    result["python_detector_f1_point_adjusted"] = float(f1_score(labels, point_adjust(flagged, labels), zero_division=0))
    result["python_detector_seconds"] = seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stages", default="detector")
    parser.add_argument("--train", required=True)
    parser.add_argument("--evaluation", required=True)
    parser.add_argument("--evaluation-labels", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--contamination", default="auto")
    parser.add_argument("--n-estimators", type=int, default=100)
    args = parser.parse_args()
    result = {"python_sklearn_version": sklearn.__version__}
    stages = args.stages.split(",")
    if "detector" in stages:
        detector_stage(args, result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
