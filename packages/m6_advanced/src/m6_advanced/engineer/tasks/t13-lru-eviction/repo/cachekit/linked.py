"""A doubly linked list of cache entries, most recently used at the head.

Every operation is O(1): the cache keeps a dict from key to node, so it never searches.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(eq=False)
class Node:
    key: Hashable
    value: Any
    prev: Node | None = None
    next: Node | None = None


class LinkedList:
    def __init__(self) -> None:
        self.head: Node | None = None
        self.tail: Node | None = None
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[Node]:
        node = self.head
        while node is not None:
            yield node
            node = node.next

    def push_front(self, node: Node) -> None:
        node.prev, node.next = None, self.head
        if self.head is not None:
            self.head.prev = node
        self.head = node
        if self.tail is None:
            self.tail = node
        self.size += 1

    def unlink(self, node: Node) -> None:
        if node.prev is not None:
            node.prev.next = node.next
        else:
            self.head = node.next
        if node.next is not None:
            node.next.prev = node.prev
        else:
            self.tail = node.prev
        node.prev = node.next = None
        self.size -= 1

    def move_to_front(self, node: Node) -> None:
        """Make ``node`` the head, in place (no allocation, the size is unchanged)."""
        if node is self.head:
            return
        assert node.prev is not None  # not the head, so it has a predecessor
        node.prev.next = node.next
        if node.next is not None:
            node.next.prev = node.prev
        node.prev, node.next = None, self.head
        if self.head is not None:
            self.head.prev = node
        self.head = node

    def pop_back(self) -> Node:
        """Remove and return the tail (the least recently used entry)."""
        if self.tail is None:
            raise IndexError("pop from an empty list")
        node = self.tail
        self.unlink(node)
        return node
