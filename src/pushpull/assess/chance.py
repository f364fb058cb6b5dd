"""How often chance alone gives a result: a p-value in the words a reader can weigh."""

from __future__ import annotations

import math

__all__ = ["chance_odds"]

#: The "1 time in N" figures used: round numbers a reader can picture.
_NICE = (2, 3, 4, 5, 10, 20, 50, 100, 200, 500, 1000)


def chance_odds(p_value: float) -> str:
    """``0.05`` → ``about 1 time in 20``; tiny values → ``less than 1 time in 1,000``."""
    if p_value <= 1 / _NICE[-1]:
        return f"less than 1 time in {_NICE[-1]:,}"
    if p_value >= 0.5:
        return "about every other time, or more often"
    n = 1 / p_value
    nice = min(_NICE, key=lambda k: abs(math.log(k / n)))
    return f"about 1 time in {nice:,}"
