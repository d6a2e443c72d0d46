"""Small statistics every month reports with: how far a measured proportion can be trusted.

A figure like "5 of 12 cited the right passage" or "hit rate 0.064 over 671 users" is a
proportion measured on a sample. The roadmap prints it with a 95 % interval so that two methods
whose intervals overlap are not called a win for either.
"""

from __future__ import annotations

import math


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of the proportion ``successes / n`` (95 % for ``z = 1.96``).

    Unlike the textbook ``p ± z·sqrt(p(1-p)/n)``, it stays inside [0, 1] and does not collapse to
    a zero-width interval at 0 or ``n`` successes, so it is honest for the small sets the golden
    suites use. With ``n = 0`` nothing was measured: the interval is all of [0, 1].
    """
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
