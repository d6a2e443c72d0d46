"""Which date, duration or sum in a clause is the effective date, the term, the notice period...

A clause holds many dates and durations; the words around one say what it is. Each reader
here takes one clause's normalised text and returns a plain value or None, trying its
strongest phrasings first. ``preferred`` says whether the clause's heading already fits the
fact ("Termination" for a notice period): outside such clauses the readers ask for more
context (a notice period must sit in a sentence about ending or renewing the contract).

Conventions worth knowing:

- a duration directly followed by "notice" ("ninety (90) days' written notice") is a notice
  period, never a term or a renewal period;
- a renewal needs a sign that it is automatic ("automatically", "successive", "unless either
  party gives notice", "year to year"); "the Tenant may renew" is an option, not a renewal;
- a term that only runs "after termination" (confidentiality that survives, a restrictive
  covenant) or a probationary period is not the contract's term.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from m5_agents_mlops.contracts.phrases import (
    DATE_RE,
    DURATION_RE,
    parse_date,
    parse_duration,
    sentences,
)

_I = re.IGNORECASE
_D = rf"(?P<d>{DATE_RE})"
_DUR = rf"(?P<d>{DURATION_RE})"
_DEFINED = r"\b{name}\b[\"')\s]*(?:is|shall\s+be|will\s+be|means|:|-)?\s*(?:the\s+)?" + _D
_BRACKETED = _D + r"\s*\(\s*(?:hereinafter\s+)?(?:the\s+|being\s+the\s+)?\"?'?{name}\b"


def _first(patterns: list[str], text: str, reader: Any) -> Any:
    """The value of the earliest match of any pattern (position decides, then list order)."""
    matches = [m for p in patterns for m in re.finditer(p, text, _I)]
    for match in sorted(matches, key=lambda m: m.start()):
        value = reader(match.group("d"))
        if value is not None:
            return value
    return None


def _defined(name: str) -> list[str]:
    """``Effective Date: <date>`` / ``Effective Date means <date>`` / ``<date> (the "Effective Date")``."""
    return [_DEFINED.replace("{name}", name), _BRACKETED.replace("{name}", name)]


EFFECTIVE_TIERS: list[list[str]] = [
    [  # 1: the effective date itself
        *_defined(r"effective\s+date"),
        rf"\beffective\s+(?:as\s+(?:of|from)|from|on)\s+(?:the\s+)?{_D}",
        rf"\b(?:takes?|took|shall\s+take)\s+effect\s+(?:from|on|as\s+of)\s+(?:the\s+)?{_D}",
    ],
    [  # 2: when the term or the employment starts
        *_defined(r"(?:commencement|start(?:ing)?)\s+date"),
    ],
    [  # 3: the date the document is made
        rf"\bdated\s*:?\s*(?:as\s+(?:of|at)\s+)?(?:this\s+|the\s+)?{_D}",
        rf"\b(?:made|entered\s+into|executed)\b[^.]{{0,30}}?\b(?:(?:on|as\s+of|this|dated)\s+)?"
        rf"(?:the\s+)?{_D}",
        rf"(?:^|\s)date\s*:\s*{_D}",
    ],
]
_STARTS = [  # tier 2, but only in a clause about the term: "rent shall begin to accrue on" is not
    rf"\b(?:commenc|start|begin)\w*\s+(?:on|from)\s+(?:and\s+including\s+)?(?:the\s+)?{_D}",
    rf"\bwith\s+effect\s+(?:from|on)\s+(?:the\s+)?{_D}",
]


def effective_date(text: str, tier: int, preferred: bool) -> date | None:
    """The effective date by the phrasings of one tier (see ``EFFECTIVE_TIERS``)."""
    patterns = EFFECTIVE_TIERS[tier] + (_STARTS if tier == 1 and preferred else [])
    return _first(patterns, text, parse_date)


_END_STRICT = [
    *_defined(r"(?:expiry|expiration|end|termination)\s+date"),
    rf"\b(?:expir|end|terminat)(?:e|es|s|ing)?\s+(?:on|at\s+midnight\s+on)\s+(?:and\s+including\s+)?"
    rf"(?:the\s+)?{_D}",
    rf"\bfrom\s+(?:and\s+including\s+)?(?:the\s+)?{DATE_RE}\s+(?:to|until|till)\s+"
    rf"(?:and\s+including\s+)?(?:the\s+)?{_D}",
]
_END_LOOSE = [rf"\b(?:until|through|up\s+to\s+and\s+including)\s+(?:the\s+)?{_D}"]


def end_date(text: str, preferred: bool) -> date | None:
    """An explicit end date; "until <date>" counts only in a clause about the term."""
    return _first(_END_STRICT + (_END_LOOSE if preferred else []), text, parse_date)


_NOTICE_AFTER = re.compile(
    r"^\s*(?:'s|'|s')?\s+(?:\(\w+\)\s+)?(?:prior|advance|previous|clear|written|express|\s)*"
    r"(?:notice|notification)",
    _I,
)
_NOT_TERM = re.compile(
    r"probation|non-?compet|solicit|restrict|surviv|(?:after|following|post|from\s+the\s+date\s+of)[- ]"
    r"(?:the\s+)?(?:date\s+of\s+)?(?:its\s+)?(?:termination|expiry|expiration)",
    _I,
)
_TERM_ADJ = r"initial|fixed|minimum|contractual|subscription|agreed|original"
TERM_TIERS: list[list[str]] = [
    [  # 1: the initial term, named as such
        rf"\binitial\s+(?:\w+\s+)?(?:term|period)\b[\"')\s]*(?:of|is|shall\s+be|will\s+be|means|:|-)?\s*"
        rf"(?:a|the)?\s*(?:fixed\s+)?(?:period\s+of\s+)?{_DUR}",
        rf"{_DUR}[^.()]{{0,80}}?\(\s*(?:the\s+)?\"?'?(?:(?:{_TERM_ADJ})\s+)?(?:term|period)\"?'?\s*\)",
    ],
    [  # 2: "for a term of", "shall continue for", "a two-year term"
        rf"\b(?:for|of)\s+(?:an?\s+|the\s+)?(?:(?:{_TERM_ADJ})\s+)?(?:term|period)"
        rf"\s+of\s+{_DUR}",
        rf"\b(?:an?|the)\s+(?:(?:{_TERM_ADJ})\s+)?term\s+of\s+{_DUR}",
        rf"\b(?:term|duration)\s+of\s+(?:this|the)\s+\w+\s+(?:shall\s+be|is|will\s+be)\s+"
        rf"(?:for\s+)?(?:a\s+(?:fixed\s+)?(?:term|period)\s+of\s+)?{_DUR}",
        rf"\b(?:continue|remain)\s+(?:in\s+(?:full\s+)?(?:force|effect)\s+(?:and\s+effect\s+)?)?"
        rf"for\s+(?:a\s+period\s+of\s+)?{_DUR}",
        rf"{_DUR}\s+(?:initial\s+|fixed\s+)?term\b",
        rf"\bterm\s*:\s*{_DUR}",
    ],
]


def term(text: str, tier: int) -> tuple[int, str] | None:
    """The initial term, from sentences that are not about notice, probation or survival."""
    for sentence in sentences(text):
        if _NOT_TERM.search(sentence):
            continue
        matches = [m for p in TERM_TIERS[tier] for m in re.finditer(p, sentence, _I)]
        for match in sorted(matches, key=lambda m: m.start()):
            if not _NOTICE_AFTER.match(sentence[match.end("d") :]):
                return parse_duration(match.group("d"))
    return None


_RENEW_TRIGGER = re.compile(
    r"renew|extend|extension|roll\w*\s+over|successive|consecutive|thereafter\s+continue", _I
)
_AUTOMATIC = re.compile(
    r"automatic|successive|consecutive|unless|thereafter|tacit|"
    r"(?:shall|will)\s+(?:automatically\s+)?(?:be\s+)?(?:renew|extend|continue)",
    _I,
)
_OPTION = re.compile(
    r"option\s+to\s+(?:renew|extend)|may\s+(?:elect\s+to\s+)?(?:renew|extend)|mutual\s+agreement"
    r"|agreed\s+in\s+writing",
    _I,
)
_NOTICE_WINDOW_BEFORE = re.compile(r"(?:less\s+than|least|later\s+than|within|minimum\s+of)\s*$")
_WINDOW_AFTER = re.compile(r"^\s*(?:'s|'|s')?\s*(?:before|prior|in\s+advance|ahead)", _I)


_CONTRACT = re.compile(
    r"\b(?:agreement|contract|lease|licen[cs]e|subscription|tenancy|term|engagement|order)\b", _I
)


def auto_renewal(text: str, preferred: bool) -> tuple[int, str] | None:
    """The length of each automatic renewal ("successive periods of twelve (12) months").

    Outside a clause about the term or renewal, the sentence must be about the contract
    ("the Supplier shall renew its insurance annually" is not the contract renewing).
    """
    for sentence in sentences(text):
        if _OPTION.search(sentence) or not (preferred or _CONTRACT.search(sentence)):
            continue
        # "continues from year to year" / "on a month-to-month basis" renews by its nature.
        basis = re.search(r"\b(year|month|week)[-\s]to[-\s]\1\b", sentence, _I)
        if basis:
            return 1, basis.group(1).lower()
        trigger = _RENEW_TRIGGER.search(sentence)
        if not trigger or not _AUTOMATIC.search(sentence):
            continue
        every = re.search(
            r"\b(?:renew\w*|extend\w*)\s+(?:automatically\s+)?(annually|yearly|monthly)",
            sentence,
            _I,
        )
        if every:
            return 1, "year" if every.group(1).lower() != "monthly" else "month"
        for match in re.finditer(DURATION_RE, sentence[trigger.start() :], _I):
            before = sentence[: trigger.start() + match.start()]
            after = sentence[trigger.start() + match.end() :]
            if _NOTICE_AFTER.match(after) or _WINDOW_AFTER.match(after):
                continue  # a notice window, not a renewal period
            if _NOTICE_WINDOW_BEFORE.search(before):
                continue
            return parse_duration(match.group(0))
    return None


_QUALIFIER = (
    r"(?:not\s+less\s+than|at\s+least|no\s+less\s+than|a\s+minimum\s+of|not\s+fewer\s+than"
    r"|a\s+period\s+of)"
)
NOTICE_PATTERNS = [
    rf"{_DUR}\s*(?:'s|'|s')?\s+(?:\(\w+\)\s+)?"
    r"(?:(?:prior|advance|previous|clear|written|express)\s+)*(?:notice|notification)",
    r"\bnotice(?:\s+period)?(?:\s+in\s+writing)?\s*(?:of|is|shall\s+be|will\s+be|:|-)\s*"
    rf"{_QUALIFIER}?\s*{_DUR}",
    rf"\b(?:notice|notify|notification)\b[^.;]{{0,100}}?\b(?:{_QUALIFIER}|no\s+later\s+than)\s+{_DUR}"
    r"\s+(?:before|prior\s+to|in\s+advance\s+of|ahead\s+of)",
    rf"\b(?:{_QUALIFIER}|no\s+later\s+than)\s+{_DUR}\s+(?:before|prior\s+to)\s+(?:the\s+)?"
    r"(?:end|expiry|expiration|renewal|termination|anniversary|last\s+day)",
]
_ENDING = re.compile(
    r"terminat|renew|expir|\bend\b|\bending\b|cancel|resign|\bbreak\b|\bquit|vacate|determin", _I
)
_CURE = re.compile(r"remed|\bcure|breach", _I)


def notice_period(text: str, preferred: bool) -> tuple[int, str] | None:
    """The notice needed to terminate or to stop a renewal, earliest phrasing in the clause."""
    for sentence in sentences(text):
        if not preferred and not _ENDING.search(sentence):
            continue
        matches = [m for p in NOTICE_PATTERNS for m in re.finditer(p, sentence, _I)]
        for match in sorted(matches, key=lambda m: m.start("d")):
            if _CURE.search(sentence[max(0, match.start("d") - 40) : match.start("d")]):
                continue  # "remedy within 30 days of notice" is a cure period
            return parse_duration(match.group("d"))
    return None
