"""Contracts written inline for the ``extract_facts`` tests (``test_facts*.py``).

A test states only the clauses that matter, as text, and gets the parsed clauses the extractor
reads, so each phrasing under test is one line rather than a whole document.
"""

from __future__ import annotations

from m5_agents_mlops.contracts.facts import ContractFacts, extract_facts
from m5_agents_mlops.contracts.parsed import ParsedClause

# A clause that carries no fact: beside the clause under test, it shows the extractor picks the
# right clause rather than the only one.
OTHER = ("Assignment", "Neither party may assign this Agreement without the other's consent.")


def contract(*parts: str | tuple[str, str]) -> list[ParsedClause]:
    """Clauses from text: a plain string is a clause without heading (the preamble when first);
    a ``(heading, body)`` pair becomes a numbered clause ``N. Heading`` with that body."""
    clauses, number = [], 0
    for position, part in enumerate(parts):
        if isinstance(part, str):
            clauses.append(ParsedClause(position, None, None, None, part))
        else:
            number += 1
            heading, body = part
            text = f"{number}. {heading}\n{body}"
            clauses.append(ParsedClause(position, str(number), heading, None, text))
    return clauses


def facts_of(*parts: str | tuple[str, str]) -> ContractFacts:
    """The facts ``extract_facts`` finds in ``contract(*parts)`` (without their sources)."""
    return extract_facts(contract(*parts))[0]
