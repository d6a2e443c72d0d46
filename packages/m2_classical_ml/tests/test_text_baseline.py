"""Month 2's text baseline: TF-IDF by hand equals scikit-learn's, and it scores ≈ 0.8 on real reviews."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from m2_classical_ml.text_baseline import fit_text_baseline, tfidf_from_scratch
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


@pytest.mark.slow
def test_baseline_on_amazon_reviews() -> None:
    """4000 training reviews, 1000 test: well above always saying "great" (0.658)."""
    train, test = load_amazon_reviews()
    model = fit_text_baseline(train.review, train.score)
    accuracy = model.score(test.review, test.score)
    majority = (test.score == "great").mean()
    assert accuracy == pytest.approx(0.806, abs=0.02)
    assert accuracy > majority + 0.1
    assert list(model.classes_) == ["great", "other"]
