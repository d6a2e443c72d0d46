from notes.notebook import Notebook


def test_the_reported_note(tmp_path):
    book = Notebook()
    book.add("Kick-off", "Budget approved.", tags=["Smith, John", "meeting"])
    book.save(tmp_path / "clients.notes")
    again = Notebook.load(tmp_path / "clients.notes")
    assert again.notes[0].tags == ["Smith, John", "meeting"]
    assert [note.title for note in again.tagged("Smith, John")] == ["Kick-off"]


def test_any_tag_survives_a_round_trip(tmp_path):
    tags = ["a,b", ",", "c\\,d", 'say "hi"', "tail\\", "x, y, z", "[list]", "plain"]
    book = Notebook()
    book.add("First", "body", tags=tags)
    book.add("Second", "more", tags=["one, two"])
    book.save(tmp_path / "book.notes")
    again = Notebook.load(tmp_path / "book.notes")
    assert again.notes == book.notes
