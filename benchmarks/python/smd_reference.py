#!/usr/bin/python3
"""The Python side of ./bench smd --with-python: scikit-learn's IsolationForest on the very rows the Java
runner used (written by it as headerless CSV files), with the same settings, evaluated the same way.

Stages: "detector" (python_detector_* keys) and "supervised": python3-xgboost trained on the same production
rows, derived features, labels and weights as the Java champion, with the same parameters (binary:logistic, hist,
max_depth 6, eta 0.3, 100 rounds, nthread 1, balanced scale_pos_weight), on the first 80 % of the production half;
threshold for best F1 on the last 20 %; one evaluation of the evaluation half (python_f1, python_train_seconds, ...).
Prints one JSON object. Run with Debian's /usr/bin/python3 (python3-sklearn, python3-xgboost).
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


def best_f1_threshold(scores, labels):
    """Highest-F1 cut between distinct scores (rows at or above it are flagged), 0.5 without positives."""
    positives = int(labels.sum())
    if positives == 0:
        return 0.5
    order = np.argsort(-scores, kind="stable")
    s = scores[order]
    tp = np.cumsum(labels[order])
    fp = np.cumsum(1 - labels[order])
    last = np.r_[s[1:] != s[:-1], True]
    precision = tp / (tp + fp)
    recall = tp / positives
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-300), 0)
    f1 = np.where(last, f1, -1)
    return float(s[int(np.argmax(f1))])


def supervised_stage(args, result):
    import xgboost as xgb
    stage_started = time.perf_counter()
    x = np.loadtxt(args.production, delimiter=",", dtype=np.float32, ndmin=2)
    y = np.loadtxt(args.production_labels, dtype=np.float32, ndmin=1)
    w = np.loadtxt(args.production_weights, dtype=np.float32, ndmin=1)
    evaluation = np.loadtxt(args.evaluation_features, delimiter=",", dtype=np.float32, ndmin=2)
    labels = np.loadtxt(args.evaluation_labels, dtype=int, ndmin=1)
    cut = len(y) - max(1, int(round(len(y) * 0.2)))
    fit_y, fit_w = y[:cut], w[:cut]
    positive = float(fit_w[fit_y == 1].sum())
    negative = float(fit_w[fit_y == 0].sum())
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 6, "eta": 0.3,
              "eval_metric": "logloss", "nthread": 1, "seed": args.seed,
              "scale_pos_weight": negative / positive if positive > 0 and negative > 0 else 1.0}
    started = time.perf_counter()
    booster = xgb.train(params, xgb.DMatrix(x[:cut], label=fit_y, weight=fit_w), num_boost_round=100)
    seconds = time.perf_counter() - started
    threshold = best_f1_threshold(booster.predict(xgb.DMatrix(x[cut:])), y[cut:].astype(int))
    scores = booster.predict(xgb.DMatrix(evaluation))
    flagged = scores >= threshold
    result["python_f1"] = float(f1_score(labels, flagged, zero_division=0))
    result["python_precision"] = float(precision_score(labels, flagged, zero_division=0))
    result["python_recall"] = float(recall_score(labels, flagged, zero_division=0))
    result["python_f1_point_adjusted"] = float(f1_score(labels, point_adjust(flagged, labels), zero_division=0))
    result["python_roc_auc"] = float(roc_auc_score(labels, scores)) if 0 < labels.sum() < len(labels) else None
    result["python_threshold"] = threshold
    result["python_train_seconds"] = seconds
    result["python_supervised_seconds"] = time.perf_counter() - stage_started
    result["python_xgboost_version"] = xgb.__version__


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stages", default="detector")
    parser.add_argument("--train", required=True)
    parser.add_argument("--evaluation", required=True)
    parser.add_argument("--evaluation-labels", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--contamination", default="auto")
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--production")
    parser.add_argument("--production-labels")
    parser.add_argument("--production-weights")
    parser.add_argument("--evaluation-features")
    args = parser.parse_args()
    result = {"python_sklearn_version": sklearn.__version__}
    stages = args.stages.split(",")
    if "detector" in stages:
        detector_stage(args, result)
    if "supervised" in stages:
        supervised_stage(args, result)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
