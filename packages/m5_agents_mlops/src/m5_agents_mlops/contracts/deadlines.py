"""Deadlines from a contract's facts: real calendar arithmetic, with the conventions spelled out.

"By when must I give notice to terminate?" is date arithmetic that is easy to get wrong by a
day, and a day late can mean another year of rent. The conventions used here:

- **Months and years clamp to the month's end** (``dateutil.relativedelta``): 31 January plus
  one month is 28 February (29 in a leap year); 29 February 2024 plus one year is 28 February
  2025. Adding a *multiple* is done in one step from the start (31 Jan + 2 months = 31 Mar),
  so renewals do not drift towards the 28th.
- **Business days skip Saturdays and Sundays** (public holidays differ by country and are not
  in the contract's facts; a deadline that matters should be checked against a calendar).
- **A term includes its first and last day**: a 12-month term from 1 March 2026 ends on
  28 February 2027, and a renewal starts the day after the previous term ends.
- **Notice "not less than N days before the end of the term"**: the last day to give notice is
  ``term_end - N``, the term's last day minus the notice period, and that day itself is still
  in time. Notice of 90 days for a term ending 28 February 2027: 30 November 2026.
- **The current term** is the one in force today: the initial term, rolled forward by the
  renewal period until its last day is today or later. If its notice deadline has already
  passed and the contract renews, the answer is the next deadline that can still be met.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict

from m5_agents_mlops.contracts.facts import ContractFacts, Duration
from m5_agents_mlops.errors import AgentError

MAX_RENEWALS = 100_000
"""Bound on renewals rolled forward (a one-day renewal over 270 years): guards a runaway loop."""


class FactMissing(AgentError):
    """The contract does not state a fact a computation needs; ``missing`` names the fields."""

    status = 422  # the API's answer: the request is fine, the contract lacks the fact

    def __init__(self, missing: list[str], why: str) -> None:
        self.missing = missing
        super().__init__(f"missing {', '.join(missing)}: {why}")


class Deadline(BaseModel):
    """The last day to give notice, the end of the term it stops, and how that was worked out."""

    model_config = ConfigDict(extra="forbid")
    last_day: date
    term_end: date
    notice: Duration
    explanation: str
    passed: bool = False
    """True when even the last day is before ``today`` (a contract that does not renew)."""


def _business_days(d: date, count: int) -> date:
    """Move ``count`` weekdays forward (negative: back), counting from the day after ``d``."""
    step = 1 if count > 0 else -1
    remaining = abs(count)
    # Whole weeks first (five weekdays are seven days from any weekday), so a long count costs
    # no more than a short one. From a weekend day, the weekday just behind us counts the same.
    if remaining >= 5:
        while d.weekday() >= 5:
            d -= timedelta(days=step)
        weeks, remaining = divmod(remaining, 5)
        d += timedelta(days=7 * weeks * step)
    while remaining:
        d += timedelta(days=step)
        if d.weekday() < 5:
            remaining -= 1
    return d


def _shift(d: date, duration: Duration, sign: int) -> date:
    count = sign * duration.value
    if duration.unit == "day":
        return d + timedelta(days=count)
    if duration.unit == "week":
        return d + timedelta(weeks=count)
    if duration.unit == "month":
        return d + relativedelta(months=count)
    if duration.unit == "year":
        return d + relativedelta(years=count)
    return _business_days(d, count)


def add(d: date, duration: Duration) -> date:
    """``d`` plus a duration: ``add(date(2024, 1, 31), Duration(value=1, unit="month"))`` is
    29 February 2024; business days skip weekends (Friday + 1 business day = Monday)."""
    return _shift(d, duration, +1)


def subtract(d: date, duration: Duration) -> date:
    """``d`` minus a duration, with the same clamping and weekend rules as ``add``."""
    return _shift(d, duration, -1)


def _times(duration: Duration, k: int) -> Duration:
    return Duration(value=duration.value * k, unit=duration.unit)


def _kth_end(first_end: date, renewal: Duration | None, k: int) -> date:
    """Last day of the k-th renewal (k = 0: the initial term) counted from the first renewal's start."""
    if k == 0 or renewal is None:
        return first_end
    return add(first_end + timedelta(days=1), _times(renewal, k)) - timedelta(days=1)


def _roll(first_end: date, renewal: Duration | None, today: date) -> tuple[int, date]:
    """(k, last day) of the first term, initial or renewed, whose last day is today or later."""
    k, end = 0, first_end
    while renewal is not None and end < today:
        k += 1
        if k > MAX_RENEWALS:
            raise FactMissing(["auto_renewal"], f"renewal of {renewal} rolls forward too far")
        end = _kth_end(first_end, renewal, k)
    return k, end


def current_term_end(
    effective: date, term: Duration, auto_renewal: Duration | None, today: date
) -> date:
    """Last day of the term in force on ``today``: the initial term's last day, rolled forward by
    whole renewals while it is before today. Without renewals it is the initial term's end,
    even when that is in the past (the contract has expired)."""
    first_end = add(effective, term) - timedelta(days=1)
    return _roll(first_end, auto_renewal, today)[1]


def _long(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _first_end(facts: ContractFacts) -> date:
    if facts.effective_date is not None and facts.term is not None:
        return add(facts.effective_date, facts.term) - timedelta(days=1)
    if facts.end_date is not None:
        return facts.end_date
    missing = [f for f in ("effective_date", "term") if getattr(facts, f) is None]
    raise FactMissing(
        ["end_date", *missing],
        "the contract states neither an end date nor a start date and a term, so there is no "
        "term end to count back from (an open-ended contract ends a notice period after notice "
        "is given)",
    )


def notice_deadline(facts: ContractFacts, today: date) -> Deadline:
    """The last day to give notice so the contract ends at the end of the current term.

    Raises ``FactMissing`` naming what the contract does not state: its notice period, or its
    end (an end date, or an effective date and a term).
    """
    notice = facts.notice_period
    if notice is None:
        raise FactMissing(["notice_period"], "the contract states no notice period")
    first_end = _first_end(facts)
    renewal = facts.auto_renewal
    k, term_end = _roll(first_end, renewal, today)
    last_day = subtract(term_end, notice)
    notes: list[str] = []
    while renewal is not None and last_day < today and k < MAX_RENEWALS:
        notes.append(
            f"The deadline for the term ending {_long(term_end)} was {_long(last_day)}, already "
            f"past, so the contract renews for {renewal}."
        )
        k += 1
        term_end = _kth_end(first_end, renewal, k)
        last_day = subtract(term_end, notice)
    which = "initial term" if k == 0 else f"term (renewal {k})"
    lines = [
        *notes,
        f"The current {which} ends on {_long(term_end)}.",
        f"Notice of {notice} before that day means notice must be given no later than "
        f"{_long(last_day)} ({term_end.isoformat()} minus {notice}).",
    ]
    passed = last_day < today
    if passed:
        lines.append(f"That day has passed (today is {_long(today)}).")
    elif renewal is not None:
        lines.append(f"Otherwise the contract renews automatically for {renewal}.")
    return Deadline(
        last_day=last_day,
        term_end=term_end,
        notice=notice,
        explanation=" ".join(lines),
        passed=passed,
    )
