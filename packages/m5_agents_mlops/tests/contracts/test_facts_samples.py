"""The fact extractor on the project's sample contracts, against values read in the documents.

The extractor was not tuned to these texts: every phrasing they use is also covered, in other
words, by the unit tests in ``test_facts.py``. Each expected value below was read by hand in
``contracts/samples/<name>.md`` and names the clause that states it.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import m5_agents_mlops.contracts as contracts_package
from m5_agents_mlops.contracts.deadlines import FactMissing, notice_deadline
from m5_agents_mlops.contracts.facts import Duration, extract_facts
from m5_agents_mlops.contracts.parsed import Page, ParsedClause

SAMPLES = Path(contracts_package.__file__).parent / "samples"


def _tiny_split(text: str) -> list[ParsedClause]:
    """Fallback splitter: a line ``4.2 Heading`` or ``Schedule ...`` starts a clause."""
    starts = [m.start() for m in re.finditer(r"^(?:\d+(?:\.\d+)*\.?\s+\S|Schedule)", text, re.M)]
    bounds = [0, *starts, len(text)]
    clauses = []
    for start, end in itertools.pairwise(bounds):
        chunk = text[start:end].strip()
        if not chunk:
            continue
        head = re.match(r"^(\d+(?:\.\d+)*|Schedule \d+)\.?\s*-?\s*([^\n]*)", chunk)
        number, heading = (head.group(1), head.group(2).strip() or None) if head else (None, None)
        clauses.append(ParsedClause(len(clauses), number, heading, None, chunk))
    return clauses


def split(text: str) -> list[ParsedClause]:
    try:
        from m5_agents_mlops.contracts.clauses import split_clauses
    except ImportError:  # the real splitter is another part of the capstone
        return _tiny_split(text)
    return split_clauses([Page(None, text)])


EXPECTED = {
    "nda": {
        "parties": [("QUILLMOOR ANALYTICS LIMITED", "Quillmoor"), ("SORREL BAY ROBOTICS B.V.", "Sorrel Bay")],
        "effective_date": (date(2025, 2, 3), None),  # preamble: made on ... (the "Effective Date")
        "term": (Duration(value=2, unit="year"), "6.1"),
        "end_date": (date(2027, 2, 2), "6.1"),
        "auto_renewal": (None, None),
        "notice_period": (Duration(value=30, unit="day"), "6.2"),
        "payment": (Decimal(750), "GBP", None, 30, "11.2"),  # courier costs, per request
        "governing_law": ("England and Wales", "15.1"),
    },
    "saas": {
        "parties": [("Lumenfold Software, Inc.", "Provider"), ("Greywick Logistics LLC", "Customer")],
        "effective_date": (date(2025, 3, 1), None),
        "term": (Duration(value=24, unit="month"), "6.1"),
        "end_date": (date(2027, 2, 28), "6.1"),
        "auto_renewal": (Duration(value=12, unit="month"), "6.2"),
        "notice_period": (Duration(value=90, unit="day"), "6.2"),
        "payment": (Decimal(86400), "USD", "year", 30, "Schedule 1"),  # due days from 5.2
        "governing_law": ("the State of New York", "14.4"),
    },
    "lease": {
        "parties": [("MARLOWE WHARF ESTATES LIMITED", "Landlord"), ("PINECASTLE DESIGN STUDIO LIMITED", "Tenant")],
        "effective_date": (date(2025, 6, 24), "2.1"),  # the term begins on and including
        "term": (Duration(value=10, unit="year"), "2.1"),
        "end_date": (date(2035, 6, 23), "2.1"),
        "auto_renewal": (None, None),
        "notice_period": (Duration(value=6, unit="month"), "10.1"),  # the break notice
        "payment": (Decimal(48000), "GBP", "year", None, "4.1"),
        "governing_law": ("England and Wales", "13.1"),
    },
    "employment": {
        "parties": [("FERNHOLLOW HEALTH TECHNOLOGIES LIMITED", "Company"), ("AOIFE BRENNAN", "Employee")],
        "effective_date": (date(2025, 4, 7), "1.1"),  # the Start Date (signed 10 March 2025)
        "term": (None, None),  # employment until notice: no fixed term
        "end_date": (None, None),
        "auto_renewal": (None, None),
        "notice_period": (Duration(value=3, unit="month"), "10.1"),
        "payment": (Decimal(84000), "EUR", "year", None, "5.1"),
        "governing_law": ("Ireland", "17.1"),
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def extracted() -> dict:
    if not SAMPLES.is_dir():
        pytest.skip("contracts/samples/ not written yet")
    result = {}
    for name in EXPECTED:
        clauses = split((SAMPLES / f"{name}.md").read_text(encoding="utf-8"))
        facts, sources = extract_facts(clauses)
        numbers = {field: clauses[position].number for field, position in sources.items()}
        result[name] = (facts, numbers)
    return result


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_facts_match_the_document(name: str, extracted: dict) -> None:
    facts, numbers = extracted[name]
    want = EXPECTED[name]
    assert len(facts.parties) >= 2
    assert [(p.name, p.role) for p in facts.parties] == want["parties"]
    for field in ("effective_date", "term", "end_date", "auto_renewal", "notice_period",
                  "governing_law"):  # fmt: skip
        value, number = want[field]
        assert getattr(facts, field) == value, field
        if value is not None:
            assert numbers[field] == number, field
    amount, currency, period, due, number = want["payment"]
    terms = facts.payment_terms
    assert terms is not None
    assert (terms.amount, terms.currency, terms.period, terms.due_days) == (
        amount,
        currency,
        period,
        due,
    )
    assert numbers["payment_terms"] == number


def test_sample_deadlines(extracted: dict) -> None:
    saas, _ = extracted["saas"]
    deadline = notice_deadline(saas, today=date(2026, 6, 1))
    assert (deadline.term_end, deadline.last_day) == (date(2027, 2, 28), date(2026, 11, 30))
    # After that day the next chance is a year later: the first renewal ends on a leap day.
    later = notice_deadline(saas, today=date(2026, 12, 1))
    assert (later.term_end, later.last_day) == (date(2028, 2, 29), date(2027, 12, 1))
    nda, _ = extracted["nda"]
    assert notice_deadline(nda, today=date(2026, 1, 1)).last_day == date(2027, 1, 3)
    employment, _ = extracted["employment"]
    with pytest.raises(FactMissing) as missing:
        notice_deadline(employment, today=date(2026, 1, 1))
    assert "end_date" in missing.value.missing
