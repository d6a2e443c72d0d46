from notify.push import TITLE_LIMIT, payload
from notify.text import shorten


def test_the_example_from_the_issue():
    assert shorten("Refund approved for order 991", 10) == "Refund ap…"
    assert shorten("Internationalization", 8) == "Interna…"


def test_a_shortened_text_fits_the_limit_and_ends_with_an_ellipsis():
    text = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    for limit in range(2, len(text)):
        cut = shorten(text, limit)
        assert len(cut) == limit
        assert cut.endswith("…")
    assert shorten(text, len(text)) == text


def test_the_reported_title():
    sent = payload("device-1", "refund_approved", order="1234", amount="$5")
    assert sent["title"].endswith("…")
    assert len(sent["title"]) <= TITLE_LIMIT
