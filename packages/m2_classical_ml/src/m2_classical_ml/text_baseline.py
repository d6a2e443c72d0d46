"""The classical text classifier every neural model must beat: TF-IDF features + logistic regression.

A review becomes a long, sparse vector with one entry per word (and word pair) of the vocabulary:

    tf-idf(t, d) = tf(t, d) · idf(t),    idf(t) = ln((1 + n) / (1 + df(t))) + 1

``tf`` counts how often term t appears in document d; ``idf`` down-weights terms that appear in
many of the n documents ("the", "and") and up-weights rare, telling ones ("stale", "delicious").
Each row is then scaled to unit length so long reviews do not dominate. A linear model on these
vectors learns one weight per term: positive words push towards "great", negative ones away.

``tfidf_from_scratch`` spells the formula out in NumPy; ``fit_text_baseline`` is the library
version (scikit-learn's ``TfidfVectorizer``) that the tests check against it.

The one setting that matters, the regularisation strength ``C``, is chosen by stratified 5-fold
cross-validation on the training texts only (``choose_C``): the whole pipeline, vocabulary
included, is refitted inside every fold, so no fold's validation reviews shape its features.

>>> from roadmap_data import load_amazon_reviews
>>> train, test = load_amazon_reviews()
>>> model = fit_text_baseline(train.review, train.score)  # doctest: +SKIP
>>> model.c_search_.C, model.score(test.review, test.score)  # doctest: +SKIP
(10.0, 0.809)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from threadpoolctl import threadpool_limits

from m2_classical_ml.errors import InvalidInputError

C_GRID = (1.0, 3.0, 10.0, 30.0)
"""Inverse regularisation strengths to try: a factor of about 3 apart, from strong to weak."""


@dataclass(frozen=True)
class CSearch:
    """What cross-validation found: the chosen ``C`` and the mean fold accuracy of every ``C``."""

    C: float
    cv_accuracy: float
    folds: int
    accuracy_by_C: dict[float, float]


def text_pipeline(
    ngram_range: tuple[int, int] = (1, 2), min_df: int = 2, C: float = 1.0
) -> Pipeline:
    """TF-IDF (words and word pairs seen in ≥ ``min_df`` texts) → logistic regression, unfitted.

    ``C`` is the inverse regularisation strength: TF-IDF vectors are sparse and high-dimensional
    (≈ 19k columns for 4000 reviews), so the weights need some restraint, but not too much.
    """
    return make_pipeline(
        TfidfVectorizer(ngram_range=ngram_range, min_df=min_df, sublinear_tf=True),
        LogisticRegression(C=C, max_iter=2000),
    )


def choose_C(
    pipeline: Pipeline,
    texts: list[str],
    labels: list,
    grid: Sequence[float] = C_GRID,
    folds: int = 5,
    seed: int = 0,
) -> tuple[Pipeline, CSearch]:
    """Stratified k-fold CV of ``pipeline`` for every ``C`` in ``grid``; the best refitted on all.

    Ties go to the first (the most regularised) ``C`` of the grid.
    """
    smallest = min(Counter(labels).values())
    if smallest < folds:
        raise InvalidInputError(
            f"choosing C by {folds}-fold CV needs {folds} texts of each label, but one label has "
            f"{smallest}: give more texts, fewer folds, or a fixed C"
        )
    search = GridSearchCV(
        pipeline,
        {"logisticregression__C": list(grid)},
        scoring="accuracy",
        cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
    ).fit(texts, labels)
    means = search.cv_results_["mean_test_score"]
    found = CSearch(
        C=float(search.best_params_["logisticregression__C"]),
        cv_accuracy=float(search.best_score_),
        folds=folds,
        accuracy_by_C={float(c): float(m) for c, m in zip(grid, means, strict=True)},
    )
    return search.best_estimator_, found


def fit_text_baseline(
    texts: Sequence[str],
    labels: Sequence,
    ngram_range: tuple[int, int] = (1, 2),
    min_df: int = 2,
    C: float | None = None,
    C_grid: Sequence[float] = C_GRID,
    folds: int = 5,
    seed: int = 0,
) -> Pipeline:
    """Fit the TF-IDF → logistic regression pipeline on ``texts``; returns it fitted.

    ``C=None`` (the default) chooses C from ``C_grid`` by stratified ``folds``-fold CV on these
    texts (see ``choose_C``), and records what it found in ``model.c_search_`` (a ``CSearch``);
    a number skips the search (``c_search_`` is then None). The vocabulary and idf weights are
    learned from ``texts`` only: fitting them on test reviews too would leak the test set.
    """
    texts, labels = list(texts), list(labels)
    # One BLAS thread: each L-BFGS step is a small sparse product, and threads that wait on each
    # other (on a busy 2-core machine) made a fit 25x slower (7.8 s instead of 0.3 s).
    with threadpool_limits(1):
        if C is not None:
            model = text_pipeline(ngram_range, min_df, C).fit(texts, labels)
            model.c_search_ = None
            return model
        model, found = choose_C(
            text_pipeline(ngram_range, min_df), texts, labels, C_grid, folds, seed
        )
    model.c_search_ = found
    return model


def tfidf_from_scratch(docs: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> np.ndarray:
    """TF-IDF of tokenised ``docs`` over ``vocabulary``, as scikit-learn's defaults compute it.

    Returns a dense (n_docs, n_terms) matrix whose rows have unit L2 norm (smooth idf, raw counts).
    """
    index = {term: j for j, term in enumerate(vocabulary)}
    counts = np.zeros((len(docs), len(vocabulary)))  # (n_docs, n_terms): tf
    for i, doc in enumerate(docs):
        for token in doc:
            if token in index:
                counts[i, index[token]] += 1
    df = (counts > 0).sum(axis=0)  # documents containing each term
    idf = (
        np.log((1 + len(docs)) / (1 + df)) + 1
    )  # "+1" smoothing: as if one extra doc had every term
    tfidf = counts * idf
    norms = np.linalg.norm(tfidf, axis=1, keepdims=True)
    return tfidf / np.where(norms == 0, 1, norms)
