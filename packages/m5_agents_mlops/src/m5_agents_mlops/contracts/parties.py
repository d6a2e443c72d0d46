"""Who signs a contract, and whose law governs it: read from the preamble and the law clause.

Parties are introduced in one of a few ways, and each has a reader:

1. A defined term in brackets after each party, in running text or a numbered list::

       This Agreement is made between Acme Ltd, a company incorporated in England ... ("the
       Supplier") and Beta GmbH, of Hauptstrasse 1, Berlin ("the Customer").

       BETWEEN:
       (1) ACME LIMITED, a company ... (the "Licensor"); and
       (2) BETA GMBH ... (the "Licensee").

   Each bracket ``("the Supplier")`` ends one party; the name is the start of the text since
   the previous bracket, up to its first comma (keeping ``Acme, Inc.``) or address phrase.
2. ``Role: Name`` lines under a "Parties" heading (``Landlord: Harbour Properties Ltd``).
3. A numbered ``BETWEEN: (1) ... (2) ...`` list without defined terms: names, no roles.

Governing law is the place after "governed by (and construed in accordance with) the laws of"
(or "... English law"), stopping at the first word that is not part of a proper name, so
``the laws of the State of New York, without regard to ...`` gives ``the State of New York``.
"""

from __future__ import annotations

import re

from m5_agents_mlops.contracts.phrases import normalise

_QUOTED = r"\"([^\"]{1,60})\"|'([^']{1,60})'"
KNOWN_ROLES = (
    "Licensor|Licensee|Landlord|Tenant|Lessor|Lessee|Employer|Employee|Supplier|Customer|Client|"
    "Service Provider|Provider|Buyer|Seller|Vendor|Purchaser|Contractor|Consultant|Company|"
    "Discloser|Recipient|Disclosing Party|Receiving Party|Subscriber|Guarantor|Lender|Borrower|"
    "Distributor|Agent|Principal|Owner|Manager|Executive|Worker|Member"
)
# A bracket that names a party's role: ("the Supplier"), (the "Employee" or "you"), or a known
# role without quotes, (Customer), as some precedents write it.
_ROLE_BRACKET = re.compile(
    r"\(\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?|together\s+with\s+[^()]*?)?"
    rf"(?:the\s+)?(?:{_QUOTED})(?:\s*(?:,|or|and)\s*(?:the\s+)?(?:{_QUOTED}))*\s*\)"
    rf"|\(\s*(?:the\s+)?({KNOWN_ROLES})\s*\)",
    re.IGNORECASE,
)
_SECTION_END = re.compile(
    r"\b(?:WHEREAS|RECITALS|BACKGROUND|INTRODUCTION|(?i:it\s+is\s+(?:hereby\s+)?agreed|now,?\s+"
    r"therefore|the\s+parties\s+(?:hereby\s+)?agree|agreed\s+terms|operative\s+provisions))\b"
    r"|^[ \t#*]*(?i:recitals|background|whereas|introduction|preliminary\s+statements?)\b",
    re.MULTILINE,
)
_SECTION_START = re.compile(
    r"\bbetween\b\s*:?|^[ \t#*]*(?i:parties|the\s+parties)[ \t*]*:?[ \t*]*$",
    re.IGNORECASE | re.MULTILINE,
)
_NAME_END = re.compile(
    r",|\(|;|\s+(?:of|at)\s+\d|(?<=[A-Z]{2})\s+(?:of|at)\s+(?=[A-Z][a-z])|\s+whose\s|\s+residing\s|\s+resident\s|\s+incorporated\s"
    r"|\s+having\s|\s+with\s+(?:its\s+)?(?:registered|principal|offices?)\b|\s+located\s"
    r"|\s+an?\s+(?:company|corporation|limited|private|public|individual|partnership|person|"
    r"body|[A-Z][a-z]+\s+(?:company|corporation|limited))",
)
_CORPORATE_SUFFIX = re.compile(
    r",\s*(Inc\.?|LLC|L\.L\.C\.|Ltd\.?|LLP|Limited|GmbH|S\.A\.|B\.V\.|N\.V\.|plc|Corp\.?|Co\.)"
    r"(?=[\s,(;]|$)"
)
_LEADING_JUNK = re.compile(
    r"^(?:[\s),;.:\-]|and\b|between\b|by\b|\(\s*(?:\d+|[a-z]|[ivx]+)\s*\)|\d+\.(?!\d))+",
    re.IGNORECASE,
)
_NOT_ROLES = {"party", "parties", "agreement", "effective date", "contract", "lease", "deed"}


def _clean_name(descriptor: str) -> str | None:
    """The party's name at the start of its description, without address and company details."""
    text = _LEADING_JUNK.sub("", descriptor).strip()
    cut = 0
    while end := _NAME_END.search(text, cut):
        suffix = _CORPORATE_SUFFIX.match(text, end.start())
        if not suffix:
            break
        cut = suffix.end()  # "Acme, Inc." keeps its suffix despite the comma
    name = text[: end.start()] if end else text
    name = name.strip(" \"',;:")
    if name.endswith(".") and not re.search(
        r"\b(?:Inc|Ltd|Corp|Co|L\.L\.C|S\.A|B\.V|N\.V)\.$", name
    ):
        name = name[:-1]
    # A name starts with a capital or a digit, is short, and holds no defined terms in quotes.
    if not name or not (name[0].isupper() or name[0].isdigit()) or '"' in name:
        return None
    if len(name.split()) > 12 or len(name) > 200 or not re.search(r"[A-Za-z]", name):
        return None
    return name


def _role_of(bracket: re.Match[str]) -> str | None:
    """The role among a bracket's defined terms: ``("Acme" or the "Company")`` → Company.

    A known role word wins, then the first capitalised term (``("Company", "we" or "us")``).
    """
    terms = [re.sub(r"^the\s+", "", t.strip(), flags=re.IGNORECASE) for t in bracket.groups() if t]
    terms = [t for t in terms if t and t.lower() not in _NOT_ROLES]
    known = [t for t in terms if re.fullmatch(KNOWN_ROLES, t, re.IGNORECASE)]
    capitalised = [t for t in terms if t[0].isupper()]
    return (known or capitalised or terms or [None])[0]


def _parties_section(text: str) -> str | None:
    """The text from ``between`` (or a "Parties" line) to the recitals or the operative part."""
    start = _SECTION_START.search(text)
    if not start:
        return None
    section = text[start.end() :]
    end = _SECTION_END.search(section)
    return normalise(section[: end.start()] if end else section[:3000])


def parties_from_brackets(text: str) -> list[tuple[str, str | None]]:
    """Reader 1: each ``("the Role")`` bracket closes one party of the ``between`` section."""
    section = _parties_section(text)
    if section is None:
        return []
    found: list[tuple[str, str | None]] = []
    previous_end = 0
    for bracket in _ROLE_BRACKET.finditer(section):
        descriptor = section[previous_end : bracket.start()]
        previous_end = bracket.end()
        role = _role_of(bracket)
        name = _clean_name(descriptor)
        if role is None or name is None:
            continue
        if name.lower().startswith("the ") and role.lower() in name.lower():
            continue  # "(together with the Landlord, the "Parties")": not a new party
        found.append((name, role))
    return found


def parties_from_role_lines(text: str, *, any_role: bool) -> list[tuple[str, str | None]]:
    """Reader 2: ``Landlord: Harbour Properties Ltd`` lines (any role word under "Parties")."""
    role_re = r"[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?" if any_role else f"(?:{KNOWN_ROLES})"
    pattern = re.compile(
        rf"^[ \t]*(?:[-*][ \t]*)?(?:\(?\d+[.)][ \t]*)?(?:The[ \t]+)?\**({role_re})\**[ \t]*:[ \t]*\**(.+?)[ \t]*$",
        re.MULTILINE,
    )
    found = []
    for match in pattern.finditer(text):
        name = _clean_name(normalise(match.group(2)))
        if name and match.group(1).lower() not in _NOT_ROLES | {"date", "dated", "address"}:
            found.append((name, match.group(1)))
    return found


def parties_from_list(text: str) -> list[tuple[str, str | None]]:
    """Reader 3: ``BETWEEN: (1) Acme Ltd ...; and (2) Beta GmbH ...`` without defined terms."""
    section = _parties_section(text)
    if section is None:
        return []
    items = re.split(r"\(\s*(?:\d+|[ivx]+)\s*\)", section)[1:]
    names = [_clean_name(item) for item in items]
    return [(name, None) for name in names if name]


def find_parties(text: str, *, parties_heading: bool = False) -> list[tuple[str, str | None]]:
    """The contract's parties as ``(name, role)`` pairs, by the first reader that finds two."""
    for found in (
        parties_from_brackets(text),
        parties_from_role_lines(text, any_role=parties_heading),
        parties_from_list(text),
    ):
        unique = list(dict.fromkeys(found))
        if len(unique) >= 2:
            return unique
    return []


# Case-sensitive inside case-insensitive patterns: a place is a run of capitalised words.
_PLACE = r"(?-i:(?:[Tt]he\s+)?[A-Z][\w'-]*(?:\s+(?:(?:of|and|the|&)\s+)*[A-Z][\w'-]*)*)"
_LAW_PATTERNS = [
    re.compile(
        r"\b(?:governed|construed|interpreted|enforced)\s+(?:by|in\s+accordance\s+with|under),?"
        r"(?:\s+(?:and\s+)?(?:construed|interpreted|enforced)\s+in\s+accordance\s+with,?)?"
        rf"\s+(?:the\s+)?(?:internal\s+|substantive\s+)?laws?\s+(?:in\s+force\s+in\s+|of\s+)({_PLACE})",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bgoverning\s+law\s*(?:is|shall\s+be|will\s+be|:)\s*(?:the\s+)?"
        rf"(?:laws?\s+of\s+)?({_PLACE})",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:governed\s+by|subject\s+to|in\s+accordance\s+with)\s+(?:the\s+)?"
        r"([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+law\b"
    ),
    re.compile(
        rf"\bthe\s+laws?\s+of\s+({_PLACE})\s+(?:shall\s+|will\s+)?(?:apply|applies|govern)",
        re.IGNORECASE,
    ),
]
_ADJECTIVES = {
    "English": "England and Wales",
    "Scottish": "Scotland",
    "Scots": "Scotland",
    "Irish": "Ireland",
    "German": "Germany",
    "French": "France",
    "Swiss": "Switzerland",
    "Dutch": "the Netherlands",
    "Spanish": "Spain",
    "Italian": "Italy",
    "Swedish": "Sweden",
}
_NOT_PLACES = {"This", "These", "Each", "Any", "All", "Both", "Neither", "Either", "The", "It"}


def find_governing_law(text: str) -> str | None:
    """``"... construed in accordance with the laws of England and Wales."`` → that place."""
    flat = normalise(text)
    for index, pattern in enumerate(_LAW_PATTERNS):
        for match in pattern.finditer(flat):
            place = match.group(1).strip()
            # The "laws of" capture is case-insensitive, so insist on a capitalised place.
            words = place.split()
            core = words[1:] if words and words[0].lower() == "the" else words
            if not core or not core[0][0].isupper() or core[0] in _NOT_PLACES:
                continue
            if index == 2:  # "English law": the adjective's place
                return _ADJECTIVES.get(place, f"{place} law")
            return place
    return None
