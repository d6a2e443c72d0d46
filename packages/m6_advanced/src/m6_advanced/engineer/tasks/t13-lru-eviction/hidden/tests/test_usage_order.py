from cachekit.lru import LRUCache
from cachekit.memo import memoize


def test_reading_the_oldest_entry_protects_it():
    cache = LRUCache(3)
    for key in "abc":
        cache.put(key, key.upper())
    assert cache.get("a") == "A"
    cache.put("d", "D")
    assert cache.keys() == ["d", "a", "c"]
    cache.put("e", "E")
    assert cache.keys() == ["e", "d", "a"]
    assert cache.stats.evictions == 2


def test_updating_the_oldest_entry_protects_it():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 10)
    cache.put("c", 3)
    assert cache.keys() == ["c", "a"]
    assert cache.get("a") == 10


def test_a_long_random_workload_matches_a_simple_model():
    import random

    rng = random.Random(7)
    cache, model = LRUCache(5), []
    for _ in range(2000):
        key = rng.randrange(12)
        if rng.random() < 0.5:
            hit = cache.get(key)
            assert (hit is not None) == (key in model)
            if key in model:
                model.remove(key)
                model.insert(0, key)
        else:
            cache.put(key, key)
            if key in model:
                model.remove(key)
            elif len(model) == 5:
                model.pop()
            model.insert(0, key)
        assert cache.keys() == model


def test_memoize_keeps_hot_arguments():
    calls = []

    @memoize(maxsize=2)
    def double(n):
        calls.append(n)
        return 2 * n

    for n in [1, 2, 1, 3, 1, 2]:
        double(n)
    assert calls == [1, 2, 3, 2]
