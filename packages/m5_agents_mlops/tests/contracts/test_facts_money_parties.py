"""extract_facts on money, law and parties, and the schema's validation.

(The dates, term, renewal and notice phrasings are in ``test_facts.py``.)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

# Loaded by conftest.py before this module (this folder is not a package).
from m5_contracts_tests_facts_support import OTHER, contract, facts_of  # type: ignore[import-not-found]
from pydantic import ValidationError

from m5_agents_mlops.contracts.facts import (
    ContractFacts,
    Duration,
    Party,
    PaymentTerms,
    extract_facts,
)


@pytest.mark.parametrize(
    ("body", "amount", "currency", "period", "due"),
    [
        ("The Tenant shall pay rent of $4,500.00 per month in advance.", "4500.00", "USD", "month", None),
        (
            "The Customer shall pay an annual fee of EUR 12,000, invoiced annually in advance. "
            "Invoices are payable within thirty (30) days of the invoice date.",
            "12000", "EUR", "year", 30,
        ),
        ("The rent is £2,750 per calendar month.", "2750", "GBP", "month", None),
        ("Fees: USD 1,200 per month, payment terms net 30.", "1200", "USD", "month", 30),
        (
            "A one-off set-up fee of USD 500 is payable on signature, and a subscription fee of "
            "USD 99 per month thereafter.",
            "99", "USD", "month", None,
        ),
        ("Consulting is charged at CHF 150 per hour, due 14 days after invoice.", "150", "CHF", "hour", 14),
        ("Your salary is £55,000 per annum, paid monthly in arrears.", "55000", "GBP", "year", None),
        ("The Buyer shall pay a lump sum of 25,000 euros.", "25000", "EUR", "one-off", None),
        ("Licence fee: GBP 30,000 for each 12-month period.", "30000", "GBP", "year", None),
        ("Seats cost EUR 5 per user per month, being EUR 6,000 per annum.", "6000", "EUR", "year", None),
        ("The rent is £1,000 (one thousand pounds) per month.", "1000", "GBP", "month", None),
    ],
)  # fmt: skip
def test_payment_phrasings(body: str, amount: str, currency: str, period: str, due: int | None) -> None:  # fmt: skip
    terms = facts_of(("Fees and Payment", body), OTHER).payment_terms
    assert terms is not None
    assert (terms.amount, terms.currency, terms.period, terms.due_days) == (
        Decimal(amount),
        currency,
        period,
        due,
    )
    assert terms.raw and terms.raw in body


def test_payment_found_outside_a_payment_clause_and_invoice_terms_nearby() -> None:
    terms = facts_of(
        ("Supply", "The Buyer shall pay the Seller USD 8,000 for each delivery."),
        ("Invoicing", "Invoices are payable within 45 days of receipt."),
        OTHER,
    ).payment_terms
    assert terms is not None and (terms.amount, terms.due_days) == (Decimal(8000), 45)


def test_a_liability_cap_is_not_a_payment() -> None:
    facts = facts_of(("Liability", "Total liability shall not exceed £1,000,000."), OTHER)
    assert facts.payment_terms is None


@pytest.mark.parametrize(
    ("sentence", "law"),
    [
        ("This Agreement shall be governed by and construed in accordance with the laws of England "
         "and Wales, and the parties submit to its courts.", "England and Wales"),
        ("This Agreement shall be governed by the laws of the State of Delaware.",
         "the State of Delaware"),
        ("This Agreement is governed by the laws of the State of New York, without regard to its "
         "conflict of laws principles.", "the State of New York"),
        ("This Lease shall be governed by, and construed in accordance with, the laws of the "
         "Commonwealth of Massachusetts.", "the Commonwealth of Massachusetts"),
        ("This contract is governed by English law.", "England and Wales"),
        ("The law of the Federal Republic of Germany applies to this Agreement.",
         "the Federal Republic of Germany"),
        ("Governing law: the laws of Ireland.", "Ireland"),
    ],
)  # fmt: skip
def test_governing_law_phrasings(sentence: str, law: str) -> None:
    assert facts_of(OTHER, ("Governing Law", sentence)).governing_law == law


PREAMBLES = [
    (
        'This Agreement is made on 1 March 2026 between Acme Ltd, a company incorporated in England '
        'and Wales (company number 01234567) whose registered office is at 1 High Street, London '
        '("the Supplier") and Beta GmbH, of Hauptstrasse 1, Berlin ("the Customer").',
        [("Acme Ltd", "Supplier"), ("Beta GmbH", "Customer")],
    ),
    (
        "THIS LICENCE is dated 2026-03-01.\nBETWEEN:\n(1) ACME LIMITED, a company incorporated in "
        "England (the “Licensor”); and\n(2) BETA GMBH, a German company (the “Licensee”).\n"
        'BACKGROUND\n(A) The Licensor owns software (the "Software").',
        [("ACME LIMITED", "Licensor"), ("BETA GMBH", "Licensee")],
    ),
    (
        "This Employment Agreement is entered into by and between Acme, Inc., a Delaware "
        'corporation ("Acme" or the "Company"), and John Smith, an individual residing at 5 Elm '
        'St ("Employee") (each a "Party" and together the "Parties").',
        [("Acme, Inc.", "Company"), ("John Smith", "Employee")],
    ),
    (
        "Tenancy Agreement\nParties\n(1) Harbour Properties Ltd (the 'Landlord')\n"
        "(2) Jane Doe of 4 Park Lane, Leeds (the 'Tenant')\nRecitals\nThe Landlord owns the flat.",
        [("Harbour Properties Ltd", "Landlord"), ("Jane Doe", "Tenant")],
    ),
    (
        "This contract is made between Northwind Ltd, of 9 Quay Street, Cork (the \"Employer\", "
        '"we" or "us"), and Sam Lee of 3 Main Street, Cork (the "Employee" or "you").',
        [("Northwind Ltd", "Employer"), ("Sam Lee", "Employee")],
    ),
    (
        "PARTIES\n(1) BLUEFIN MARINE LIMITED incorporated in Scotland with company number SC1 "
        "(Supplier).\n(2) HARROWGATE PORT AUTHORITY of Dock Street, Harrowgate (Customer).\n"
        "AGREED TERMS",
        [("BLUEFIN MARINE LIMITED", "Supplier"), ("HARROWGATE PORT AUTHORITY", "Customer")],
    ),
    (
        "Landlord: Harbour Properties Ltd\nTenant: Jane Doe\nDate: 1 March 2026",
        [("Harbour Properties Ltd", "Landlord"), ("Jane Doe", "Tenant")],
    ),
    (
        "BETWEEN: (1) Foo Ltd of 1 Road, York; and (2) Bar plc of 2 Street, Hull. IT IS AGREED:",
        [("Foo Ltd", None), ("Bar plc", None)],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("preamble", "expected"), PREAMBLES)
def test_parties_from_the_preamble(preamble: str, expected: list) -> None:
    facts, sources = extract_facts(contract(preamble, OTHER))
    assert [(p.name, p.role) for p in facts.parties] == expected
    assert sources["parties"] == 0


def test_schema_rejects_nonsense() -> None:
    with pytest.raises(ValidationError):
        Duration(value=-30, unit="day")
    with pytest.raises(ValidationError):
        Duration(value=0, unit="month")
    with pytest.raises(ValidationError):
        Duration(value=2, unit="fortnight")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        PaymentTerms(amount=Decimal(-1), raw="x")
    with pytest.raises(ValidationError):
        PaymentTerms(amount=Decimal(1), currency="dollars", raw="x")
    with pytest.raises(ValidationError):
        Party(name="")
    with pytest.raises(ValidationError):
        ContractFacts(effective_date=date(2026, 3, 1), end_date=date(2026, 2, 1))
    with pytest.raises(ValidationError):
        ContractFacts(colour="blue")  # type: ignore[call-arg]
    assert str(Duration(value=1, unit="business_day")) == "1 business day"
    assert str(Duration(value=90, unit="day")) == "90 days"
