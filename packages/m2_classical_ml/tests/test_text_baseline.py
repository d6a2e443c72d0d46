"""Month 2's text baseline: TF-IDF by hand equals scikit-learn's, C chosen by CV, ≈ 0.81 on real reviews."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_score

from m2_classical_ml.errors import InvalidInputError
from m2_classical_ml.text_baseline import fit_text_baseline, text_pipeline, tfidf_from_scratch
from roadmap_data import load_amazon_reviews


def test_tfidf_from_scratch_matches_scikit_learn() -> None:
    docs = ["good tea good price", "bad tea", "stale bad bad coffee", "price ok"]
    vectorizer = TfidfVectorizer()  # smooth idf, raw counts, L2-normalised rows: the defaults
    expected = vectorizer.fit_transform(docs).toarray()
    tokens = [doc.split() for doc in docs]
    ours = tfidf_from_scratch(tokens, vectorizer.get_feature_names_out().tolist())
    np.testing.assert_allclose(ours, expected, atol=1e-12)


def test_rare_terms_weigh_more_than_common_ones() -> None:
    vocabulary = ["tea", "stale"]
    weights = tfidf_from_scratch([["tea", "stale"], ["tea"], ["tea"]], vocabulary)
    assert weights[0, 1] > weights[0, 0]  # "stale" is in 1 of 3 reviews, "tea" in all
    np.testing.assert_allclose(np.linalg.norm(weights, axis=1), 1.0)


def test_cross_validation_chooses_C_from_the_grid() -> None:
    """On 800 real reviews: a C so small that the model can only say "great" loses the search,
    and the chosen C's score is what an independent 3-fold CV of the whole pipeline gives."""
    train, _ = load_amazon_reviews()
    texts, labels = train.review[:800].tolist(), train.score[:800].tolist()
    grid = (0.001, 1.0, 10.0)
    model = fit_text_baseline(texts, labels, ngram_range=(1, 1), C_grid=grid, folds=3)
    found = model.c_search_
    assert found.C in (1.0, 10.0) and model[-1].C == found.C and found.folds == 3
    assert set(found.accuracy_by_C) == set(grid)
    majority = labels.count("great") / len(labels)  # all the 0.001 model can do: the intercept
    assert found.accuracy_by_C[0.001] == pytest.approx(majority, abs=0.005)
    assert found.cv_accuracy > majority + 0.05
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    independent = cross_val_score(text_pipeline((1, 1), C=found.C), texts, labels, cv=folds)
    assert found.cv_accuracy == pytest.approx(independent.mean(), abs=1e-12)
    # refitted on all 800 reviews: the vocabulary is that of every training text
    vocabulary = TfidfVectorizer(min_df=2).fit(texts).vocabulary_
    assert model[0].vocabulary_ == vocabulary


def test_a_fixed_C_skips_the_search() -> None:
    texts = ["good tea", "bad tea", "good price", "bad coffee"] * 3
    labels = ["great", "other", "great", "other"] * 3
    model = fit_text_baseline(texts, labels, C=3.0)
    assert model.c_search_ is None and model[-1].C == 3.0
    assert model.predict(["good", "bad"]).tolist() == ["great", "other"]
    # 6 texts of each label cannot make 10 stratified folds: a clear error, not a traceback
    with pytest.raises(
        InvalidInputError, match="needs 10 texts of each label, but one label has 6"
    ):
        fit_text_baseline(texts, labels, folds=10)


@pytest.mark.slow
def test_baseline_on_amazon_reviews() -> None:
    """4000 training reviews, 1000 test, with the C that 5-fold CV picks on the training reviews
    (C = 10 of 1, 3, 10, 30; ``uv run scripts/bench_m2.py`` runs and records that search)."""
    train, test = load_amazon_reviews()
    model = fit_text_baseline(train.review, train.score, C=10.0)
    accuracy = model.score(test.review, test.score)
    majority = (test.score == "great").mean()
    assert majority == pytest.approx(0.658)  # always saying "great": 658 of the 1000
    assert accuracy == pytest.approx(0.809, abs=0.005)
    assert list(model.classes_) == ["great", "other"]
