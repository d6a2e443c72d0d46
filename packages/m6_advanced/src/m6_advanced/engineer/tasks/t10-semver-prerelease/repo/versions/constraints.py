"""Version constraints as in requirement files: '>=1.2.0', '<2.0.0', '==1.4.1', comma-joined."""

from __future__ import annotations

from versions.ordering import compare

OPERATORS = {
    ">=": lambda c: c >= 0,
    "<=": lambda c: c <= 0,
    "==": lambda c: c == 0,
    "!=": lambda c: c != 0,
    ">": lambda c: c > 0,
    "<": lambda c: c < 0,
}


def satisfies(version: str, constraint: str) -> bool:
    """Whether ``version`` meets every comma-separated clause of ``constraint``."""
    for clause in constraint.split(","):
        clause = clause.strip()
        operator = next((op for op in OPERATORS if clause.startswith(op)), None)
        if operator is None:
            raise ValueError(f"{clause!r}: start with one of {' '.join(OPERATORS)}")
        if not OPERATORS[operator](compare(version, clause[len(operator) :].strip())):
            return False
    return True
