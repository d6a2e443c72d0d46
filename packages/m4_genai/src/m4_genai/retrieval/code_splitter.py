"""Language-aware splitting of source code: cut at top-level ``def``/``class`` boundaries.

A character splitter would cut a function in half. Code has better seams: a top-level definition
(``def``, ``class``, ``function``, ``fn``, ``func``...) starts at column 0, and the comments and
decorators right above it belong to it. So we:

1. find the lines where a top-level definition starts (plus its decorators/comments above);
2. cut the file into blocks there (the module header is the first block);
3. merge neighbouring small blocks up to ``chunk_size`` characters (fewer, fuller chunks);
4. split a block that is still too long with the recursive splitter, line-wise.

Every chunk keeps its first and last line number, so an answer can cite ``file.py:42``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from m4_genai.retrieval.splitter import RecursiveSplitter, locate_chunks

LANGUAGES = {
    ".py": "python",
    ".pyi": "python",
    ".js": "js",
    ".jsx": "js",
    ".ts": "js",
    ".tsx": "js",
    ".mjs": "js",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".kt": "java",
    ".c": "c",
    ".h": "c",
    ".cpp": "c",
    ".hpp": "c",
    ".cc": "c",
    ".rb": "ruby",
    ".sh": "shell",
}
"""File suffix → language whose top-level definitions we know how to spot."""

_NAME = r"(?P<name>[A-Za-z_$][\w$]*)"
BOUNDARIES = {
    "python": rf"^(?:async\s+def|def|class)\s+{_NAME}",
    "js": rf"^(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?|class|interface|type|const|let)\s+{_NAME}",
    "go": rf"^(?:func|type)\s+(?:\([^)]*\)\s*)?{_NAME}",
    "rust": rf"^(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:fn|struct|enum|trait|impl|mod)\s+(?:<[^>]*>\s*)?{_NAME}",
    "java": rf"^(?:public|private|protected|abstract|final|static|\s)*(?:class|interface|enum|record)\s+{_NAME}",
    "c": rf"^(?:[A-Za-z_][\w\s\*]*\s+\**)?{_NAME}\s*\([^;]*$",
    "ruby": rf"^(?:def|class|module)\s+{_NAME}",
    "shell": rf"^(?:function\s+)?{_NAME}\s*\(\)\s*\{{?",
}
"""A regex per language matching a line that starts a top-level definition, capturing its name."""

_ATTACHED = re.compile(r"^(@|#|//|/\*|\*|///)")  # decorators and comments stick to what follows


def language_of(suffix: str) -> str | None:
    """The language of a file suffix (``.py`` → ``python``), None for non-code files."""
    return LANGUAGES.get(suffix.lower())


@dataclass(frozen=True)
class CodeChunk:
    """A piece of a source file: its text, 1-based first/last line, and the symbol it defines."""

    text: str
    start_line: int
    end_line: int
    symbol: str


def block_starts(lines: list[str], language: str) -> list[tuple[int, str]]:
    """0-based line indices where a top-level definition (with its decorators) begins, + names."""
    pattern = re.compile(BOUNDARIES[language])
    starts: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        first = i
        while (
            first > 0
            and _ATTACHED.match(lines[first - 1])
            and (not starts or first - 1 > starts[-1][0])
        ):
            first -= 1  # pull the decorator / doc comment block along with the definition
        starts.append((first, match.group("name")))
    return starts


def _blocks(lines: list[str], language: str) -> list[tuple[int, int, str]]:
    """(start, end_exclusive, symbol) line ranges covering the whole file."""
    starts = block_starts(lines, language)
    bounds = [(0, "")] if not starts or starts[0][0] > 0 else []
    bounds += starts
    ranges = []
    for j, (start, symbol) in enumerate(bounds):
        end = bounds[j + 1][0] if j + 1 < len(bounds) else len(lines)
        if end > start:
            ranges.append((start, end, symbol))
    return ranges


def split_code(
    text: str, language: str, chunk_size: int = 1200, chunk_overlap: int = 0
) -> list[CodeChunk]:
    """Chunks of a source file along definition boundaries, each with its line span."""
    lines = text.splitlines(keepends=True)
    merged: list[tuple[int, int, str]] = []  # step 3: pack small neighbouring blocks together
    for start, end, symbol in _blocks(lines, language):
        size = sum(len(line) for line in lines[start:end])
        if merged:
            m_start, m_end, m_symbol = merged[-1]
            if sum(len(line) for line in lines[m_start:m_end]) + size <= chunk_size:
                merged[-1] = (m_start, end, m_symbol or symbol)
                continue
        merged.append((start, end, symbol))

    splitter = RecursiveSplitter(chunk_size, chunk_overlap, separators=("\n\n", "\n", " ", ""))
    chunks: list[CodeChunk] = []
    for start, end, symbol in merged:
        block = "".join(lines[start:end])
        if not block.strip():
            continue
        if len(block) <= chunk_size:
            pieces, offsets = [block.strip("\n")], [len(block) - len(block.lstrip("\n"))]
        else:  # step 4: a long function, split line-wise; offsets give the line numbers back
            pieces = splitter.split(block)
            offsets = locate_chunks(block, pieces)
        for piece, offset in zip(pieces, offsets, strict=True):
            first = start + block.count("\n", 0, offset) + 1
            chunks.append(CodeChunk(piece, first, first + piece.count("\n"), symbol))
    return chunks
