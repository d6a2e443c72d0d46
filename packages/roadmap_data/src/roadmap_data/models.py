"""The chat models of the roadmap, best first: what each one is, what it costs, how to get it.

Every card names a registry entry (registry.py holds the file's size, licence, sha256 and source;
a card adds what a chat backend needs to know). Months 4–6 answer with :func:`best_chat_model`,
the first card whose GGUF is on this machine, and say which model produced each answer.

==================  ======  =========  =======  ========  ===========================================
model               params  quant      file     context   how to get it
==================  ======  =========  =======  ========  ===========================================
qwen2.5-coder-1.5b  1.54B   Q4_K_M     1.12 GB  32,768    optional group, then ``download-data``
qwen2.5-coder-0.5b  0.49B   Q4_K_M     491 MB   32,768    optional group, then ``download-data``
smollm2-135m        135M    Q4_1       98 MB    8,192     installed with m4-genai (tests use it)
==================  ======  =========  =======  ========  ===========================================

"Installed" means usable now: the file is under ``data/``, or it is usable straight from its
installed package (SmolLM2's GGUF). Part wheels that have not been joined yet do not count; the
card's :func:`availability` says which command is missing. Presence is checked here without
hashing; ``model_path`` verifies the file when a backend opens it.

:func:`gguf_metadata` reads what a GGUF file says about itself (architecture, context length, chat
template) from its header alone, in a fraction of a second: the tests check the cards against it.
"""

from __future__ import annotations

import contextlib
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from roadmap_data import registry
from roadmap_data.errors import (
    DataNotFoundError,
    RoadmapError,
    UnknownDatasetError,
    UnknownModelError,
)
from roadmap_data.loaders import model_path
from roadmap_data.paths import data_dir

CHATML = "ChatML (<|im_start|>role … <|im_end|>), embedded in the GGUF"


@dataclass(frozen=True)
class ChatModelCard:
    """One chat model of the catalogue."""

    name: str
    """Registry name: ``download-data NAME``, ``model_path(NAME)``, ``--model NAME``."""
    title: str
    """The publisher's name for the model."""
    parameters: int
    quantisation: str
    """llama.cpp quantisation of the GGUF (Q4_K_M: about 4.9 bits per weight)."""
    context_length: int
    """Tokens the model was trained to attend over (prompt + answer)."""
    chat_template: str
    """How messages become the prompt (``tokenizer.chat_template`` in the GGUF)."""
    use: str
    """What the roadmap uses it for."""

    @property
    def entry(self) -> registry.Entry:
        return registry.get(self.name)

    @property
    def size(self) -> int:
        """Bytes of the GGUF file."""
        return self.entry.size

    @property
    def license(self) -> str:
        return self.entry.license

    @property
    def parameters_label(self) -> str:
        """``1.54B``, ``0.49B``, ``135M``."""
        if self.parameters < 250e6:
            return f"{self.parameters / 1e6:.0f}M"
        return f"{self.parameters / 1e9:.2f}B"

    def path(self, root: Path | None = None) -> Path:
        """The GGUF, verified (``model_path``); DataNotFoundError naming the command if absent."""
        return model_path(self.name, root)

    @property
    def install_hint(self) -> str:
        """How to get the model onto a machine that has none of it."""
        source = self.entry.source
        if isinstance(source, registry.PartsSource):
            return f"`{source.install_command}`, then `uv run download-data {self.name}`"
        package = source.distribution if source is not None else self.name
        return f"`uv sync --all-packages` (it comes in the {package} package)"


CHAT_MODELS: tuple[ChatModelCard, ...] = (
    ChatModelCard(
        name="qwen2.5-coder-1.5b",
        title="Qwen2.5-Coder-1.5B-Instruct",
        parameters=1_543_714_304,  # from its config: 28 layers × 1536, tied embeddings
        quantisation="Q4_K_M",
        context_length=32_768,
        chat_template=f"{CHATML}; tool calls as JSON in <tool_call> tags",
        use="answers and agents: the best that runs on a laptop CPU",
    ),
    ChatModelCard(
        name="qwen2.5-coder-0.5b",
        title="Qwen2.5-Coder-0.5B-Instruct",
        parameters=494_032_768,
        quantisation="Q4_K_M",
        context_length=32_768,
        chat_template=f"{CHATML}; tool calls as JSON in <tool_call> tags",
        use="answers and agents when memory or time is short: faster, weaker",
    ),
    ChatModelCard(
        name="smollm2-135m",
        title="SmolLM2-135M-Instruct",
        parameters=134_515_008,
        quantisation="Q4_1",
        context_length=8_192,
        chat_template=f"{CHATML}; a default system prompt, no tools",
        use="tests and the lesson on generation: always installed, fast, often wrong",
    ),
)


def chat_model(name: str) -> ChatModelCard:
    """The card called ``name`` (former registry names work too); UnknownModelError otherwise."""
    with contextlib.suppress(UnknownDatasetError):  # resolve a former name of the entry
        name = registry.get(name).name  # smollm2-135m-instruct → smollm2-135m
    for card in CHAT_MODELS:
        if card.name == name:
            return card
    known = ", ".join(card.name for card in CHAT_MODELS)
    raise UnknownModelError(f"unknown chat model {name!r}; known: {known}")


def model_file(card: ChatModelCard, root: Path | None = None) -> Path | None:
    """Where the card's GGUF is usable now (``data/`` first, then its package), or None."""
    entry = card.entry
    local = data_dir(root) / entry.filename
    if local.is_file():
        return local
    if entry.usable_in_place and entry.source.is_installed():
        return entry.source.locate()
    return None


def installed_chat_models(root: Path | None = None) -> tuple[ChatModelCard, ...]:
    """The cards whose GGUF is usable on this machine, best first."""
    return tuple(card for card in CHAT_MODELS if model_file(card, root) is not None)


def best_chat_model(root: Path | None = None) -> ChatModelCard:
    """The first installed card; DataNotFoundError naming the commands when none is."""
    installed = installed_chat_models(root)
    if installed:
        return installed[0]
    smallest, best = CHAT_MODELS[-1], CHAT_MODELS[0]
    raise DataNotFoundError(
        f"no chat model is installed: run {smallest.install_hint} for {smallest.name}, "
        f"or {best.install_hint} for {best.name}"
    )


def availability(card: ChatModelCard, root: Path | None = None) -> str:
    """One line for tables: ``ready (...)``, or what to run to make the model ready."""
    path = model_file(card, root)
    if path is not None:
        in_data = path.parent == data_dir(root)
        return "ready (data/)" if in_data else f"ready (package {card.entry.source.distribution})"
    source = card.entry.source
    if source is not None and source.is_installed():
        return f"parts installed: run `uv run download-data {card.name}`"
    return f"not installed: {card.install_hint}"


# GGUF value types (llama.cpp's gguf.h): fixed-size scalars by struct format, then string and array.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q"}
_SCALARS |= {11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


def _read(handle: BinaryIO, fmt: str) -> int | float | bool:
    return struct.unpack(fmt, handle.read(struct.calcsize(fmt)))[0]


def _string(handle: BinaryIO) -> str:
    return handle.read(int(_read(handle, "<Q"))).decode("utf-8")


def _value(handle: BinaryIO, kind: int) -> object:
    """One value; an array is skipped (None): the vocabulary alone is 151,936 strings."""
    if kind == _STRING:
        return _string(handle)
    if kind != _ARRAY:
        return _read(handle, _SCALARS[kind])
    item, count = int(_read(handle, "<I")), int(_read(handle, "<Q"))
    if item in _SCALARS:
        handle.seek(count * struct.calcsize(_SCALARS[item]), 1)
    else:
        for _ in range(count):
            _value(handle, item)
    return None


def gguf_metadata(path: Path) -> dict[str, object]:
    """The key/value header of a GGUF file, arrays left out: ``general.architecture``,
    ``qwen2.context_length``, ``tokenizer.chat_template``, ``general.file_type``...

    A GGUF file starts with ``GGUF``, a version, the tensor count and the key count, then each key
    (a length-prefixed string), its type and its value; the weights follow and are not read.
    """
    with open(path, "rb") as handle:
        magic, version, _tensors, count = struct.unpack("<4sIQQ", handle.read(24))
        if magic != b"GGUF" or version < 2:
            raise RoadmapError(f"{path} is not a GGUF file (version 2 or later)")
        pairs = ((_string(handle), int(_read(handle, "<I"))) for _ in range(count))
        metadata = {key: _value(handle, kind) for key, kind in pairs}
    return {key: value for key, value in metadata.items() if value is not None}
