"""Building the payload sent to the push service, which rejects anything over its limits."""

from __future__ import annotations

from notify.templates import render
from notify.text import shorten

TITLE_LIMIT = 28
BODY_LIMIT = 60


class PayloadError(ValueError):
    """A payload the push service would reject."""


def validate(payload: dict[str, str]) -> dict[str, str]:
    if len(payload["title"]) > TITLE_LIMIT:
        raise PayloadError(f"title longer than {TITLE_LIMIT} characters")
    if len(payload["body"]) > BODY_LIMIT:
        raise PayloadError(f"body longer than {BODY_LIMIT} characters")
    return payload


def payload(device: str, event: str, **values: str) -> dict[str, str]:
    title, body = render(event, **values)
    return validate(
        {
            "to": device,
            "title": shorten(title, TITLE_LIMIT),
            "body": shorten(body, BODY_LIMIT),
        }
    )
