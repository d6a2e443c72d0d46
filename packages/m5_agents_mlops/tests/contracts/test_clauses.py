"""Clause splitting on contract text in several numbering styles, against its false friends
(list items, dates, amounts, cross-references, page numbers, tables of contents)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from m5_agents_mlops.contracts.clauses import clause_chunks, split_clauses
from m5_agents_mlops.contracts.parsed import Page, ParsedClause
from m5_agents_mlops.contracts.uploads import parse

SAMPLES = Path(__file__).parents[2] / "src" / "m5_agents_mlops" / "contracts" / "samples"

NDA = """MUTUAL NON-DISCLOSURE AGREEMENT
This Agreement is dated 3 February 2025 and made between Acme Ltd of
10 Downing Street, London, and Beta B.V. of Rotterdam.
1. Definitions
1.1 Confidential Information
"Confidential Information" means all information disclosed by a Party.
1.2. "Affiliate" means any entity that controls a Party.
2. Obligations
The Recipient shall:
(a) keep the Confidential Information secret; and
(b) use it only for the Purpose.
2.1 Either party may terminate this Agreement by giving not less than
ninety (90) days' written notice to the other, as set out in clause
4.2 of the Master Agreement.
3. Term. This Agreement lasts two years from the Effective Date.
"""


def numbers(clauses: list[ParsedClause]) -> list[str | None]:
    return [clause.number for clause in clauses]


def split_text(text: str) -> list[ParsedClause]:
    return split_clauses([Page(None, text)])


def test_numbered_contract_with_title_preamble() -> None:
    clauses = split_text(NDA)
    assert numbers(clauses) == [None, "1", "1.1", "1.2", "2", "2.1", "3"]
    assert [clause.position for clause in clauses] == list(range(7))
    preamble, definitions, confidential, affiliate, obligations, termination, term = clauses
    assert preamble.heading == "MUTUAL NON-DISCLOSURE AGREEMENT"
    assert "10 Downing Street" in preamble.text  # an address, not clause 10
    assert (definitions.heading, confidential.heading) == (
        "Definitions",
        "Confidential Information",
    )
    assert affiliate.heading is None  # a definition sentence, no heading
    assert "(b) use it only" in obligations.text  # sub-items stay inside their clause
    assert termination.text.endswith("4.2 of the Master Agreement.")  # a wrapped cross-reference
    assert term.heading == "Term" and term.text.startswith("3. Term. This Agreement")
    assert all(clause.page is None for clause in clauses)


def test_keyword_styles_and_uppercase_headings() -> None:
    text = "\n".join(
        [
            "ARTICLE I - DEFINITIONS",
            "Section 1.1 Defined Terms",
            "Terms have the meanings below.",
            "ARTICLE II",
            "PAYMENT",
            "Section 2.1. Fees. The Customer shall pay the Fees.",
            "SECTION 3. TERM",
            "Clause 4",
            "The laws of England apply.",
            "Schedule 1 - Fees",
            "1. Subscription Fees",
            "EUR 100 per month.",
            "2. Expenses",
            "ANNEX A",
            "Exhibit B: Form of Notice",
            "Appendix 2 – Contacts",
        ]
    )
    clauses = split_text(text)
    got = [(clause.number, clause.heading) for clause in clauses]
    assert got == [
        ("I", "DEFINITIONS"),
        ("1.1", "Defined Terms"),
        ("II", "PAYMENT"),  # the heading on the line after a bare keyword
        ("2.1", "Fees"),
        ("3", "TERM"),
        ("4", None),  # the next line is a sentence, not a heading
        ("Schedule 1", "Fees"),
        ("1", "Subscription Fees"),  # a schedule restarts the numbering
        ("2", "Expenses"),
        ("Annex A", None),
        ("Exhibit B", "Form of Notice"),
        ("Appendix 2", "Contacts"),
    ]


# Each would be a plausible next number after "7.", so only the shape rules can stop them.
@pytest.mark.parametrize(
    "line",
    [
        "8. the Supplier shall deliver the Goods;",  # a list item inside a sentence
        "1. The Supplier shall repair the Goods at its cost.",  # a list restarting inside clause 7
        "8. January 2025 is the Renewal Date.",  # a date
        "7.5 million units are the minimum order.",  # an amount
        "7.5 Million",  # an amount, even capitalised
        "7.2(a) the Customer's premises;",  # a sub-item
        "8",  # a page number (the next line is a sentence, not a heading)
        "section 8 of the Act applies.",  # a reference, lower case
        "Schedule 3 sets out the service levels.",  # a reference to a schedule
        "8. Assignment ........................ 12",  # a table-of-contents line
    ],
)
def test_false_friends_stay_inside_their_clause(line: str) -> None:
    text = f"7. Warranty\nThe Supplier warrants the Goods.\n{line}\nThe warranty lasts one year."
    clauses = split_text(text)
    assert numbers(clauses) == ["7"]
    assert line in clauses[0].text


def test_a_line_that_continues_a_reference_is_not_a_clause() -> None:
    text = (
        "7. Warranty\nThe warranty is limited as defined in Section\n"
        "8.1 Definitions of the Master Agreement, and the Supplier is not liable.\n8. Fees\nPay."
    )
    assert numbers(split_text(text)) == ["7", "8"]


def test_sequence_rules() -> None:
    text = "\n".join(
        [
            "1. Scope",
            "1.1 Services",
            "1.1.1 Onboarding",
            "1.2 Exclusions",  # back up one level: fine
            "2. The Customer shall pay on time.",  # a bare sentence with exactly the next number
            "5. The Supplier shall invoice monthly.",  # a bare sentence that skips numbers: no
            "4. Liability",  # a heading may skip up to 3 (a garbled heading in between)
            "3. Fees",  # a jump back: no
            "9. Notices",  # too far: no
        ]
    )
    assert numbers(split_text(text)) == ["1", "1.1", "1.1.1", "1.2", "2", "4"]


def test_table_of_contents_is_folded_into_the_preamble() -> None:
    toc = "CONTENTS\n1. Definitions\n2. Services\n3. Fees\n"
    body = "1. Definitions\nWords mean things.\n2. Services\nWe serve.\n3. Fees\nYou pay.\n"
    clauses = split_text(toc + body)
    assert numbers(clauses) == [None, "1", "2", "3"]
    assert (
        clauses[0].text == toc.strip() and clauses[1].text == "1. Definitions\nWords mean things."
    )


def test_numbered_recitals_are_folded_into_the_preamble() -> None:
    text = (
        "SUPPLY AGREEMENT\nRECITALS\n1. The Supplier makes widgets for the European market.\n"
        "2. The Customer wishes to buy widgets on the terms of this Agreement.\n"
        "AGREED TERMS\n1. Definitions\nWords mean things.\n2. Supply\nThe Supplier supplies."
    )
    clauses = split_text(text)
    assert numbers(clauses) == [None, "1", "2"]
    assert "2. The Customer wishes" in clauses[0].text and clauses[1].heading == "Definitions"


def test_number_alone_on_its_line_takes_the_next_line_as_heading() -> None:
    clauses = split_text("1.\nDefinitions\nWords mean things.\n2.\nTerm\nTwo years.")
    assert [(c.number, c.heading) for c in clauses] == [("1", "Definitions"), ("2", "Term")]


def test_clause_keeps_the_page_where_it_starts() -> None:
    pages = [
        Page(1, "SERVICES AGREEMENT\nMade between A and B.\n1. Services\nThe Supplier shall"),
        Page(2, "provide the Services.\n- 2 -\n2. Fees\nThe Customer pays."),
        Page(3, "3. Term\nTwo years."),
    ]
    clauses = split_clauses(pages)
    assert [(c.number, c.page) for c in clauses] == [(None, 1), ("1", 1), ("2", 2), ("3", 3)]
    assert clauses[1].text == "1. Services\nThe Supplier shall\nprovide the Services.\n- 2 -"


def test_empty_and_clauseless_documents() -> None:
    assert split_clauses([]) == []
    assert split_clauses([Page(1, ""), Page(2, "  \n")]) == []
    (only,) = split_clauses([Page(None, "Thank you for your order.\nWe ship in 3 days.")])
    assert (only.position, only.number, only.heading) == (0, None, None)


WORDS = ["Supplier", "Customer", "shall", "pay", "notice", "Fees", "the", "within", "days"]
LINES = st.one_of(
    st.builds(
        lambda n, h: f"{n}. {h}", st.integers(1, 30), st.sampled_from(["Term", "FEES", "Law"])
    ),
    st.builds(lambda a, b: f"{a}.{b} Notice", st.integers(1, 12), st.integers(1, 9)),
    st.builds(" ".join, st.lists(st.sampled_from(WORDS), min_size=1, max_size=14)),
    st.sampled_from(["", "(a) the Supplier;", "Schedule 1", "ARTICLE IV", "2.5 million", "  "]),
    st.text(alphabet="ab .\t1(", max_size=12),
)


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(st.lists(LINES, max_size=15), max_size=4))
def test_split_never_loses_or_duplicates_a_line(pages_lines: list[list[str]]) -> None:
    pages = [Page(index + 1, "\n".join(lines)) for index, lines in enumerate(pages_lines)]
    clauses = split_clauses(pages)
    expected = [line.strip() for lines in pages_lines for line in lines if line.strip()]
    got = [line.strip() for clause in clauses for line in clause.text.split("\n") if line.strip()]
    assert got == expected  # every non-blank line, once, in order
    assert [clause.position for clause in clauses] == list(range(len(clauses)))
    assert all(clause.text.strip() for clause in clauses)
    clause_pages = [clause.page for clause in clauses]
    assert clause_pages == sorted(clause_pages)  # type: ignore[type-var]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=12), st.integers(1, 3))
def test_well_formed_numbering_is_found_in_full(children: list[int], body_lines: int) -> None:
    lines, expected = ["SUPPLY AGREEMENT", "Made between the parties."], []
    for top, count in enumerate(children, start=1):
        lines += [f"{top}. Heading Number {top}"] + [
            "The Supplier shall act in good faith."
        ] * body_lines
        expected.append(str(top))
        for child in range(1, count + 1):
            lines.append(f"{top}.{child} The Customer shall pay within 30 days.")
            expected.append(f"{top}.{child}")
    assert numbers(split_text("\n".join(lines))) == [None, *expected]


def test_clause_chunks_overlap_and_carry_the_label() -> None:
    sentences = [f"Sentence {index} says the Supplier shall act with care." for index in range(60)]
    clause = ParsedClause(
        3, "4.2", "Notice of Termination", 2, "4.2 Notice of Termination\n" + " ".join(sentences)
    )
    chunks = clause_chunks(clause, max_chars=400, overlap=80)
    assert len(chunks) > 5
    assert all(
        len(chunk) <= 400 and chunk.startswith("§4.2 Notice of Termination\n") for chunk in chunks
    )
    assert "4.2 Notice of Termination\n4.2" not in chunks[0]  # the heading line is not repeated
    bodies = [chunk.split("\n", 1)[1] for chunk in chunks]
    for sentence in sentences:  # every sentence is whole in some chunk
        assert any(sentence in body for body in bodies)
    for left, right in itertools.pairwise(bodies):
        assert right.split()[0] in left  # consecutive chunks overlap


def test_short_clause_is_one_chunk_and_bad_sizes_are_refused() -> None:
    clause = ParsedClause(0, None, "NDA", 1, "NDA\nMade between A and B.")
    assert clause_chunks(clause) == ["NDA\nMade between A and B."]
    assert clause_chunks(ParsedClause(1, "5", "Term", None, "5. Term")) == ["§5 Term"]
    with pytest.raises(ValueError, match="max_chars"):
        clause_chunks(clause, max_chars=50)


def _expected_numbers(markdown: str) -> list[str]:
    """Clause numbers as the sample's author wrote them: "N." / "N.M" lines and schedules."""
    found = []
    for line in markdown.splitlines():
        line = line.lstrip("#").strip()
        if match := re.match(r"(\d+(?:\.\d+)*)\.?\s+\S", line) or re.match(r"(Schedule \d+)", line):
            found.append(match.group(1))
    return found


@pytest.mark.parametrize("name", sorted(path.stem for path in SAMPLES.glob("*.md")))
def test_sample_contracts_split_the_same_in_pdf_and_docx(name: str) -> None:
    expected = _expected_numbers((SAMPLES / f"{name}.md").read_text(encoding="utf-8"))
    top = [number for number in expected if number.isdigit()]
    assert len(top) >= 5 and top == [
        str(i) for i in range(1, len(top) + 1)
    ]  # "1." ... "N." in order
    split = {}
    for kind in ("pdf", "docx"):
        parsed_kind, pages = parse((SAMPLES / f"{name}.{kind}").read_bytes())
        assert parsed_kind == kind
        split[kind] = split_clauses(pages)
        assert [c.number for c in split[kind] if c.number] == expected
    assert [c.heading for c in split["pdf"]] == [c.heading for c in split["docx"]]
    assert [c.page for c in split["pdf"]] == sorted(c.page for c in split["pdf"])
