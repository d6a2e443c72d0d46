"""RAG setups: the named configurations ``eval-rag`` compares (chunking, retrieval, reader).

A setup is everything that changes what the chain retrieves and says: how the corpus is cut
(``chunk_size``, ``chunk_overlap``), how many chunks reach the prompt (``k``), how they are found
(``mode``: dense, bm25, hybrid; ``rerank``), and which model reads them (``llm``, ``model``; None:
the run's ``--llm``/``--model``). ``--config`` takes one of three spellings:

    --config hybrid-k5                               # a shipped example (EXAMPLES)
    --config "wide:mode=hybrid,k=5,chunk_size=400"   # inline: name:key=value,key=value
    --config my_setups.toml                          # a file: JSON or TOML, one setup or many

A file holds one object (``{"name": "wide", "k": 5}``) or a list of them (JSON: ``[...]`` or
``{"configs": [...]}``; TOML: ``[[configs]]`` tables). Unknown keys and bad values are errors
that name the key and list the known ones, never silently ignored.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from m4_genai.llm import Kind
from m4_genai.retrieval.search import Mode
from m6_advanced.errors import EvalConfigError
from roadmap_data.errors import ConfigError
from roadmap_data.runkit import Config, require, require_at_least


@dataclass(frozen=True, kw_only=True)
class RagSetup(Config):
    """One RAG configuration under test."""

    name: str
    """How the report calls it (letters, digits, - _ .)."""
    chunk_size: int = 1000
    """Characters per chunk when the corpus is indexed (one index per chunk setting)."""
    chunk_overlap: int = 150
    """Characters shared by neighbouring chunks."""
    k: int = 3
    """Chunks put in the prompt."""
    mode: Mode = "hybrid"
    """Retrieval: dense (embeddings), bm25 (keywords) or hybrid (both, fused by RRF)."""
    rerank: bool = False
    """Rerank the first stage's top `candidates` by late interaction (month 4's reranker)."""
    candidates: int = 5
    """Chunks the reranker reads again."""
    llm: Kind | None = None
    """Reader for this setup (None: the run's --llm)."""
    model: str | None = None
    """Catalogue model for a local reader (None: the run's --model)."""

    def validate(self) -> None:
        require(
            bool(self.name) and all(c.isalnum() or c in "-_." for c in self.name),
            f"setup name {self.name!r} must be letters, digits, '-', '_' or '.'",
        )
        require_at_least(50, chunk_size=self.chunk_size)
        require_at_least(0, chunk_overlap=self.chunk_overlap)
        require(self.chunk_overlap < self.chunk_size, "chunk_overlap must be below chunk_size")
        require_at_least(1, k=self.k)
        require_at_least(self.k, candidates=self.candidates)

    @property
    def index_key(self) -> str:
        """Setups with the same key share one index (only chunking changes the index)."""
        return f"c{self.chunk_size}-o{self.chunk_overlap}"

    def describe(self) -> str:
        """``hybrid k=5 chunk 400/150 rerank`` for tables."""
        extras = " rerank" if self.rerank else ""
        reader = f" {self.llm}" if self.llm else ""
        reader += f":{self.model}" if self.model else ""
        return (
            f"{self.mode} k={self.k} chunk {self.chunk_size}/{self.chunk_overlap}{extras}{reader}"
        )


EXAMPLES: dict[str, dict[str, Any]] = {
    "dense-k3": {"mode": "dense", "k": 3},
    "bm25-k3": {"mode": "bm25", "k": 3},
    "hybrid-k3": {"mode": "hybrid", "k": 3},
    "hybrid-k5": {"mode": "hybrid", "k": 5},
    "hybrid-k3-c400": {"mode": "hybrid", "k": 3, "chunk_size": 400, "chunk_overlap": 60},
    "hybrid-k3-rerank": {"mode": "hybrid", "k": 3, "rerank": True},
}
"""Shipped example setups, usable by name: ``--config hybrid-k5``."""


def _value(text: str) -> Any:
    """An inline value: JSON where it parses (3, 0.5, true, null), the plain string otherwise."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def build_setup(values: dict[str, Any], where: str) -> RagSetup:
    """``RagSetup`` from a dict; any problem becomes one EvalConfigError naming ``where``."""
    try:
        return RagSetup.from_dict(values)
    except ConfigError as error:
        raise EvalConfigError(f"{where}: {error}") from None


def parse_inline(spec: str) -> RagSetup:
    """``name:key=value,key=value`` → a setup (``name:`` alone takes every default)."""
    name, _, rest = spec.partition(":")
    values: dict[str, Any] = {"name": name.strip()}
    for pair in filter(None, (part.strip() for part in rest.split(","))):
        key, sep, value = pair.partition("=")
        if not sep:
            raise EvalConfigError(f"--config {spec!r}: expected key=value, got {pair!r}")
        values[key.strip()] = _value(value.strip())
    return build_setup(values, f"--config {spec!r}")


def read_setup_file(path: Path) -> list[RagSetup]:
    """Every setup in a JSON or TOML file (one object, a list, or a ``configs`` list)."""
    try:
        text = path.read_text(encoding="utf-8")
        data: Any = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except UnicodeDecodeError as error:
        raise EvalConfigError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise EvalConfigError(f"{path}: cannot parse ({error})") from None
    if isinstance(data, dict) and "configs" in data:
        data = data["configs"]
    rows = data if isinstance(data, list) else [data]
    if not rows or not all(isinstance(row, dict) for row in rows):
        raise EvalConfigError(f"{path}: expected a setup object or a list of them")
    return [build_setup(row, f"{path} setup {n}") for n, row in enumerate(rows, start=1)]


def parse_setups(specs: tuple[str, ...] | list[str]) -> list[RagSetup]:
    """All setups named by ``--config`` values, in order; names must be unique."""
    setups: list[RagSetup] = []
    for spec in specs:
        if spec in EXAMPLES:
            setups.append(build_setup({"name": spec, **EXAMPLES[spec]}, f"--config {spec}"))
        elif ":" in spec:
            setups.append(parse_inline(spec))
        elif Path(spec).suffix in (".json", ".toml"):
            if not Path(spec).is_file():
                raise EvalConfigError(f"--config {spec}: file not found")
            setups.extend(read_setup_file(Path(spec)))
        else:
            raise EvalConfigError(
                f"--config {spec!r}: not an example ({', '.join(EXAMPLES)}), an inline "
                "'name:key=value,...' or a .json/.toml file"
            )
    names = [setup.name for setup in setups]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise EvalConfigError(f"setup names must be unique; repeated: {', '.join(duplicates)}")
    if not setups:
        raise EvalConfigError("give at least one --config")
    return setups
