from blog.posts import Blog
from blog.slugs import slugify


def test_the_reported_titles():
    assert slugify("What's new in v2.0?") == "whats-new-in-v2-0"
    assert slugify("(Draft) Roadmap for 2025") == "draft-roadmap-for-2025"
    assert Blog().publish("What's new in v2.0?", "...").url == "/posts/whats-new-in-v2-0"


def test_no_dash_at_either_end():
    for title in ["...Hello!!!", "  spaced out  ", "¿Qué tal?", "Rock & Roll!", "-dashes-"]:
        slug = slugify(title)
        assert slug and not slug.startswith("-") and not slug.endswith("-"), (title, slug)


def test_a_cut_never_ends_with_a_dash():
    title = "Twelve chars " * 10
    full = "-".join(["twelve-chars"] * 10)
    for max_length in range(20, 61):
        slug = slugify(title, max_length)
        assert len(slug) <= max_length
        assert not slug.endswith("-")
        assert full.startswith(slug)
