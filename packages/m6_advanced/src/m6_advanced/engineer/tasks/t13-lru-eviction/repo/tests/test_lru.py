import pytest
from cachekit.lru import LRUCache
from cachekit.memo import memoize


def test_get_and_put():
    cache = LRUCache(2)
    cache.put("a", 1)
    assert cache.get("a") == 1
    assert cache.get("zzz", "default") == "default"
    assert str(cache.stats) == "1 hits, 1 misses (50%), 0 evictions"
    with pytest.raises(ValueError):
        LRUCache(0)


def test_oldest_entry_is_evicted():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    assert "a" not in cache
    assert cache.keys() == ["c", "b"]


def test_recently_used_item_survives_eviction():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)  # the cache is full: "b" must go
    assert cache.get("a") == 1
    assert "b" not in cache
    assert cache.keys() == ["a", "c"]


def test_memoize_counts_calls():
    calls = []

    @memoize(maxsize=4)
    def square(n):
        calls.append(n)
        return n * n

    assert [square(3), square(3), square(4)] == [9, 9, 16]
    assert calls == [3, 4]
