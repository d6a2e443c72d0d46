import io

import pytest
from contacts.importer import ImportFormatError, import_contacts
from contacts.model import Contact


def load(text):
    return import_contacts(io.StringIO(text))


def test_contacts_are_imported():
    result = load("Email,Name,City\nAda@Example.com,Ada,London\nbob@example.org,Bob,\n")
    assert result.ok
    assert result.contacts == [
        Contact("ada@example.com", "Ada", "London"),
        Contact("bob@example.org", "Bob", ""),
    ]


def test_bad_rows_are_reported_with_their_line():
    result = load("email,name\nnot-an-email,X\nada@example.com,Ada\nada@example.com,Ada\n")
    assert result.errors == [
        "row 2: 'not-an-email' is not an email address",
        "row 4: ada@example.com appears twice",
    ]


def test_a_file_without_email_column_is_refused():
    with pytest.raises(ImportFormatError):
        load("name,city\nAda,London\n")


def test_blank_lines_are_skipped():
    result = load("email\n\nada@example.com\n\n")
    assert result.ok and len(result.contacts) == 1
