"""A contract's key facts as a validated table: parties, dates, term, renewal, notice, money, law.

``extract_facts(clauses)`` reads them deterministically, with regular expressions and
python-dateutil (no model, so the same contract always gives the same table, and a test can
say exactly which phrasings are understood: see ``phrases``, ``fact_rules`` and ``parties``).
It returns the table and, for each fact found, the position of the clause it came from, so an
answer can cite it.

How a fact is looked for: clauses whose heading names the fact come first ("Term", "Notice",
"Payment", "Fees", "Governing Law" ...), then every other clause in document order; where a
fact has phrasings of different strength (an "Effective Date" beats the date a document is
"dated"), the strongest phrasing is looked for in all clauses before the next one. Nothing
found means None: the table never guesses.

``end_date`` is the date written in the contract, or else the last day of the initial term
computed from the effective date and the term: a twelve-month term from 1 March 2026 ends on
28 February 2027 (the term includes both its first and its last day).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from m5_agents_mlops.contracts import fact_rules, payment_rules
from m5_agents_mlops.contracts.parsed import ParsedClause
from m5_agents_mlops.contracts.parties import find_governing_law, find_parties
from m5_agents_mlops.contracts.phrases import normalise

Unit = Literal["day", "business_day", "week", "month", "year"]


class Duration(BaseModel):
    """A length of time as contracts state it: a positive count of one unit."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    value: Annotated[int, Field(gt=0, le=10_000)]
    unit: Unit

    def __str__(self) -> str:
        word = self.unit.replace("_", " ")
        return f"{self.value} {word}{'' if self.value == 1 else 's'}"


class Party(BaseModel):
    """A party: its name as written, and its role in the contract ("Licensor", "Tenant")."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200)]
    role: str | None = None


class PaymentTerms(BaseModel):
    """The main sum payable, how often, and how soon after an invoice."""

    model_config = ConfigDict(extra="forbid")
    amount: Annotated[Decimal, Field(ge=0)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    """ISO 4217 code (``GBP``); None when the contract names no currency."""
    period: str | None = None
    """``month``, ``year``, ``quarter``, ``week``, ``day``, ``hour`` or ``one-off``; None if unstated."""
    due_days: Annotated[int, Field(ge=0)] | None = None
    raw: str
    """The sentence the sum was read from, to show next to the figures."""


class ContractFacts(BaseModel):
    """The typed table of a contract's key facts; every field None/empty when not stated."""

    model_config = ConfigDict(extra="forbid")
    parties: list[Party] = Field(default_factory=list)
    effective_date: date | None = None
    term: Duration | None = None
    """The initial term."""
    end_date: date | None = None
    """Last day of the initial term: explicit, or effective date + term - 1 day."""
    auto_renewal: Duration | None = None
    """Length of each automatic renewal; None when the contract does not renew by itself."""
    notice_period: Duration | None = None
    """Notice needed to terminate or to stop a renewal."""
    payment_terms: PaymentTerms | None = None
    governing_law: str | None = None

    @model_validator(mode="after")
    def _end_not_before_start(self) -> ContractFacts:
        if self.effective_date and self.end_date and self.end_date < self.effective_date:
            raise ValueError(
                f"end_date {self.end_date} is before effective_date {self.effective_date}"
            )
        return self


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HEADING_WORDS: dict[str, frozenset[str]] = {
    "parties": _words("parties preamble"),
    "effective_date": _words("commencement effective term duration start preamble"),
    "term": _words("term duration commencement"),
    "end_date": _words("term duration commencement expiry expiration"),
    "auto_renewal": _words("renewal renew term duration extension"),
    "notice_period": _words(
        "termination terminate notice renewal term resignation break duration cancellation"
    ),
    "payment_terms": _words(
        "payment payments fees fee price pricing charges rent remuneration salary compensation "
        "consideration invoicing pay wages"
    ),
    "governing_law": _words("governing law jurisdiction"),
}
"""Heading words that make a clause the first place to look for each fact. Exact words, so the
"Notices" boilerplate (how to serve notices) is not mistaken for a "Notice" period clause."""


def heading_words(clauses: Sequence[ParsedClause]) -> dict[int, set[str]]:
    """Each clause's heading words (lower case), with those of the clauses it is part of.

    "6.2 Automatic Renewal" under "6. Term and Termination" gets {automatic, renewal, term,
    and, termination}: a sub-clause is about what its parent's heading says. The unnumbered
    opening of the document is the ``preamble``.
    """

    def own(clause: ParsedClause) -> set[str]:
        return set(re.findall(r"[a-z]+", (clause.heading or "").lower()))

    by_number = {c.number: own(c) for c in clauses if c.number}
    words: dict[int, set[str]] = {}
    for index, clause in enumerate(clauses):
        found = {"preamble"} if clause.number is None and index == 0 else own(clause)
        parts = (clause.number or "").split(".")
        for depth in range(1, len(parts)):
            found |= by_number.get(".".join(parts[:depth]), set())
        words[clause.position] = found
    return words


def by_preference(clauses: Sequence[ParsedClause], field: str) -> list[tuple[ParsedClause, bool]]:
    """Clauses whose headings name ``field`` first (most matching words first), then the rest,
    each group in document order: ``(clause, preferred)`` pairs."""
    wanted = HEADING_WORDS[field]
    words = heading_words(clauses)
    score = {c.position: len(words[c.position] & wanted) for c in clauses}
    ordered = sorted(clauses, key=lambda c: -score[c.position])  # stable: document order kept
    return [(c, score[c.position] > 0) for c in ordered]


def clause_body(clause: ParsedClause) -> str:
    """The clause's text normalised to one line, its heading made a sentence of its own.

    The number goes; the heading stays, since some carry the fact ("1.1 Commencement Date:
    1 June 2026"), but ends with a full stop so it does not run into the first sentence.
    """
    text = clause.text.strip()
    if clause.number and text.startswith(clause.number):
        text = re.sub(r"^[\s.:\-–—]*", "", text[len(clause.number) :])
    first, _, rest = text.partition("\n")
    if clause.heading:
        bare = re.sub(r"^[#*\s]*", "", first)
        if clause.number and bare.startswith(clause.number):  # "## 4. Term" in Markdown
            bare = bare[len(clause.number) :]
        bare = re.sub(r"^[\s.:\-–—]*", "", bare).replace("*", "").strip()
        if bare.lower() == clause.heading.lower():
            text = bare.rstrip(" :-–—") + ".\n" + rest
    return normalise(text)


def _search(
    clauses: Sequence[ParsedClause],
    texts: dict[int, str],
    field: str,
    readers: Sequence[Callable[[str, bool], Any]],
) -> tuple[Any, int] | None:
    """The first reader (strongest phrasing) that finds the fact in any clause, by preference."""
    ordered = by_preference(clauses, field)
    for reader in readers:
        for clause, preferred in ordered:
            value = reader(texts[clause.position], preferred)
            if value is not None:
                return value, clause.position
    return None


def _find_parties(clauses: Sequence[ParsedClause]) -> tuple[list[Party], int] | None:
    # Parties are named at the start: the preamble or a "Parties" clause, else the first clauses.
    words = heading_words(clauses)
    ordered = [c for c, preferred in by_preference(clauses, "parties") if preferred]
    ordered += [c for c in clauses[:3] if c not in ordered]
    for clause in ordered:
        found = find_parties(clause.text, parties_heading="parties" in words[clause.position])
        if found:
            return [Party(name=n, role=r) for n, r in found], clause.position
    return None


def extract_facts(clauses: Sequence[ParsedClause]) -> tuple[ContractFacts, dict[str, int]]:
    """Read a contract's facts; return them with ``{field: clause position}`` for each one found.

    A computed ``end_date`` (effective date + term) cites the clause that states the term.
    """
    # Import here: deadlines imports this module for its types.
    from m5_agents_mlops.contracts.deadlines import add

    texts = {c.position: clause_body(c) for c in clauses}
    values: dict[str, Any] = {}
    sources: dict[str, int] = {}

    def record(field: str, found: tuple[Any, int] | None) -> None:
        if found is not None:
            values[field], sources[field] = found

    record("parties", _find_parties(clauses))
    record(
        "effective_date",
        _search(
            clauses,
            texts,
            "effective_date",
            [
                lambda text, preferred, tier=tier: fact_rules.effective_date(text, tier, preferred)
                for tier in range(len(fact_rules.EFFECTIVE_TIERS))
            ],
        ),
    )
    record(
        "term",
        _search(
            clauses,
            texts,
            "term",
            [
                lambda text, _, tier=tier: fact_rules.term(text, tier)
                for tier in range(len(fact_rules.TERM_TIERS))
            ],
        ),
    )
    record("end_date", _search(clauses, texts, "end_date", [fact_rules.end_date]))
    record(
        "auto_renewal",
        _search(clauses, texts, "auto_renewal", [fact_rules.auto_renewal]),
    )
    record("notice_period", _search(clauses, texts, "notice_period", [fact_rules.notice_period]))
    record("payment_terms", _search(clauses, texts, "payment_terms", [payment_rules.payment]))
    record(
        "governing_law",
        _search(clauses, texts, "governing_law", [lambda text, _: find_governing_law(text)]),
    )

    for field in ("term", "auto_renewal", "notice_period"):
        if field in values:
            value, unit = values[field]
            values[field] = Duration(value=value, unit=unit)
    payment = values.get("payment_terms")
    if payment is not None and payment["due_days"] is None:
        # The sum and the invoice terms are often in neighbouring clauses ("Fees", "Invoicing").
        for clause, preferred in by_preference(clauses, "payment_terms"):
            # Elsewhere, only invoice terms: "within 14 days of written demand" is another sum's.
            text = texts[clause.position]
            days = payment_rules.due_days(text, invoices_only=True) if preferred else None
            if days is not None:
                payment["due_days"] = days
                break
    if payment is not None:
        values["payment_terms"] = PaymentTerms(**payment)
    start, end = values.get("effective_date"), values.get("end_date")
    if start is not None and end is not None and end < start:
        del (
            values["end_date"],
            sources["end_date"],
        )  # read the wrong date: better none than nonsense
    if "end_date" not in values and "effective_date" in values and "term" in values:
        values["end_date"] = add(values["effective_date"], values["term"]) - timedelta(days=1)
        sources["end_date"] = sources["term"]
    return ContractFacts(**values), sources
