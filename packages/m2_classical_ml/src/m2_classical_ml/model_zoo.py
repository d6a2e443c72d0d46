"""The models of month 2, each built the way a practitioner would configure it first.

Classifiers (Titanic) and regressors (Ames) from the simplest to the strongest:

- Logistic / Ridge / Lasso regression: a weighted sum of the features (squashed by a sigmoid for
  classification). Needs scaled inputs; Ridge (L2) shrinks all weights, Lasso (L1) zeroes some.
- Decision tree: a sequence of yes/no questions chosen by information gain (see decision_tree.py);
  depth-limited, else it memorises the training set.
- KNN: the majority label of the k nearest passengers (see neighbors.py); needs scaling.
- Random forest: many deep trees, each on a bootstrap sample and random feature subsets, averaged:
  averaging uncorrelated errors cuts the variance of a single tree.
- Gradient boosting (XGBoost, LightGBM): shallow trees added one at a time, each fitted to the
  errors (gradients of the loss) of the sum so far; a small learning rate and many trees.
  XGBoost grows trees level by level, LightGBM leaf by leaf with histogram-binned features.

Every estimator is seeded and limited to ``n_jobs`` threads (default 1: on a busy 2-core machine, OpenMP
threads of boosting libraries that wait on each other are slower than one thread).
"""

from __future__ import annotations

from typing import Literal, get_args

from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.base import BaseEstimator
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier
from xgboost import XGBClassifier, XGBRegressor

Classifier = Literal["logistic", "tree", "knn", "random_forest", "xgboost", "lightgbm"]
Regressor = Literal["ridge", "lasso", "random_forest", "xgboost", "lightgbm"]
CLASSIFIERS: tuple[Classifier, ...] = get_args(Classifier)
REGRESSORS: tuple[Regressor, ...] = get_args(Regressor)
# Models whose inputs must be standardised (distances or penalised weights); trees do not care.
NEEDS_SCALING = {"logistic", "knn", "ridge", "lasso"}


def classifier(name: str, n_estimators: int = 300, seed: int = 0, n_jobs: int = 1) -> BaseEstimator:
    """A Titanic classifier by name (one of :data:`CLASSIFIERS`)."""
    builders = {
        "logistic": lambda: LogisticRegression(C=1.0, max_iter=1000),
        "tree": lambda: DecisionTreeClassifier(max_depth=4, random_state=seed),
        "knn": lambda: KNeighborsClassifier(n_neighbors=15),
        "random_forest": lambda: RandomForestClassifier(
            n_estimators, max_depth=5, random_state=seed, n_jobs=n_jobs
        ),
        "xgboost": lambda: XGBClassifier(
            n_estimators=n_estimators,
            learning_rate=0.03,
            max_depth=3,
            subsample=0.8,
            random_state=seed,
            n_jobs=n_jobs,
        ),
        "lightgbm": lambda: LGBMClassifier(
            n_estimators=n_estimators,
            learning_rate=0.03,
            num_leaves=8,
            min_child_samples=10,
            subsample=0.8,
            subsample_freq=1,
            random_state=seed,
            n_jobs=n_jobs,
            verbose=-1,
        ),
    }
    return builders[name]()


def regressor(name: str, n_estimators: int = 1000, seed: int = 0, n_jobs: int = 1) -> BaseEstimator:
    """An Ames (log price) regressor by name (one of :data:`REGRESSORS`)."""
    builders = {
        "ridge": lambda: Ridge(alpha=10.0),
        "lasso": lambda: Lasso(alpha=0.0005, max_iter=20_000),
        "random_forest": lambda: RandomForestRegressor(
            n_estimators=max(n_estimators // 4, 10),
            max_features=0.33,
            min_samples_leaf=2,
            random_state=seed,
            n_jobs=n_jobs,
        ),
        "xgboost": lambda: XGBRegressor(
            n_estimators=n_estimators,
            learning_rate=0.03,
            max_depth=4,
            subsample=0.8,
            colsample_bytree=0.5,
            random_state=seed,
            n_jobs=n_jobs,
        ),
        "lightgbm": lambda: LGBMRegressor(
            n_estimators=n_estimators,
            learning_rate=0.03,
            num_leaves=15,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.5,
            random_state=seed,
            n_jobs=n_jobs,
            verbose=-1,
        ),
    }
    return builders[name]()
