"""extract_facts: dates, term, renewal and notice in many phrasings; None when absent; sources."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# Loaded by conftest.py before this module (this folder is not a package).
from m5_contracts_tests_facts_support import OTHER, contract, facts_of  # type: ignore[import-not-found]

from m5_agents_mlops.contracts.facts import (
    ContractFacts,
    Duration,
    extract_facts,
)
from m5_agents_mlops.contracts.parsed import ParsedClause


@pytest.mark.parametrize(
    "parts",
    [
        ['This Agreement is made on 1 March 2026 (the "Effective Date") between A and B.'],
        ["This Agreement is entered into as of March 1, 2026 by and between A and B."],
        ["THIS AGREEMENT is made the 1st day of March, 2026 BETWEEN A and B."],
        ["Draft v3", ("Definitions", '"Effective Date" means 2026-03-01.')],
        ["Dated 14 Feb 2026.", ("Commencement", "The Services shall commence on 1 March 2026.")],
        ["This Agreement takes effect on 1 March 2026."],
        ["Dated 1 January 2026.\nEffective Date: 1 March 2026\nBetween A and B."],
    ],
)
def test_effective_date_phrasings(parts: list) -> None:
    assert facts_of(*parts, OTHER).effective_date == date(2026, 3, 1)


def test_a_heading_that_carries_the_fact() -> None:
    clauses = [
        ParsedClause(0, None, None, None, "THIS AGREEMENT is dated 12 May 2026"),
        ParsedClause(1, "1.1", "Commencement Date: 1 June 2026", None, "1.1 Commencement Date: 1 June 2026"),
    ]  # fmt: skip
    facts, sources = extract_facts(clauses)
    assert (facts.effective_date, sources["effective_date"]) == (date(2026, 6, 1), 1)


def test_commencement_outside_a_term_clause_is_not_the_effective_date() -> None:
    facts = facts_of(
        "This Lease is dated 2 January 2026.",
        ("Rent", "Rent shall begin to accrue with effect from 1 June 2026."),
    )
    assert facts.effective_date == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("This Agreement shall continue for an initial term of two (2) years.", (2, "year")),
        (
            'It runs for a period of twelve months from the Effective Date (the "Initial Term").',
            (12, "month"),
        ),
        ("The term of this Agreement shall be three (3) years.", (3, "year")),
        ("Initial Term: 24 months", (24, "month")),
        ("This Agreement shall remain in force for a period of one (1) year.", (1, "year")),
        ("The Customer subscribes for a 36-month fixed term.", (36, "month")),
        ("The Lease is granted for a term of ten (10) years.", (10, "year")),
    ],
)
def test_term_phrasings(body: str, expected: tuple[int, str]) -> None:
    value, unit = expected
    assert facts_of(("Term", body), OTHER).term == Duration(value=value, unit=unit)


@pytest.mark.parametrize(
    "body",
    [
        "The first six (6) months of employment are a probationary period.",
        "The confidentiality obligations continue for five (5) years after termination.",
        "Either party may terminate this Agreement on ninety (90) days' written notice.",
        "For twelve (12) months after the Termination Date you must not solicit customers.",
    ],
)
def test_periods_that_are_not_the_term(body: str) -> None:
    assert facts_of(("General", body), OTHER).term is None


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([("Term", "This Agreement expires on 31 December 2027.")], date(2027, 12, 31)),
        (
            [
                (
                    "Term",
                    "The term runs from and including 1 April 2026 to and including 31 March 2031.",
                )
            ],
            date(2031, 3, 31),
        ),
        ([("Duration", "This Agreement remains in force until 30 June 2027.")], date(2027, 6, 30)),
        (
            [("Term", "The licence period begins on 1 April 2026 and ending on 31 March 2029.")],
            date(2029, 3, 31),
        ),
        (  # computed: the last day of a twelve-month term from 1 March 2026
            ['Made on 1 March 2026 (the "Effective Date").', ("Term", "A term of 12 months.")],
            date(2027, 2, 28),
        ),
        (  # computed across a leap day
            ['Made on 1 March 2027 (the "Effective Date").', ("Term", "A term of one year.")],
            date(2028, 2, 29),
        ),
    ],
)
def test_end_date_explicit_or_computed(parts: list, expected: date) -> None:
    assert facts_of(*parts, OTHER).end_date == expected


def test_until_outside_a_term_clause_is_not_the_end_date() -> None:
    assert facts_of(("Rent", "No rent is payable until 1 June 2026."), OTHER).end_date is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Thereafter it shall automatically renew for successive periods of twelve (12) months "
            "unless either party gives not less than ninety (90) days' notice.",
            (12, "month"),
        ),
        ("The subscription will renew automatically for additional one-year terms.", (1, "year")),
        (
            "Thereafter this Agreement shall continue from year to year until terminated.",
            (1, "year"),
        ),
        ("It renews for a further year unless terminated by either party.", (1, "year")),
        ("This Agreement shall be extended automatically by periods of 6 months.", (6, "month")),
        ("The licence renews annually unless cancelled.", (1, "year")),
        ("After the Initial Term the tenancy continues on a month-to-month basis.", (1, "month")),
    ],
)
def test_auto_renewal_phrasings(body: str, expected: tuple[int, str]) -> None:
    value, unit = expected
    assert facts_of(("Renewal", body), OTHER).auto_renewal == Duration(value=value, unit=unit)


@pytest.mark.parametrize(
    "body",
    [
        "The Tenant may renew this Lease for a further term of five years by giving notice.",
        "The Tenant has an option to extend the term by two (2) years.",
        "This Agreement ends on the expiry of the Initial Term.",
    ],
)
def test_options_to_renew_are_not_automatic_renewals(body: str) -> None:
    assert facts_of(("Term", body), OTHER).auto_renewal is None


def test_other_things_renewed_are_not_the_contract() -> None:
    facts = facts_of(("Insurance", "The Supplier shall renew its insurance annually."), OTHER)
    assert facts.auto_renewal is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Either party may terminate on ninety (90) days' written notice.", (90, "day")),
        ("Either party may end it by giving not less than three months' notice in writing.", (3, "month")),
        (
            "Either party may prevent renewal by written notice to the other party at least 60 days "
            "before the end of the then-current term.",
            (60, "day"),
        ),
        ("Notice period: one (1) month", (1, "month")),
        ("The Customer may cancel on 30 days written notice.", (30, "day")),
        ("The Tenant must inform the Landlord no later than 30 days prior to the expiry of the Term.", (30, "day")),
        ("The Supplier may terminate on ten Business Days' notice.", (10, "business_day")),
        ("The notice period is 4 weeks.", (4, "week")),
    ],
)  # fmt: skip
def test_notice_period_phrasings(body: str, expected: tuple[int, str]) -> None:
    value, unit = expected
    assert facts_of(("Termination", body), OTHER).notice_period == Duration(value=value, unit=unit)


def test_notices_that_are_not_a_termination_notice_period() -> None:
    facts = facts_of(
        ("Notices", "A notice is deemed received two (2) Business Days after posting."),
        (
            "Termination",
            "Either party may terminate if the other fails to remedy a breach within "
            "thirty (30) days after written notice.",
        ),
        ("Leave", "Employees must give at least fourteen (14) days' notice of annual leave."),
    )
    assert facts.notice_period is None


def test_the_termination_clause_wins_over_other_notice_mentions() -> None:
    facts, sources = extract_facts(
        contract(
            (
                "Fee Changes",
                "Fee increases on renewal need at least 60 days' notice before renewal.",
            ),
            ("Term and Termination", "Either party may terminate on three (3) months' notice."),
        )
    )
    assert facts.notice_period == Duration(value=3, unit="month")
    assert sources["notice_period"] == 1


def test_sub_clauses_inherit_their_parent_heading() -> None:
    clauses = [
        ParsedClause(0, "3", "Leave", None, "3. Leave"),
        ParsedClause(1, "3.1", None, None, "3.1 Give 14 days' notice before ending a holiday."),
        ParsedClause(2, "7", "Termination", None, "7. Termination"),
        ParsedClause(
            3, "7.1", "Notice", None, "7.1 Notice\nEither party may give 2 months' notice."
        ),
        ParsedClause(4, "7.1.1", None, None, "7.1.1 Longer notice may be agreed in writing."),
    ]
    facts, sources = extract_facts(clauses)
    assert facts.notice_period == Duration(value=2, unit="month")
    assert sources["notice_period"] == 3


def test_every_fact_is_none_when_absent_and_nothing_is_cited() -> None:
    facts, sources = extract_facts(
        contract("Memo", OTHER, ("Misc", "Headings are for convenience."))
    )
    assert facts == ContractFacts()
    assert sources == {}
    assert extract_facts([]) == (ContractFacts(), {})


def test_sources_point_at_the_clauses() -> None:
    facts, sources = extract_facts(
        contract(
            'Made on 1 March 2026 (the "Effective Date") between A Ltd ("Seller") and B Ltd ("Buyer").',
            ("Term", "This Agreement continues for an initial term of one (1) year."),
            ("Fees", "The Buyer shall pay USD 100 per month."),
            ("Governing Law", "This Agreement is governed by the laws of Ireland."),
        )
    )  # fmt: skip
    assert sources == {
        "parties": 0, "effective_date": 0, "term": 1, "end_date": 1, "payment_terms": 2,
        "governing_law": 3,
    }  # fmt: skip
    assert facts.end_date == date(2027, 2, 28)


def test_facts_round_trip_through_json() -> None:
    facts, _ = extract_facts(
        contract(("Fees", "USD 1,200 per month."), ("Termination", "30 days' notice to terminate."))
    )
    assert ContractFacts.model_validate_json(facts.model_dump_json()) == facts


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=4))
def test_any_text_gives_a_valid_table(texts: list[str]) -> None:
    clauses = [ParsedClause(i, None, None, None, t) for i, t in enumerate(texts)]
    facts, sources = extract_facts(clauses)
    assert isinstance(facts, ContractFacts)
    assert set(sources.values()) <= set(range(len(texts)))
    assert extract_facts(clauses) == (facts, sources)  # deterministic
