"""Resume text → structured fields, with regular expressions and section headings.

No model reads the resume here: a resume is a semi-structured document, and most of its fields
sit in predictable places.

1. **Sections.** A line that is a known heading ("Work History", "TECHNICAL SKILLS:") opens a
   section; everything before the first heading is the *header* (name, contact details).
2. **Contact fields** come from regexes: an e-mail address, a phone number (7–15 digits, with or
   without a ``+country`` code, never a year range like ``2015 - 2019``), the name (the first
   header line that is neither contact details nor a job title).
3. **Years of experience**: every date range in the experience section (``Jan 2019 - Mar 2022``,
   ``03/2017 - present``, ``2015-2019``) is turned into a span of months; overlapping jobs are
   merged so two jobs at once do not count twice; an explicit "10+ years of experience" wins when
   it says more (people often list only their recent jobs).
4. **Education, job titles, skills**: degree lines of the education section, the role part of
   each job line, and the skills vocabulary (``skills.py``) over the whole text.
5. **Sentences** (bullets and joined paragraph lines) are what the ranker embeds and quotes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from m4_genai.resumes.skills import find_skills

HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": ("summary", "professional summary", "profile", "about me", "about", "objective",
                "research summary", "career summary", "about the role"),
    "experience": ("experience", "work experience", "work history", "professional experience",
                   "employment", "employment history", "career history", "clinical experience"),
    "skills": ("skills", "technical skills", "core competencies", "technologies", "tech stack"),
    "education": ("education", "academic background", "education and training"),
    "projects": ("projects", "personal projects"),
    "certifications": ("certifications", "certificates", "licenses"),
    "must_have": ("must have", "must-have", "requirements", "required skills"),
    "nice_to_have": ("nice to have", "nice-to-have", "bonus", "preferred"),
    "responsibilities": ("responsibilities", "what you will do", "what you'll do"),
}  # fmt: skip
"""Section → the headings that open it (compared lowercase, without a trailing colon)."""
_HEADING_OF = {alias: section for section, aliases in HEADINGS.items() for alias in aliases}

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\w/])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d[\d\s.-]{5,}\d(?!\w)")
YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-/]\s*(?:19|20)\d\d")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DATE = r"(?:(?P<{p}m>{months})[a-z]*\.?\s+|(?P<{p}n>\d{{1,2}})/)?(?P<{p}y>(?:19|20)\d\d)"
DATE_RANGE = re.compile(
    _DATE.format(p="a", months="|".join(_MONTHS))
    + r"\s*(?:-|–|—|to|until)\s*(?:"
    + _DATE.format(p="b", months="|".join(_MONTHS))
    + r"|(?P<now>present|current|now|today))",
    re.I,
)
EXPLICIT_YEARS = re.compile(
    r"(\d{1,2})\s*\+?\s*years?\s+(?:of\s+)?(?:[\w-]+\s+){0,3}?experience", re.I
)
TITLE_WORDS = re.compile(
    r"\b(engineer|developer|analyst|scientist|manager|designer|nurse|intern|administrator|"
    r"architect|teacher|tester|specialist|assistant|consultant|researcher|director|programmer|"
    r"lead|sre)\b",
    re.I,
)
DEGREES: tuple[tuple[str, str], ...] = (
    ("PhD", r"ph\.?\s?d|doctor(?:ate| of)"),
    ("Master", r"m\.?sc|m\.s\.|master|mba|m\.eng|m\.a\."),
    ("Bachelor", r"b\.?sc|b\.s\.|b\.a\.|bachelor|b\.eng|b\.comm|b\.f\.a|licenciatura"),
    ("Other", r"bootcamp|diploma|program|certificate|associate"),
)
"""Degree level → how it is written, highest first (the first that matches a line wins)."""
BULLET = re.compile(r"^\s*(?:[-*•◦▪]|\d+[.)])\s+")


@dataclass
class Resume:
    """The structured fields of one resume (``None`` / empty when not found)."""

    source: str
    text: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    """Digits only, with a leading ``+`` when the country code was written: ``+14155550134``."""
    skills: list[str] = field(default_factory=list)
    years: float | None = None
    education: list[str] = field(default_factory=list)
    degree: str | None = None
    """Highest degree: PhD, Master, Bachelor, Other."""
    titles: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    def fields(self) -> dict[str, object]:
        """Everything but the raw text and sentences: what a table or metrics.json shows."""
        keys = ("name", "email", "phone", "skills", "years", "education", "degree", "titles")
        return {key: getattr(self, key) for key in keys}


def heading(line: str) -> str | None:
    """The section a heading line opens, or None for an ordinary line.

    >>> heading("WORK HISTORY"), heading("Technical Skills:"), heading("Python, SQL")
    ('experience', 'skills', None)
    """
    key = re.sub(r"\s+", " ", line.strip().rstrip(":").strip().lower())
    return _HEADING_OF.get(key) if len(key) <= 40 else None


def split_sections(text: str) -> dict[str, list[str]]:
    """Section name → its non-empty lines; the lines before the first heading go to ``header``."""
    sections: dict[str, list[str]] = {"header": []}
    current = "header"
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        section = heading(line)
        if section is not None:
            current = section
            sections.setdefault(current, [])
        else:
            sections[current].append(line)
    return sections


def find_email(text: str) -> str | None:
    """The first e-mail address, lowercased (a trailing full stop is not part of it)."""
    match = EMAIL.search(text)
    return match.group(0).lower() if match else None


def find_phone(lines: list[str]) -> str | None:
    """The first phone number in ``lines``: 7–15 digits, normalised to ``+digits`` or ``digits``.

    >>> find_phone(["2015 - 2019", "Tel: +44 20 7946 0958"])
    '+442079460958'
    """
    for line in lines:
        for match in PHONE.finditer(line):
            candidate = match.group(0).strip()
            digits = re.sub(r"\D", "", candidate)
            if not 7 <= len(digits) <= 15 or YEAR_RANGE.fullmatch(candidate):
                continue
            return ("+" if candidate.startswith("+") else "") + digits
    return None


def find_name(header: list[str]) -> str | None:
    """The first header line that looks like a person's name (honorifics and ", RN" removed)."""
    for line in header:
        line = re.sub(r"^name\s*:\s*", "", line, flags=re.I)
        line = re.sub(r"^(?:dr|mr|mrs|ms|prof)\.?\s+", "", line, flags=re.I).split(",")[0].strip()
        words = line.split()
        if (
            1 < len(words) <= 4
            and not re.search(r"[\d@/|:]", line)
            and not TITLE_WORDS.search(line)
            and all(w[0].isupper() for w in words)
        ):
            return line.title() if line.isupper() else line
    return None


def _month_index(year: str, month: str | None, number: str | None) -> tuple[int, bool]:
    """Months since year 0 and whether a month was written (``"Mar 2019"`` → 2019·12 + 2)."""
    if month:
        return int(year) * 12 + _MONTHS.index(month.lower()[:3]), True
    if number and 1 <= int(number) <= 12:
        return int(year) * 12 + int(number) - 1, True
    return int(year) * 12, False


def years_of_experience(lines: list[str], as_of: dt.date) -> float | None:
    """Total years covered by the date ranges in ``lines``, overlaps merged; None if there are none.

    A range with months counts its end month (``Jan - Dec 2018`` = 12 months); a range of bare
    years counts the difference (``2015 - 2019`` = 4 years); ``present`` means ``as_of``.

    >>> years_of_experience(["A | 2015 - 2019", "B | Jan 2018 - Dec 2020"], dt.date(2026, 1, 1))
    6.0
    """
    spans: list[tuple[int, int]] = []
    for match in DATE_RANGE.finditer("\n".join(lines)):
        start, _ = _month_index(match["ay"], match["am"], match["an"])
        if match["now"]:
            end = as_of.year * 12 + as_of.month  # the current month counts
        else:
            end, has_month = _month_index(match["by"], match["bm"], match["bn"])
            end += 1 if has_month else 0
        if end > start:
            spans.append((start, end))
    if not spans:
        return None
    months, (open_start, open_end) = 0, sorted(spans)[0]
    for start, end in sorted(spans)[1:]:  # merge overlapping spans: two jobs at once count once
        if start > open_end:
            months += open_end - open_start
            open_start, open_end = start, end
        else:
            open_end = max(open_end, end)
    months += open_end - open_start
    return round(months / 12, 1)


def find_titles(lines: list[str]) -> list[str]:
    """The role part of each job line: ``Senior Engineer | Acme | 2019 - Present`` → the title."""
    titles: list[str] = []
    for line in lines:
        if BULLET.match(line) or not (DATE_RANGE.search(line) or len(line.split()) <= 6):
            continue
        for part in re.split(r"\s+[|–—-]\s+|\s+at\s+|,|\(", line):
            part = part.strip()
            if TITLE_WORDS.search(part) and not DATE_RANGE.search(part) and part not in titles:
                titles.append(part)
                break
    return titles


def degree_level(lines: list[str]) -> str | None:
    """The highest degree written in ``lines`` (PhD > Master > Bachelor > Other)."""
    for level, pattern in DEGREES:
        if any(re.search(rf"(?<!\w)(?:{pattern})", line, re.I) for line in lines):
            return level
    return None


def sentences(sections: dict[str, list[str]]) -> list[str]:
    """Bullets and paragraphs of every section but the header, cut into sentences.

    A line continues the previous one when neither is a bullet and the previous did not end a
    sentence: PDFs and hand-wrapped text break paragraphs at arbitrary points.
    """
    blocks: list[str] = []
    for name, lines in sections.items():
        if name == "header":
            continue
        previous_open = False
        for line in lines:
            is_bullet = bool(BULLET.match(line))
            text = BULLET.sub("", line)
            if previous_open and not is_bullet and (text[:1].islower() or blocks[-1][-1] == ","):
                blocks[-1] += " " + text
            else:
                blocks.append(text)
            previous_open = not re.search(r"[.!?:]$", text)
    pieces = (p.strip() for b in blocks for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", b))
    return [p for p in pieces if len(p.split()) >= 3]


def parse_resume(text: str, source: str = "", as_of: dt.date | None = None) -> Resume:
    """All the fields of one resume's text; ``as_of`` is the date ``present`` means (today)."""
    sections = split_sections(text)
    header = sections["header"]
    work = sections.get("experience") or [
        line for name, lines in sections.items() if name != "education" for line in lines
    ]
    years = years_of_experience(work, as_of or dt.date.today())
    stated = [int(m.group(1)) for m in EXPLICIT_YEARS.finditer(text)]
    if stated and (years is None or max(stated) > years):
        years = float(max(stated))
    contact_lines = header + [
        ln for ln in text.splitlines() if re.search(r"phone|tel|mobile", ln, re.I)
    ]
    education = [line for line in sections.get("education", []) if degree_level([line]) is not None]
    return Resume(
        source=source,
        text=text,
        name=find_name(header),
        email=find_email(text),
        phone=find_phone(contact_lines),
        skills=find_skills(text),
        years=years,
        education=education,
        degree=degree_level(education),
        titles=find_titles(sections.get("experience", [])),
        sentences=sentences(sections),
    )
