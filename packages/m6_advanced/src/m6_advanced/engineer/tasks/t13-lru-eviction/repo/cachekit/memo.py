"""``@memoize(maxsize)``: cache a function's results by its positional arguments."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from cachekit.lru import MISSING, LRUCache


def memoize(maxsize: int = 128) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        cache = LRUCache(maxsize)

        @functools.wraps(function)
        def wrapper(*args: Any) -> Any:
            value = cache.get(args, MISSING)
            if value is MISSING:
                value = function(*args)
                cache.put(args, value)
            return value

        wrapper.cache = cache  # type: ignore[attr-defined]
        return wrapper

    return decorate
