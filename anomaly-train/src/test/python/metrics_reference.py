#!/usr/bin/python3
"""scikit-learn's metrics for the rows of a CSV file (score,label,flagged), printed as one JSON object."""
import json
import sys

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score

data = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
scores, labels, flagged = data[:, 0], data[:, 1].astype(int), data[:, 2].astype(int)
print(json.dumps({
    "roc_auc": roc_auc_score(labels, scores),
    "average_precision": average_precision_score(labels, scores),
    "f1": f1_score(labels, flagged, zero_division=0),
    "precision": precision_score(labels, flagged, zero_division=0),
    "recall": recall_score(labels, flagged, zero_division=0),
}))
