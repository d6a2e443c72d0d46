from textkit.case import headline


def test_headline_house_style():
    assert headline("the lord of the rings") == "The Lord of the Rings"
    assert headline("NASA plans a trip to mars") == "NASA Plans a Trip to Mars"
    assert headline("what are you looking at") == "What Are You Looking At"


def test_headline_ignores_extra_whitespace():
    assert (
        headline("  budget  talks\tresume\nafter the   summer ")
        == "Budget Talks Resume After the Summer"
    )
