"""A scripted team that really writes code: the ``--smoke`` run and the tests' happy path.

No model is loaded, but nothing else is faked: the Coder's files are real Python, their tests
really run in the sandbox, and the first version really fails one of them. The script is a
two-round story:

1. the Manager plans ``slugs.py`` with ``slugify(text)`` and its acceptance tests;
2. the Coder's first version replaces each odd character by its own ``-``, so
   ``"Hello, World!"`` becomes ``"hello--world"``; a test fails and the Reviewer asks for changes;
3. the second version collapses runs of them (``[^a-z0-9]+``); every test passes; approved.
"""

from __future__ import annotations

import json

from m4_genai.llm import ScriptedChatModel
from m5_agents_mlops.house.house import Team

SMOKE_TASK = "write slugify(text) that turns a title into a URL slug, with pytest tests"

SPEC = {
    "summary": "slugify(text): lower-case ASCII words joined by single hyphens",
    "files": [
        {"path": "slugs.py", "purpose": "the slugify function"},
        {"path": "test_slugs.py", "purpose": "pytest tests of slugify"},
    ],
    "functions": ["slugify(text: str) -> str"],
    "acceptance_tests": [
        "slugify('Hello World') == 'hello-world'",
        "punctuation and repeated separators collapse to one hyphen",
        "accents are removed: slugify('Crème brûlée') == 'creme-brulee'",
        "blank text gives ''",
    ],
}

MODULE = '''"""slugify: a title as a URL-friendly slug."""

import re
import unicodedata


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Hello, World!' -> 'hello-world'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(PATTERN, "-", ascii_text.lower()).strip("-")
'''

TESTS = """from slugs import slugify


def test_words_are_joined_by_hyphens():
    assert slugify("Hello World") == "hello-world"


def test_punctuation_collapses_to_one_hyphen():
    assert slugify("Hello, World!") == "hello-world"


def test_accents_are_removed():
    assert slugify("Crème brûlée") == "creme-brulee"


def test_blank_text_gives_empty_slug():
    assert slugify("   ") == ""
"""


def code_reply(pattern: str, notes: str, with_tests: bool = True) -> str:
    """The Coder's JSON reply with the module using ``pattern`` (and the tests, first time)."""
    files = [{"path": "slugs.py", "content": MODULE.replace("PATTERN", f'r"{pattern}"')}]
    if with_tests:
        files.append({"path": "test_slugs.py", "content": TESTS})
    return json.dumps({"files": files, "notes": notes})


def review(verdict: str, *comments: str) -> str:
    return json.dumps({"verdict": verdict, "comments": list(comments)})


def smoke_team() -> Team:
    """Three scripted models playing the two-round story above."""
    manager = ScriptedChatModel([json.dumps(SPEC)])
    coder = ScriptedChatModel(
        [
            code_reply("[^a-z0-9]", "first version"),
            code_reply("[^a-z0-9]+", "separators collapse now", with_tests=False),
        ]
    )
    reviewer = ScriptedChatModel(
        [
            review("REQUEST_CHANGES", "'Hello, World!' gives 'hello--world': collapse repeats"),
            review("APPROVE", "all acceptance tests pass"),
        ]
    )
    return Team(manager, coder, reviewer)
