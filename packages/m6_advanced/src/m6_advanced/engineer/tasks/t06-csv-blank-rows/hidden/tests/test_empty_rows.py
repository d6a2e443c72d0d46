import io

from contacts.importer import import_contacts


def test_spreadsheet_export_with_empty_rows():
    text = (
        "email,name,city\n"
        "ada@example.com,Ada,London\n"
        "bob@example.org,Bob,Paris\n"
        ",,\n"
        "cy@example.net,Cy,Rome\n"
        " , ,\n"
        ",,\n"
        ",,\n"
    )
    result = import_contacts(io.StringIO(text))
    assert result.ok, result.errors
    assert [c.email for c in result.contacts] == [
        "ada@example.com",
        "bob@example.org",
        "cy@example.net",
    ]


def test_a_row_with_a_name_but_no_email_is_still_an_error():
    result = import_contacts(io.StringIO("email,name\n,,\n,Dora\n"))
    assert len(result.errors) == 1
    assert "row 3" in result.errors[0]
