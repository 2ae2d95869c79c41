"""The scikit-learn peers of the tabular quality benchmark (bench/Microsoft.ML.Autoencoders.Benchmarks/TabularQualityBenchmark.cs).

Usage: python3 sklearn_detectors.py MANIFEST.json
The manifest is a list of jobs {"train": CSV, "test": CSV, "scores": CSV, "seed": int, "components": int}; the train and test files hold
rows already standardised on the training rows, without a header. For each job, every detector is fitted on the training rows with
scikit-learn's defaults and scores the test rows (higher is more anomalous), and the scores file gets one column per detector:
  iforest  IsolationForest(random_state=seed), -score_samples
  ocsvm    OneClassSVM() (RBF kernel, gamma='scale', nu=0.5), -decision_function
  lof      LocalOutlierFactor(novelty=True) (20 neighbours), -score_samples
  pca      PCA(n_components=components), the squared reconstruction error
Prints one line per job to stderr.
"""
import json
import sys

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.svm import OneClassSVM


def scores(train, test, seed, components):
    iforest = IsolationForest(random_state=seed).fit(train)
    ocsvm = OneClassSVM().fit(train)
    lof = LocalOutlierFactor(novelty=True).fit(train)
    pca = PCA(n_components=components, random_state=seed).fit(train)
    rebuilt = pca.inverse_transform(pca.transform(test))
    return {
        "iforest": -iforest.score_samples(test),
        "ocsvm": -ocsvm.decision_function(test),
        "lof": -lof.score_samples(test),
        "pca": ((test - rebuilt) ** 2).sum(axis=1),
    }


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        train = np.loadtxt(job["train"], delimiter=",", ndmin=2)
        test = np.loadtxt(job["test"], delimiter=",", ndmin=2)
        result = scores(train, test, job["seed"], job["components"])
        names = list(result)
        np.savetxt(job["scores"], np.column_stack([result[n] for n in names]), delimiter=",", header=",".join(names), comments="", fmt="%.9g")
        print(f"scikit-learn: {job['scores']}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
