from datetime import date

from blog.posts import Blog
from blog.slugs import slugify, unique_slug


def test_slugify_words():
    assert slugify("Hello World") == "hello-world"
    assert slugify("Crème Brûlée   Recipes") == "creme-brulee-recipes"
    assert slugify("Don't panic") == "dont-panic"


def test_unique_slugs_get_a_number():
    assert unique_slug("Hello World", {"hello-world"}) == "hello-world-2"
    assert unique_slug("Hello World", {"hello-world", "hello-world-2"}) == "hello-world-3"


def test_publish_and_latest():
    blog = Blog()
    first = blog.publish("Hello World", "...", date(2024, 1, 1))
    second = blog.publish("Hello world", "...", date(2024, 2, 1))
    assert (first.url, second.url) == ("/posts/hello-world", "/posts/hello-world-2")
    assert blog.latest(1) == [second]
