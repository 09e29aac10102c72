#!/usr/bin/python3
"""Reference XGBoost training with Debian's python3-xgboost, for the parity test of XgboostTrainer.

Trains xgboost.train with the parameters given as JSON on --train (headerless CSV of features), --labels and
--weights (one value a line), scores --score and writes one probability a line to --out. Prints one JSON object:
ROC-AUC on --score-labels, training seconds and the xgboost version.
"""
import argparse
import json
import time

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--score", required=True)
    parser.add_argument("--score-labels", required=True)
    parser.add_argument("--params", required=True)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    x = np.loadtxt(args.train, delimiter=",", dtype=np.float32, ndmin=2)
    y = np.loadtxt(args.labels, dtype=np.float32)
    w = np.loadtxt(args.weights, dtype=np.float32)
    xs = np.loadtxt(args.score, delimiter=",", dtype=np.float32, ndmin=2)
    ys = np.loadtxt(args.score_labels, dtype=np.int32)
    params = json.loads(args.params)
    started = time.perf_counter()
    booster = xgb.train(params, xgb.DMatrix(x, label=y, weight=w), num_boost_round=args.rounds)
    seconds = time.perf_counter() - started
    p = booster.predict(xgb.DMatrix(xs))
    np.savetxt(args.out, p, fmt="%.9g")
    print(json.dumps({"roc_auc": float(roc_auc_score(ys, p)), "train_seconds": seconds,
                      "xgboost_version": xgb.__version__}))


if __name__ == "__main__":
    main()
