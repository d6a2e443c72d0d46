import pytest
from cachekit.linked import LinkedList, Node


def keys(linked):
    return [node.key for node in linked]


def test_push_and_pop():
    linked = LinkedList()
    for key in "abc":
        linked.push_front(Node(key, None))
    assert keys(linked) == ["c", "b", "a"]
    assert linked.pop_back().key == "a"
    assert keys(linked) == ["c", "b"] and len(linked) == 2


def test_move_a_middle_node_to_front():
    linked = LinkedList()
    nodes = [Node(key, None) for key in "abc"]
    for node in nodes:
        linked.push_front(node)
    linked.move_to_front(nodes[1])
    assert keys(linked) == ["b", "c", "a"]
    assert linked.pop_back().key == "a"


def test_pop_from_empty():
    with pytest.raises(IndexError):
        LinkedList().pop_back()
