"""k-nearest-neighbours imputation peer for the imputation benchmark (bench/Microsoft.ML.Autoencoders.Benchmarks.MLNet impute).

Reads float32 little-endian matrices written by the benchmark (NaN marks a missing value), fits scikit-learn's KNNImputer on the
training rows, fills the test rows and writes them back as float32. Prints one JSON line with the seconds it took.
"""
import argparse
import json
import time

import numpy as np
from sklearn.impute import KNNImputer

parser = argparse.ArgumentParser()
parser.add_argument("--train", required=True)
parser.add_argument("--test", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--columns", type=int, required=True)
parser.add_argument("--neighbors", type=int, default=5)
args = parser.parse_args()

train = np.fromfile(args.train, dtype="<f4").reshape(-1, args.columns).astype(np.float64)
test = np.fromfile(args.test, dtype="<f4").reshape(-1, args.columns).astype(np.float64)
start = time.perf_counter()
imputer = KNNImputer(n_neighbors=args.neighbors, keep_empty_features=True)
imputer.fit(train)
filled = imputer.transform(test)
seconds = time.perf_counter() - start
filled.astype("<f4").tofile(args.out)
print(json.dumps({"seconds": seconds, "neighbors": args.neighbors}))
