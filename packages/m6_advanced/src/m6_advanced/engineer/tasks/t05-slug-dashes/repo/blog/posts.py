"""Posts and the blog that publishes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from blog.slugs import unique_slug


@dataclass(frozen=True)
class Post:
    title: str
    slug: str
    body: str
    published: date

    @property
    def url(self) -> str:
        return f"/posts/{self.slug}"


@dataclass
class Blog:
    posts: dict[str, Post] = field(default_factory=dict)

    def publish(self, title: str, body: str, published: date | None = None) -> Post:
        if not title.strip():
            raise ValueError("a post needs a title")
        post = Post(title, unique_slug(title, self.posts), body, published or date.today())
        self.posts[post.slug] = post
        return post

    def latest(self, count: int = 5) -> list[Post]:
        return sorted(self.posts.values(), key=lambda post: post.published, reverse=True)[:count]
