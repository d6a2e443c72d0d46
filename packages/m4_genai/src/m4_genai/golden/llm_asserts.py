"""Assertions for unit-testing LLM apps: check what an answer *says*, not its exact wording.

An LLM's answer changes with the model, the prompt and the seed, so ``assert answer == "..."`` is
the wrong test. What a RAG or agent test can pin down instead:

- ``assert_cites(answer, 2)`` / ``assert_cites(answer, "contract.md", sources=...)``: the answer
  cites that source (``[2]``, or the number of the source with that path);
- ``assert_contains_facts(answer, ["30 days", ("England", "English law")])``: every fact appears
  as whole words (case, spacing, punctuation and thousands commas ignored: "1,000" = "1000"; a
  tuple is "any of these"). A fact that is only a number ("12.5") is compared by value with each
  number in the answer, so "12.50" matches it (and a lone "3.1" matches "3.10"); inside a phrase,
  digits are compared as written, so "Python 3.1" is not found in "Python 3.10", nor "12" in "1,2";
- ``assert_excludes(answer, ["Paris"])``: none of these appears (a known hallucination);
- ``assert_valid_json(text, schema)``: the text is JSON that matches a JSON Schema (returns it);
- ``assert_within_tokens(text, 200, count=tokenizer)``: the answer fits a token budget;
- ``assert_stable(lambda seed: ask(seed), seeds=[0, 1, 2])``: the same answer (or the same facts,
  with ``facts=``) whatever the seed.

Each one raises ``AssertionError`` with a message that says what was missing, so a failing test
reads like a review comment: ``answer misses 1 of 2 facts: ['30 days'] — answer: '...'``. They are
plain functions: pytest shows their message, and they work outside pytest too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

Fact = str | tuple[str, ...]
"""A phrase that must (or must not) appear; a tuple means "any one of these spellings"."""

_CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_THOUSANDS = re.compile(r"(?<!\d)(?<!\d[.,])\d{1,3}(?:,\d{3})+(?!,?\d)")
"""A number written with thousands commas, "1,234,567"; not "1,2,3", nor a part of "1,234,56"."""
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n\s*```\s*$", re.DOTALL)


def _show(text: str, limit: int = 300) -> str:
    """The text for an error message: one line, cut at ``limit`` characters."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[:limit] + "…")


def normalise(text: str) -> str:
    """Lower case, thousands commas dropped, other punctuation dropped, single spaces: how facts
    are compared. Digits are otherwise kept as written ("3.10" stays "3.10", "1,2" becomes "1 2"),
    because a version or a list is not a number to round."""
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text.lower())
    text = re.sub(r"[^\w\s.%$€£]|(?<!\d)\.|\.(?!\d)", " ", text)  # keep 1.5 and 2%, drop the rest
    return " ".join(text.split())


def _same_number(number: str, words: str) -> bool:
    """Is one of the space-separated ``words`` the number ``number`` by value ("12.50" = "12.5",
    "30.0" = "30")? Only whole words count: "3.1" is not found in "13.1" or "3.1.2"."""
    value = Decimal(number)
    return any(_DECIMAL.fullmatch(word) and Decimal(word) == value for word in words.split())


def _present(fact: Fact, answer: str) -> bool:
    """Does the answer contain the fact (any of its spellings), as whole words? A spelling that
    is just a number is compared by value with the answer's numbers; one that is all punctuation
    (``":="``) is looked for as it is, case-insensitively."""
    spellings = (fact,) if isinstance(fact, str) else fact
    normalised = normalise(answer)
    for spelling in spellings:
        words = normalise(spelling)
        if _DECIMAL.fullmatch(words):
            found = _same_number(words, normalised)
        elif words:
            found = f" {words} " in f" {normalised} "
        else:
            found = spelling.lower() in answer.lower()
        if found:
            return True
    return False


def cited_numbers(answer: str) -> set[int]:
    """The source numbers cited in ``answer``: ``[1]``, ``[2, 3]`` and ``[1][4]`` all count."""
    return {int(n) for group in _CITATION.findall(answer) for n in re.findall(r"\d+", group)}


def assert_cites(answer: str, source: int | str, sources: Sequence[str] | None = None) -> None:
    """The answer cites ``source``: a number (``[n]`` in the answer) or a path.

    A path is cited when it appears in the answer, or when ``sources`` (the citations in prompt
    order, e.g. ``RagAnswer.citations()`` or a list of paths; numbered from 1) has it at a number
    the answer cites.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    cited = sorted(cited_numbers(answer))
    if isinstance(source, int):
        assert source in cited, f"answer does not cite [{source}] (cites {cited}): {_show(answer)}"
        return
    if source in answer:
        return
    numbers = [n for n, text in enumerate(sources or [], start=1) if source in text]
    assert numbers, (
        f"{source!r} is not among the sources {list(sources or [])} and not in the answer"
    )
    assert set(numbers) & set(cited), (
        f"answer does not cite {source!r} (it is source {numbers}; the answer cites {cited}): "
        f"{_show(answer)}"
    )


def assert_contains_facts(answer: str, facts: Iterable[Fact]) -> None:
    """Every fact appears in the answer as whole words (case, spacing, punctuation and thousands
    commas ignored; a fact that is only a number is compared by value)."""
    __tracebackhide__ = True
    facts = list(facts)
    missing = [fact for fact in facts if not _present(fact, answer)]
    assert not missing, (
        f"answer misses {len(missing)} of {len(facts)} facts: {missing} — answer: {_show(answer)}"
    )


def assert_excludes(answer: str, facts: Iterable[Fact]) -> None:
    """None of the facts appears in the answer (say, a hallucination seen before)."""
    __tracebackhide__ = True
    present = [fact for fact in facts if _present(fact, answer)]
    assert not present, f"answer contains what it must not: {present} — answer: {_show(answer)}"


def assert_valid_json(text: str, schema: dict[str, Any] | None = None, fenced: bool = True) -> Any:
    """``text`` is JSON (inside a ```json fence is accepted unless ``fenced=False``) matching the
    JSON Schema ``schema``; returns the parsed value."""
    __tracebackhide__ = True
    body = text
    if fenced and (match := _FENCE.match(text)):
        body = match.group(1)
    try:
        value = json.loads(body)
    except json.JSONDecodeError as error:
        raise AssertionError(
            f"not valid JSON ({error.msg} at char {error.pos}): {_show(text)}"
        ) from None
    if schema is not None:
        import jsonschema  # only needed here: keeps importing this module cheap

        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(value), key=str)
        if errors:
            where = lambda e: "/".join(map(str, e.absolute_path)) or "(root)"  # noqa: E731
            problems = "; ".join(f"at {where(e)}: {e.message}" for e in errors[:5])
            raise AssertionError(f"JSON does not match the schema: {problems} — {_show(text)}")
    return value


def count_word_pieces(text: str) -> int:
    """A tokenizer-free count: words and punctuation marks. Real BPE tokenizers give about
    1.3 tokens per English word, so pass the model's tokenizer for a tight budget."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def _counter(count: Any) -> Callable[[str], int]:
    """``count`` as a function: None → ``count_word_pieces``; a tokenizer → its ``encode`` length."""
    if count is None:
        return count_word_pieces
    if hasattr(count, "encode"):  # HF tokenizers, tiktoken encodings, m4's BPE
        return lambda text: len(count.encode(text))
    return count


def assert_within_tokens(text: str, budget: int, count: Any = None) -> int:
    """``text`` is at most ``budget`` tokens; returns the count. ``count``: a function
    ``str -> int`` or a tokenizer with ``encode`` (default: ``count_word_pieces``)."""
    __tracebackhide__ = True
    tokens = _counter(count)(text)
    assert tokens <= budget, (
        f"text is {tokens} tokens, {tokens - budget} over the budget of {budget}: {_show(text)}"
    )
    return tokens


def assert_stable(
    generate: Callable[[int], str], seeds: Sequence[int], facts: Iterable[Fact] | None = None
) -> list[str]:
    """``generate(seed)`` gives the same answer for every seed (compared normalised), or, with
    ``facts``, an answer containing all the facts for every seed. Returns the answers."""
    __tracebackhide__ = True
    answers = [generate(seed) for seed in seeds]
    if facts is not None:
        facts = list(facts)
        failures = {
            seed: [f for f in facts if not _present(f, answer)]
            for seed, answer in zip(seeds, answers, strict=True)
        }
        failures = {seed: missing for seed, missing in failures.items() if missing}
        assert not failures, f"facts missing for some seeds (seed: missing): {failures}"
        return answers
    first = normalise(answers[0])
    differ = [
        seed for seed, answer in zip(seeds, answers, strict=True) if normalise(answer) != first
    ]
    assert not differ, (
        f"answers differ across seeds: seed {seeds[0]} gave {_show(answers[0], 120)}, "
        f"seed {differ[0]} gave {_show(answers[seeds.index(differ[0])], 120)} "
        f"({len(differ)} of {len(seeds)} seeds differ from seed {seeds[0]})"
    )
    return answers
