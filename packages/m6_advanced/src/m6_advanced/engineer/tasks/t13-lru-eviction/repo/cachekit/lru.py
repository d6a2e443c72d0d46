"""A least-recently-used cache: a dict for lookups, a linked list for the usage order."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from cachekit.linked import LinkedList, Node
from cachekit.stats import CacheStats

MISSING = object()


class LRUCache:
    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.nodes: dict[Hashable, Node] = {}
        self.order = LinkedList()
        self.stats = CacheStats()

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, key: Hashable) -> bool:
        return key in self.nodes

    def get(self, key: Hashable, default: Any = None) -> Any:
        node = self.nodes.get(key)
        if node is None:
            self.stats.misses += 1
            return default
        self.stats.hits += 1
        self.order.move_to_front(node)
        return node.value

    def put(self, key: Hashable, value: Any) -> None:
        node = self.nodes.get(key)
        if node is not None:
            node.value = value
            self.order.move_to_front(node)
            return
        if len(self.nodes) >= self.capacity:
            evicted = self.order.pop_back()
            del self.nodes[evicted.key]
            self.stats.evictions += 1
        node = Node(key, value)
        self.order.push_front(node)
        self.nodes[key] = node

    def keys(self) -> list[Hashable]:
        """Most recently used first."""
        return [node.key for node in self.order]
