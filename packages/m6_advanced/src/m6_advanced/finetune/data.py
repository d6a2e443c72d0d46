"""The instruction set: numbered passages + a question → a one- or two-sentence answer citing ``[n]``.

Each example is a prompt in **month 4's RAG format** (``m4_genai.rag.build_messages``: its system
rule "cite the sources you use as [1], [2], ...", then ``Sources:`` with ``[n] file:line`` blocks and
``Question: ... Answer:``) and the answer a careful reader would write, with the citation in place.
So a model tuned here answers month 4's chain the way the chain asks, no new prompt to learn.

Where the text comes from (all offline, all real):

- the question, the reference answer and the passage that holds it: month 6's golden set
  ``evaluation/golden/pydoc.jsonl`` (questions written for the Python language reference, the
  passage copied verbatim from ``pydoc_data.topics``); only the answerable questions are used (the
  chain refuses the others before it asks a model, see ``m4_genai.rag``);
- two distractor passages per example: paragraphs of *other* sections of ``pydoc_data.topics``,
  chosen by a seeded generator, so the model must find the passage that answers;
- the position of the answering passage cycles 1, 2, 3 through each split: a model that always
  writes ``[1]`` is right a third of the time, not always.

Splits (never mixed): the golden set's **dev** questions are our **train** split; its **test**
questions are shuffled with a fixed seed into our **dev** (tune on it) and **test** (report on it).
So nothing eval-rag reports on is ever trained on.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache

from m4_genai.llm.base import Message
from m4_genai.rag import RagConfig, build_messages
from m4_genai.retrieval.chunks import Chunk, Hit
from m6_advanced.errors import AdvancedError
from m6_advanced.evaluation.golden import load_golden_file

SPLITS = ("train", "dev", "test")
PASSAGES = 3
"""Passages per prompt: month 4's default k."""
DEV_SHARE = 1 / 3
"""Share of the golden test questions that become our dev split (the rest: our test split)."""
MAX_PASSAGE_CHARS = 200
"""Distractors are cut to at most this many characters: short prompts keep CPU training fast."""
SPLIT_SEED = 17
"""Fixed, not ``--seed``: the test split must not move between runs."""


@dataclass(frozen=True)
class Example:
    """One instruction: passages and a question in, a cited answer out."""

    id: str
    split: str
    question: str
    passages: tuple[str, ...]
    sources: tuple[str, ...]
    """The file each passage comes from (``assert.txt``: the ``assert`` section of pydoc)."""
    gold: int
    """1-based number of the passage that answers the question."""
    reference: str
    """The golden reference answer, without a citation."""

    @property
    def answer(self) -> str:
        """The target: the reference with ``[gold]`` before its final full stop."""
        return cite(self.reference, self.gold)

    def messages(self) -> list[Message]:
        """The prompt, exactly as month 4's RAG chain builds it (system rule + sources + question)."""
        hits = [
            Hit(Chunk(text=text, source=source), score=0.0, similarity=0.0)
            for text, source in zip(self.passages, self.sources, strict=True)
        ]
        config = RagConfig(k=len(hits), context_tokens=2048, max_new_tokens=64)
        messages, truncated = build_messages(self.question, hits, config)
        if truncated:  # never expected with passages this short; a silent cut would be worse
            raise AdvancedError(f"{self.id}: the prompt does not fit month 4's budget")
        return messages


def cite(reference: str, number: int) -> str:
    """``"They are skipped."`` → ``"They are skipped [2]."`` (month 4: the number after the claim)."""
    text = reference.strip()
    if text and text[-1] in ".!?":
        return f"{text[:-1]} [{number}]{text[-1]}"
    return f"{text} [{number}]"


def _prose_paragraphs(text: str) -> list[str]:
    """Paragraphs of one pydoc section that are prose: no grammar/code block, no title."""
    found = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        if not lines or any(line.startswith("   ") for line in lines):
            continue  # an indented block is code or grammar
        if len(lines) > 1 and set(lines[-1].strip()) <= set("*=-"):
            continue  # a title with its underline
        paragraph = " ".join(line.strip() for line in lines)
        short = _shorten(paragraph)
        if 80 <= len(short) <= MAX_PASSAGE_CHARS and not short.endswith(":"):
            found.append(short)
    return found


def _shorten(paragraph: str) -> str:
    """Whole sentences up to ``MAX_PASSAGE_CHARS`` (the first one even if longer: then dropped)."""
    sentences = re.split(r"(?<=[.!?])\s+", paragraph)
    kept = sentences[0]
    for sentence in sentences[1:]:
        if len(kept) + 1 + len(sentence) > MAX_PASSAGE_CHARS:
            break
        kept += " " + sentence
    return kept


@cache
def distractor_pool() -> dict[str, tuple[str, ...]]:
    """``{"assert.txt": (paragraph, ...), ...}`` from ``pydoc_data.topics`` (79 sections)."""
    from pydoc_data.topics import topics

    pool = {f"{name}.txt": tuple(_prose_paragraphs(text)) for name, text in sorted(topics.items())}
    return {source: paragraphs for source, paragraphs in pool.items() if paragraphs}


def _split_of(golden_split: str, position: int, dev_count: int) -> str:
    if golden_split == "dev":
        return "train"
    return "dev" if position < dev_count else "test"


def build_examples(golden: str = "pydoc") -> list[Example]:
    """Every example of the instruction set, in a fixed order (train, then dev, then test)."""
    items = [item for item in load_golden_file(golden) if item.answerable]
    if not items:
        raise AdvancedError(f"golden set {golden!r} has no answerable question")
    test_items = [item for item in items if item.split != "dev"]
    random.Random(SPLIT_SEED).shuffle(test_items)
    dev_count = round(len(test_items) * DEV_SHARE)
    position = {item.id: i for i, item in enumerate(test_items)}
    pool = distractor_pool()
    examples = []
    counts = dict.fromkeys(SPLITS, 0)
    for item in [i for i in items if i.split == "dev"] + test_items:
        split = _split_of(item.split, position.get(item.id, 0), dev_count)
        gold = 1 + counts[split] % PASSAGES  # balanced: each position a third of each split
        counts[split] += 1
        rng = random.Random(f"{SPLIT_SEED}:{item.id}")  # one generator per example: stable order
        others = [source for source in pool if source not in item.sources]
        picked = rng.sample(others, PASSAGES - 1)
        distractors = [(rng.choice(pool[source]), source) for source in picked]
        answering = (" ".join(item.reference_contexts), item.sources[0])
        blocks = [*distractors[: gold - 1], answering, *distractors[gold - 1 :]]
        examples.append(
            Example(
                id=item.id,
                split=split,
                question=item.question,
                passages=tuple(text for text, _ in blocks),
                sources=tuple(source for _, source in blocks),
                gold=gold,
                reference=item.reference,
            )
        )
    return examples


def split_examples(examples: list[Example]) -> dict[str, list[Example]]:
    """``{"train": [...], "dev": [...], "test": [...]}``."""
    return {name: [e for e in examples if e.split == name] for name in SPLITS}
