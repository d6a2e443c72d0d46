"""The money in a contract: the main sum payable, how often, and how soon after an invoice.

A clause may name several sums (rent and the quarterly instalment, a subscription fee and a
one-off set-up fee, a unit price and the total it comes to). The main one is the first that
is a total rather than a unit price ("USD 60 per Authorized User" is a unit price), recurring
rather than one-off, in document order. Its period is read from the words next to it::

    "£2,750 per calendar month"   → month      "an annual salary of £55,000" → year
    "USD 86,400 for each twelve-month period"  → year     "a one-off fee of $500" → one-off

and the days allowed for payment from "within thirty (30) days of the invoice date",
"payable 14 days after ...", or "net 30".
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from m5_agents_mlops.contracts.phrases import (
    DURATION_RE,
    MONEY_RE,
    parse_duration,
    parse_money,
    sentences,
)

_I = re.IGNORECASE
_DUR = rf"(?P<d>{DURATION_RE})"

_PAY_WORDS = re.compile(
    r"\b(?:pay\w*|paid|fees?|rent|salary|price|charges?|remuneration|compensation|"
    r"consideration|invoice\w*|wages?|subscription)\b",
    _I,
)
_PERIODS = [
    (
        "month",
        r"per\s+(?:calendar\s+)?month|a\s+month|each\s+(?:calendar\s+)?month|every\s+month"
        r"|monthly|per\s+mensem|/\s*month|\bpcm\b|p\.c\.m\.",
    ),
    (
        "year",
        r"per\s+(?:annum|year|calendar\s+year)|a\s+year|each\s+(?:calendar\s+)?year|every\s+year"
        r"|annual(?:ly)?|yearly|\bp\.?a\.?(?=\s|$|[,;])|/\s*(?:year|yr)",
    ),
    ("quarter", r"per\s+(?:calendar\s+)?quarter|quarterly|each\s+quarter"),
    ("week", r"per\s+week|a\s+week|weekly|each\s+week"),
    ("day", r"per\s+day|a\s+day|daily"),
    ("hour", r"per\s+hour|an\s+hour|hourly"),
    ("one-off", r"one[-\s]off|one[-\s]time|single\s+(?:payment|fee|sum)|lump\s+sum"),
]


_EACH = {(12, "month"): "year", (1, "year"): "year", (1, "month"): "month", (3, "month"): "quarter"}
_EACH_PERIOD = re.compile(rf"(?:for\s+)?(?:each|every|per)\s+(?P<d>{DURATION_RE})\s+period", _I)
_UNIT_PRICE = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:\w+\s+)?per\s+"
    r"(?!(?:calendar\s+)?(?:month|year|annum|quarter|week|day|hour)\b)[a-z]",
    _I,
)


def _period_near(before: str, after: str) -> str | None:
    """A period word: "per calendar month" just after the sum, else "annual salary of" just before it.

    A bracketed restatement ("£48,000 (forty-eight thousand pounds) per annum") is skipped.
    """
    after = re.sub(r"^\s*\([^)]*\)", "", after)[:60]
    each = _EACH_PERIOD.match(after.lstrip())
    if each:  # "USD 86,400 for each twelve-month period"
        length = parse_duration(each.group("d"))
        if length in _EACH:
            return _EACH[length]
    for window, pick in ((after, min), (before[-40:], max)):
        found = [(m.start(), n) for n, p in _PERIODS for m in re.finditer(p, window, _I)]
        if found:
            return pick(found)[1]
    return None


DUE_PATTERNS = [
    rf"\bwithin\s+{_DUR}\s+(?:of|after|from|following)\b",
    rf"\b(?:due|payable|paid)\s+(?:and\s+payable\s+)?(?:(?:no|not)\s+later\s+than\s+)?{_DUR}"
    r"\s+(?:after|from|following|of)\b",
    rf"\bnet\s+{_DUR}",
    r"\bnet\s+(?P<d>\d{1,3})\b",
]


def due_days(text: str, invoices_only: bool = False) -> int | None:
    """Days allowed for payment ("within thirty (30) days of the invoice date", "net 30").

    ``invoices_only``: only sentences about invoices (when looking beyond the sum's own clause).
    """
    about = r"invoice" if invoices_only else r"invoice|pay|due|paid|remit"
    for sentence in sentences(text):
        if not re.search(about, sentence, _I):
            continue
        matches = [m for p in DUE_PATTERNS for m in re.finditer(p, sentence, _I)]
        for match in sorted(matches, key=lambda m: m.start()):
            written = match.group("d")
            parsed = (int(written), "day") if written.isdigit() else parse_duration(written)
            if parsed and parsed[1] in ("day", "business_day"):
                return parsed[0]
            if parsed and parsed[1] == "week":
                return parsed[0] * 7
    return None


def payment(text: str, preferred: bool) -> dict[str, Any] | None:
    """The main sum payable: the first recurring one in the clause, else the first at all.

    Returns the fields of ``PaymentTerms`` (amount, currency, period, due_days, raw).
    """
    found: list[dict[str, Any]] = []
    for sentence in sentences(text):
        if not preferred and not _PAY_WORDS.search(sentence):
            continue
        for match in re.finditer(MONEY_RE, sentence, _I):
            money = parse_money(match.group(0), context=text)
            if money is None or money[0] <= Decimal(0):
                continue
            after = sentence[match.end() :]
            period = _period_near(sentence[: match.start()], after)
            raw = sentence if len(sentence) <= 300 else sentence[:297] + "..."
            found.append(
                {
                    "amount": money[0],
                    "currency": money[1],
                    "period": period,
                    "raw": raw,
                    "unit_price": bool(_UNIT_PRICE.match(after)),
                }
            )
    if not found:
        return None
    # The contract's main sum: a total before a unit price ("USD 60 per user per month"),
    # a recurring sum before a one-off fee, then document order.
    best = min(
        range(len(found)),
        key=lambda i: (found[i]["unit_price"], found[i]["period"] in (None, "one-off"), i),
    )
    chosen = {k: v for k, v in found[best].items() if k != "unit_price"}
    return {**chosen, "due_days": due_days(text)}
