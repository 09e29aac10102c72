"""Trains reference models with the Python XGBoost package and predicts rows given by the Java test.

Usage: train_reference_models.py TRAIN.csv LABELS.csv EVAL.csv OUT_DIR

TRAIN.csv and EVAL.csv hold 38 numeric columns (empty field = missing); the script adds two categorical
columns derived deterministically from the first two features for the categorical model. For every model it
writes OUT_DIR/<name>.json, OUT_DIR/<name>.ubj and OUT_DIR/<name>.pred.csv (one prediction per eval row,
as xgboost's Booster.predict returns it, 9 significant digits or more).
"""
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

train_path, labels_path, eval_path, out_dir = sys.argv[1:5]
X = pd.read_csv(train_path, header=None, dtype=np.float32).to_numpy()
y = np.loadtxt(labels_path)
E = pd.read_csv(eval_path, header=None, dtype=np.float32).to_numpy()


def with_categories(matrix):
    frame = pd.DataFrame(matrix[:, :38])
    frame.columns = [f"f{i}" for i in range(38)]
    codes_a = np.where(np.isnan(matrix[:, 38]), np.nan, matrix[:, 38])
    codes_b = np.where(np.isnan(matrix[:, 39]), np.nan, matrix[:, 39])
    frame["cat_a"] = pd.Categorical(codes_a, categories=list(range(10)))
    frame["cat_b"] = pd.Categorical(codes_b, categories=list(range(6)))
    return frame


def save(name, booster, dmatrix):
    booster.save_model(f"{out_dir}/{name}.json")
    booster.save_model(f"{out_dir}/{name}.ubj")
    pred = booster.predict(dmatrix)
    if pred.ndim == 2:
        pred = pred[:, -1]
    np.savetxt(f"{out_dir}/{name}.pred.csv", pred.astype(np.float64), fmt="%.17g")


base = {"max_depth": 6, "eta": 0.3, "tree_method": "hist", "nthread": 1, "seed": 3}
dtrain = xgb.DMatrix(X, label=y, missing=np.nan)
deval = xgb.DMatrix(E[:, :38], missing=np.nan)
logistic = xgb.train({**base, "objective": "binary:logistic"}, dtrain, 100)
save("py-binary-logistic", logistic, deval)
# Saabas attributions (approx_contribs) of the first 500 eval rows: one line per row, features then bias.
contribs = logistic.predict(xgb.DMatrix(E[:500, :38], missing=np.nan), pred_contribs=True, approx_contribs=True)
np.savetxt(f"{out_dir}/py-binary-logistic.contribs.csv", contribs.astype(np.float64), fmt="%.9g", delimiter=",")
save("py-regression-exact", xgb.train({**base, "objective": "reg:squarederror", "tree_method": "exact",
                                       "max_depth": 4}, dtrain, 40), deval)
save("py-dart", xgb.train({**base, "objective": "binary:logistic", "booster": "dart", "rate_drop": 0.3,
                           "skip_drop": 0.0}, dtrain, 30), deval)

# Categorical splits need the categorical columns, built the same way for training and evaluation.
rng = np.random.RandomState(5)
cat_train = np.column_stack([X, rng.randint(0, 10, len(X)).astype(np.float32),
                             rng.randint(0, 6, len(X)).astype(np.float32)])
# Make the categories matter: flip labels for some category values.
y_cat = np.where(np.isin(cat_train[:, 38], [2, 5, 7]), 1 - y, y)
dcat_train = xgb.DMatrix(with_categories(cat_train), label=y_cat, enable_categorical=True)
dcat_eval = xgb.DMatrix(with_categories(E), enable_categorical=True)
save("py-categorical", xgb.train({**base, "objective": "binary:logistic", "max_cat_to_onehot": 1},
                                 dcat_train, 50), dcat_eval)
