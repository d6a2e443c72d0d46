"""The small phrases contracts are made of: numbers, durations, dates and sums of money.

Each phrase has a regular expression that *finds* it and a function that *reads* it into plain
Python values (no pydantic here: ``facts`` builds the validated schema from these). Contracts
write the same thing many ways, and the expressions accept the usual ones::

    numbers    "ninety (90)", "30", "one (1)", "twelve", "1 (one)", "one hundred and eighty"
    durations  "ninety (90) days'", "three months", "12-month", "ten Business Days", "a year"
    dates      "1 March 2026", "March 1, 2026", "2026-03-01", "the 1st day of March, 2026"
    money      "$4,500.00", "EUR 12,000", "£2,750", "USD 1,200", "12,000 euros", "C$900"

Where a contract writes a number twice ("ninety (90)"), the digits win: they are what the
drafter checks. A numeric date such as ``03/04/2026`` is read only when it cannot be ambiguous
(a part above 12); otherwise the reader returns None rather than guess the day/month order.

The ``*_RE`` strings have no capture groups, so callers can embed them in larger patterns
(``rf"notice of (?P<d>{DURATION_RE})"``) and read the captured text with ``parse_duration``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from dateutil import parser as date_parser

_SMALL = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_VALUES = {word: i for i, word in enumerate(_SMALL)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}


def _alternation(words: list[str]) -> str:
    # Longest first, so "fourteen" is not read as "four" followed by junk.
    return "|".join(sorted(words, key=len, reverse=True))


_BELOW_100 = rf"(?:(?:{_alternation(_TENS)})(?:[\s-](?:{_alternation(_SMALL[1:10])}))?|(?:{_alternation(_SMALL)}))"
WORD_NUMBER_RE = rf"(?:{_BELOW_100}(?:\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?)?)"
NUMBER_RE = rf"(?:\d{{1,4}}|{WORD_NUMBER_RE})\b(?:\s*\(\s*(?:\d{{1,4}}|{WORD_NUMBER_RE})\s*\))?"
"""A number in digits or words, optionally repeated in brackets: ``ninety (90)``, ``1 (one)``."""

_UNIT_RE = (
    r"(?:(?:business|working|banking)\s+days?|(?:calendar\s+|clear\s+)?days?|weeks?"
    r"|(?:calendar\s+)?months?|years?)"
)
DURATION_RE = (
    rf"(?:\b(?:{NUMBER_RE}|an?(?:\s+(?:further|additional|full|single|extra))?)[\s-]+{_UNIT_RE}\b)"
)
"""A count of days, business days, weeks, months or years."""

_NUMBER = re.compile(rf"\b(\d{{1,4}}|{WORD_NUMBER_RE})\b", re.IGNORECASE)
_UNIT = re.compile(_UNIT_RE + r"\b", re.IGNORECASE)


def word_to_int(words: str) -> int | None:
    """``"one hundred and eighty"`` → 180, ``"twenty-one"`` → 21; None for anything else."""
    total, current = 0, 0
    tokens = [t for t in re.split(r"[\s-]+", words.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    for token in tokens:
        if token in _VALUES:
            current += _VALUES[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        else:
            return None
    return total + current


def parse_number(text: str) -> int | None:
    """Read a number as contracts write it, preferring the digits of ``ninety (90)``."""
    found = [m.group(1) for m in _NUMBER.finditer(text)]
    digits = [f for f in found if f.isdigit()]
    if digits:
        return int(digits[0])
    return word_to_int(found[0]) if found else None


def parse_duration(text: str) -> tuple[int, str] | None:
    """``"ninety (90) days"`` → ``(90, "day")``; ``"a further year"`` → ``(1, "year")``.

    Units come back as the schema spells them: day, business_day, week, month, year. Calendar
    and clear days are plain days; working and banking days are business days.
    """
    match = re.search(DURATION_RE, text, re.IGNORECASE)
    if not match:
        return None
    span = match.group(0)
    unit_match = _UNIT.search(span)
    assert unit_match is not None  # the duration pattern always ends with a unit
    unit_text = unit_match.group(0).lower()
    if re.match(r"(business|working|banking)", unit_text):
        unit = "business_day"
    else:
        unit = re.sub(r"^(calendar|clear)\s+", "", unit_text).rstrip("s")
    number_part = span[: unit_match.start()]
    value = 1 if re.match(r"\s*an?\b", number_part, re.IGNORECASE) else parse_number(number_part)
    if not value:  # zero or unreadable: no duration rather than a wrong one
        return None
    return value, unit


_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_DAY_RE = r"\d{1,2}(?:st|nd|rd|th)?"
DATE_RE = (
    rf"(?:\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b{_DAY_RE}\s+(?:day\s+of\s+)?{_MONTH_RE},?\s+\d{{4}}\b"
    rf"|\b{_MONTH_RE}\s+{_DAY_RE},?\s+\d{{4}}\b"
    rf"|\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}}\b)"
)
"""A calendar date written out: day-month-year, month-day-year, ISO, or an unambiguous d/m/y."""


def parse_date(text: str) -> date | None:
    """Read the first date in ``text``; None when there is none or it is impossible/ambiguous."""
    match = re.search(DATE_RE, text, re.IGNORECASE)
    if not match:
        return None
    written = match.group(0)
    numeric = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", written)
    try:
        if numeric:
            first, second, year = (int(g) for g in numeric.groups())
            if first > 12 >= second:
                return date(year, second, first)
            if second > 12 >= first:
                return date(year, first, second)
            return None  # 03/04/2026: March or April? the contract's convention is unknown
        cleaned = re.sub(r"(\d)(st|nd|rd|th)\b|\bday\s+of\b|,", r"\1", written, flags=re.I)
        return date_parser.parse(cleaned, default=datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError):  # "31 February 2026" names no day
        return None


_CODES = "USD|EUR|GBP|CHF|JPY|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|HUF|INR|CNY|HKD|SGD|ZAR|BRL|MXN|AED"
_SYMBOLS = {
    "US$": "USD",
    "U.S.$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
}
_SYMBOL_RE = r"(?:US\$|U\.S\.\$|AU?\$|CA?\$|NZ\$|HK\$|S\$|\$|£|€|¥|₹)"
_AMOUNT_RE = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
_CURRENCY_WORDS = {
    "euro": "EUR",
    "pound": "GBP",
    "sterling": "GBP",
    "us dollar": "USD",
    "dollar": "USD",
    "swiss franc": "CHF",
    "franc": "CHF",
    "yen": "JPY",
}
_WORDS_RE = (
    r"(?:euros?|pounds?(?:\s+sterling)?|sterling|(?:us\s+)?dollars?|(?:swiss\s+)?francs?|yen)"
)
MONEY_RE = (
    rf"(?:\b(?:{_CODES})\s?{_SYMBOL_RE}?\s?{_AMOUNT_RE}\b"
    rf"|{_SYMBOL_RE}\s?{_AMOUNT_RE}\b(?:\s?(?:{_CODES})\b)?"
    rf"|\b{_AMOUNT_RE}\s?(?:(?:{_CODES})\b|{_WORDS_RE}\b))"
)
"""A sum with its currency: a symbol, an ISO code before or after, or the currency's name."""

# "$" is the US dollar unless the text names another dollar (contracts say which when it matters).
_OTHER_DOLLARS = {
    "canadian dollar": "CAD",
    "australian dollar": "AUD",
    "new zealand dollar": "NZD",
    "hong kong dollar": "HKD",
    "singapore dollar": "SGD",
}


def parse_money(text: str, context: str = "") -> tuple[Decimal, str | None] | None:
    """``"EUR 12,000"`` → ``(Decimal("12000"), "EUR")``; the currency is an ISO 4217 code.

    ``context`` (the surrounding clause) settles what a bare ``$`` means.
    """
    match = re.search(MONEY_RE, text, re.IGNORECASE)
    if not match:
        return None
    written = match.group(0)
    amount_match = re.search(_AMOUNT_RE, written)
    assert amount_match is not None
    try:
        amount = Decimal(amount_match.group(0).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None
    code = re.search(rf"\b({_CODES})\b", written, re.IGNORECASE)
    if code:
        return amount, code.group(1).upper()
    symbol = re.search(_SYMBOL_RE, written)
    if symbol and symbol.group(0) in _SYMBOLS:
        return amount, _SYMBOLS[symbol.group(0)]
    if symbol:  # a bare "$"
        lowered = context.lower()
        others = [iso for name, iso in _OTHER_DOLLARS.items() if name in lowered]
        return amount, others[0] if len(others) == 1 else "USD"
    lowered = written.lower()
    for name, iso in _CURRENCY_WORDS.items():
        if name in lowered:
            return amount, iso
    return amount, None


_ABBREVIATIONS = re.compile(
    r"\b(?:ltd|inc|co|corp|no|nos|plc|llc|l\.l\.c|s\.a|b\.v|n\.v|st|mr|mrs|ms|dr|cl|art|para|"
    r"sect?|e\.g|i\.e|etc|u\.s|p\.a|approx|vs?)\.$",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """One line of plain text: straight quotes, no Markdown emphasis, single spaces."""
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "}))
    text = re.sub(r"\*\*|__|(?<!\w)\*(?=\w)|(?<=\w)\*(?!\w)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> list[str]:
    """Split normalised text into sentences, keeping ``Acme Ltd.`` and ``No. 5`` whole."""
    pieces = re.split(r"(?<=[.;!?])\s+(?=[\"'(A-Z0-9])", text)
    merged: list[str] = []
    for piece in pieces:
        if merged and _ABBREVIATIONS.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return [s for s in merged if s]
