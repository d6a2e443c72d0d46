"""compare_contracts: same, changed, added and removed clauses, whatever the numbering."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from m5_agents_mlops.contracts.compare import (
    compare_contracts,
    diff_summary,
    heading_tokens,
    similarity_matrix,
)
from m5_agents_mlops.contracts.parsed import ParsedClause

BASE = [
    ("Definitions", '"Services" means the hosted software described in Schedule 1.'),
    ("Term", "This Agreement continues for an initial term of twelve (12) months."),
    ("Fees", "The Customer shall pay USD 1,200 per month within thirty (30) days of invoice."),
    ("Termination", "Either party may terminate on ninety (90) days' written notice."),
    ("Confidentiality", "Each party keeps the other's confidential information secret."),
    ("Governing Law", "This Agreement is governed by the laws of the State of New York."),
]


def doc(sections: list[tuple[str | None, str]]) -> list[ParsedClause]:
    """Numbered clauses ``N. Heading`` (or ``N.`` alone for a clause without heading)."""
    clauses = []
    for i, (heading, body) in enumerate(sections):
        number = str(i + 1)
        text = f"{number}. {heading}\n{body}" if heading else f"{number}. {body}"
        clauses.append(ParsedClause(i, number, heading, None, text))
    return clauses


def statuses(rows: list) -> list[tuple[str, str | None, str | None]]:
    def head(c: ParsedClause | None) -> str | None:
        return None if c is None else c.heading or c.text[:12]

    return [(r.status, head(r.left), head(r.right)) for r in rows]


def test_identical_documents_are_all_same() -> None:
    rows = compare_contracts(doc(BASE), doc(BASE))
    assert [r.status for r in rows] == ["same"] * len(BASE)
    assert all(r.left is not None and r.left == r.right for r in rows)
    assert all(r.similarity > 0.99 for r in rows)


def test_renumbered_clauses_still_match_and_an_added_clause_sits_after_its_predecessor() -> None:
    added = ("Service Levels", "The Service is available 99.9% of each calendar month.")
    right = doc([*BASE[:2], added, *BASE[2:]])  # every later clause is renumbered
    rows = compare_contracts(doc(BASE), right)
    assert statuses(rows) == [
        ("same", "Definitions", "Definitions"),
        ("same", "Term", "Term"),
        ("only_right", None, "Service Levels"),
        ("same", "Fees", "Fees"),
        ("same", "Termination", "Termination"),
        ("same", "Confidentiality", "Confidentiality"),
        ("same", "Governing Law", "Governing Law"),
    ]
    assert rows[3].left.number == "3" and rows[3].right.number == "4"


def test_a_changed_clause_is_detected_with_a_summary() -> None:
    changed = list(BASE)
    changed[3] = ("Termination", "Either party may terminate on sixty (60) days' written notice.")
    rows = compare_contracts(doc(BASE), doc(changed))
    assert [r.status for r in rows] == ["same", "same", "same", "changed", "same", "same"]
    assert "ninety (90)" in rows[3].summary and "sixty (60)" in rows[3].summary
    assert 0.5 < rows[3].similarity < 1.0


def test_removed_and_added_clauses() -> None:
    right = [s for s in BASE if s[0] != "Confidentiality"]
    right.insert(0, ("Interpretation", "Headings do not affect interpretation."))
    rows = compare_contracts(doc(BASE), doc(right))
    assert statuses(rows) == [
        ("only_right", None, "Interpretation"),
        ("same", "Definitions", "Definitions"),
        ("same", "Term", "Term"),
        ("same", "Fees", "Fees"),
        ("same", "Termination", "Termination"),
        ("only_left", "Confidentiality", None),
        ("same", "Governing Law", "Governing Law"),
    ]
    assert rows[0].similarity == 0.0 and rows[5].right is None


def test_moved_clause_is_matched_by_heading_not_position() -> None:
    right = [BASE[5], *BASE[:5]]
    rows = compare_contracts(doc(BASE), doc(right))
    assert [r.status for r in rows] == ["same"] * 6
    assert [r.left.heading for r in rows] == [h for h, _ in BASE]  # left document's order


def test_clauses_without_headings_are_matched_by_text() -> None:
    left = doc([(None, b) for _, b in BASE])
    edited = [(None, b) for _, b in BASE]
    edited[1] = (None, "This Agreement continues for an initial term of twenty-four (24) months.")
    rows = compare_contracts(left, doc(edited))
    assert [r.status for r in rows] == ["same", "changed", "same", "same", "same", "same"]


def test_embeddings_match_what_words_do_not() -> None:
    left = doc([(None, "The Customer pays within thirty days."), *[(None, b) for _, b in BASE[4:]]])
    right = doc([(None, "Invoices are due one month after issue."), *[(None, b) for _, b in BASE[4:]]])  # fmt: skip
    # Unmatched, the added clause has no matched predecessor, so it opens the table.
    assert [r.status for r in compare_contracts(left, right)][:2] == ["only_right", "only_left"]

    def embed(texts: list[str]) -> np.ndarray:
        # A stand-in for a sentence embedder: payment sentences share one direction.
        vectors = np.zeros((len(texts), 3))
        for i, text in enumerate(texts):
            paying = any(w in text for w in ("pays", "due"))
            vectors[i, 0 if paying else 1 + len(text) % 2] = 1.0
        return vectors

    rows = compare_contracts(left, right, embed=embed)
    assert rows[0].status == "changed" and rows[0].similarity > 0.99


def test_similarities_and_helpers() -> None:
    scores = similarity_matrix(doc(BASE), doc(BASE[::-1]))
    assert scores.shape == (6, 6) and np.all((scores >= 0) & (scores <= 1))
    assert np.allclose(np.diag(scores[:, ::-1]), 1.0)
    assert heading_tokens("4.2 Fees and Payments") == {"fee", "payment"}
    assert diff_summary("a b c", "a x c") == '"b" → "x"'
    assert diff_summary("a b", "a b c") == 'added "c"'
    assert compare_contracts([], []) == []
    assert [r.status for r in compare_contracts(doc(BASE[:1]), [])] == ["only_left"]


headings = st.sampled_from(["Term", "Fees", "Notices", "Liability", "Law", None])
bodies = st.text(alphabet="abcdefgh ", min_size=1, max_size=40).filter(str.strip)
documents = st.lists(st.tuples(headings, bodies), max_size=8)


@settings(max_examples=60, deadline=None)
@given(documents)
def test_a_document_compared_with_itself_is_all_same(sections: list) -> None:
    rows = compare_contracts(doc(sections), doc(sections))
    assert [r.status for r in rows] == ["same"] * len(sections)


@settings(max_examples=60, deadline=None)
@given(documents, documents)
def test_every_clause_appears_once_in_order(left_sections: list, right_sections: list) -> None:
    left, right = doc(left_sections), doc(right_sections)
    rows = compare_contracts(left, right)
    assert [r.left for r in rows if r.left is not None] == left
    assert sorted(r.right.position for r in rows if r.right is not None) == list(range(len(right)))
    # An added clause comes after the row holding its nearest matched predecessor.
    seen_right = [r.right.position for r in rows if r.right is not None]
    matched = {r.right.position for r in rows if r.left is not None and r.right is not None}
    for j in (r.right.position for r in rows if r.status == "only_right"):
        earlier = [k for k in range(j) if k in matched]
        if earlier:
            assert seen_right.index(j) > seen_right.index(earlier[-1])
