import pytest
from notes.notebook import Notebook
from notes.reader import NotebookFormatError, loads
from notes.writer import dumps


def test_round_trip(tmp_path):
    book = Notebook()
    book.add("Kick-off", "Budget approved.\n=== not a header\n\\backslash", ["meeting", "budget"])
    book.add("Ideas")
    book.save(tmp_path / "book.notes")
    again = Notebook.load(tmp_path / "book.notes")
    assert again.notes == book.notes


def test_format_is_readable():
    book = Notebook()
    book.add("Kick-off", "Budget approved.", ["meeting", "budget"])
    assert dumps(book.notes) == "=== Kick-off\ntags: meeting, budget\nBudget approved.\n"


def test_tagged():
    book = Notebook()
    book.add("A", tags=["x"])
    book.add("B", tags=["y", "x"])
    assert [note.title for note in book.tagged("x")] == ["A", "B"]


def test_not_a_notebook():
    with pytest.raises(NotebookFormatError, match="line 1"):
        loads("hello\n")
