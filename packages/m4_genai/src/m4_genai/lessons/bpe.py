"""Byte-level BPE from scratch: the tokenizer family of GPT-2, Llama 3 and SmolLM2.

Byte-pair encoding starts from the 256 possible bytes (so *any* text can be encoded, no unknown
token ever) and learns merges from a corpus: count every adjacent pair of symbols, merge the most
frequent pair into a new symbol, repeat until the vocabulary is big enough. Frequent words end up
as one token (`` the``), rare words as a few pieces (`` tokeni`` + ``zation``).

Two details make it work on real text:

- **Pre-tokenisation.** Before BPE, a regex cuts text into words, numbers, punctuation runs and
  spaces (GPT-2's pattern below), and merges never cross those boundaries. Otherwise ``"dog."``
  and ``"dog!"`` would waste vocabulary on punctuation glued to words. A word keeps its leading
  space (``" dog"``), which is why tokens shown by real tokenizers start with ``Ġ`` (a space byte
  drawn as a printable character, see ``bytes_to_unicode``).
- **Encoding replays the merges by rank.** To encode a word, split it into bytes and apply the
  lowest-ranked (earliest learned) merge present, again and again. That is exactly what the
  Hugging Face ``tokenizers`` library does, so loading SmolLM2's merges into ``BPETokenizer``
  gives the same token ids as the real tokenizer (``tests/test_bpe.py`` checks it).

    bpe = BPETokenizer.train(text, vocab_size=1000)
    ids = bpe.encode("Hello, world!")
    assert bpe.decode(ids) == "Hello, world!"
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

import regex

GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
"""Contractions, letters, digits, other symbols (each with an optional leading space), spaces.
Every character matches one branch, so the pieces always join back into the text."""

Pair = tuple[int, int]


@lru_cache(maxsize=1)
def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's map from each byte to a printable character (space → ``Ġ``, newline → ``Ċ``).

    Vocab files store tokens as text, and raw bytes such as 0x20 or 0x0A would be invisible or
    break the file, so the printable bytes map to themselves and the others to chars from 256 on.
    """
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += range(ord("®"), ord("ÿ") + 1)
    mapping, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            mapping[byte] = chr(byte)
        else:
            mapping[byte] = chr(256 + extra)
            extra += 1
    return mapping


@lru_cache(maxsize=1)
def unicode_to_bytes() -> dict[str, int]:
    """The inverse of ``bytes_to_unicode``."""
    return {char: byte for byte, char in bytes_to_unicode().items()}


def token_to_bytes(token: str) -> bytes:
    """Undo ``bytes_to_unicode`` for one vocab entry (``"Ġthe"`` → ``b" the"``)."""
    inverse = unicode_to_bytes()
    return bytes(inverse[char] for char in token)


def merge_pair(symbols: list[int], pair: Pair, new_id: int) -> list[int]:
    """Replace every non-overlapping occurrence of ``pair`` in ``symbols``, left to right."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def _pairs(symbols: list[int]) -> Iterable[Pair]:
    return itertools.pairwise(symbols)


class BPETokenizer:
    """A byte-level BPE: a vocabulary (id → bytes) and ranked merges (pair of ids → new id)."""

    def __init__(
        self,
        vocab: dict[int, bytes],
        merges: list[tuple[Pair, int]],
        pattern: str = GPT2_PATTERN,
    ) -> None:
        self.vocab = vocab
        self.merges = merges
        # rank = position in the merge list: lower rank = learned earlier = applied first.
        self.ranks = {pair: (rank, new_id) for rank, (pair, new_id) in enumerate(merges)}
        ids = {token: i for i, token in vocab.items()}
        # byte value → token id. A trained BPE has all 256; a real one may lack bytes that never
        # occur in UTF-8 text (0xC0, 0xF5-0xFF) or in its training data (some control codes).
        self.byte_ids = {b: ids[bytes([b])] for b in range(256) if bytes([b]) in ids}
        self.pattern = regex.compile(pattern)
        self._cache: dict[str, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    # ---------- training ----------------------------------------------------------------------

    @classmethod
    def train(
        cls, text: str, vocab_size: int, pattern: str = GPT2_PATTERN, min_count: int = 2
    ) -> BPETokenizer:
        """Learn ``vocab_size - 256`` merges from ``text`` (fewer if no pair occurs ``min_count``×).

        Words are counted once with their frequency, and pair counts are updated only for the
        words a merge touches (a heap finds the most frequent pair), so training on the ~0.5 MB
        Python reference takes seconds. Ties go to the smallest pair of ids: deterministic.
        """
        if vocab_size < 256:
            raise ValueError(f"vocab_size must be at least 256 (the bytes), got {vocab_size}")
        word_counts = Counter(regex.findall(pattern, text))
        words = [list(word.encode("utf-8")) for word in word_counts]  # unique words as byte ids
        freqs = list(word_counts.values())
        pair_counts: Counter[Pair] = Counter()
        where: dict[Pair, set[int]] = defaultdict(set)  # pair → indices of words containing it
        for index, symbols in enumerate(words):
            for pair in _pairs(symbols):
                pair_counts[pair] += freqs[index]
                where[pair].add(index)
        heap = [(-count, pair) for pair, count in pair_counts.items()]
        heapq.heapify(heap)
        vocab = {byte: bytes([byte]) for byte in range(256)}
        merges: list[tuple[Pair, int]] = []
        while len(vocab) < vocab_size and heap:
            negative, pair = heapq.heappop(heap)
            if pair_counts.get(pair, 0) != -negative:
                continue  # a stale heap entry: this pair's count changed since it was pushed
            if -negative < min_count:
                break
            new_id = len(vocab)
            vocab[new_id] = vocab[pair[0]] + vocab[pair[1]]
            merges.append((pair, new_id))
            for index in where.pop(pair):
                old = words[index]
                new = merge_pair(old, pair, new_id)
                # Take the word's old pairs out of the counts and put its new pairs in.
                changed = set()
                for p in _pairs(old):
                    pair_counts[p] -= freqs[index]
                    changed.add(p)
                for p in _pairs(new):
                    pair_counts[p] += freqs[index]
                    where[p].add(index)
                    changed.add(p)
                words[index] = new
                for p in changed - {pair}:
                    if pair_counts[p] > 0:
                        heapq.heappush(heap, (-pair_counts[p], p))
            del pair_counts[pair]
        return cls(vocab, merges, pattern)

    # ---------- loading a real tokenizer's merges ---------------------------------------------

    @classmethod
    def from_huggingface(cls, tokenizer_json: dict) -> BPETokenizer:
        """Build from a Hugging Face ``tokenizer.json`` of a byte-level BPE (GPT-2, SmolLM2...).

        Its ``vocab`` maps printable strings (``bytes_to_unicode``) to ids and its ``merges`` lists
        pairs of such strings in rank order; we turn both back into bytes.
        """
        model = tokenizer_json["model"]
        vocab = {int(i): token_to_bytes(token) for token, i in model["vocab"].items()}
        ids = {token: int(i) for token, i in model["vocab"].items()}
        merges = []
        for merge in model["merges"]:
            left, right = merge.split(" ") if isinstance(merge, str) else merge
            merges.append(((ids[left], ids[right]), ids[left + right]))
        return cls(vocab, merges)

    # ---------- encoding and decoding ---------------------------------------------------------

    def _encode_word(self, word: str) -> list[int]:
        """Bytes of one pre-token, then repeatedly apply the lowest-ranked merge present."""
        if word in self._cache:
            return self._cache[word]
        raw = word.encode("utf-8")
        missing = [byte for byte in raw if byte not in self.byte_ids]
        if missing:
            raise ValueError(f"byte 0x{missing[0]:02x} of {word!r} is not in the vocabulary")
        symbols = [self.byte_ids[byte] for byte in raw]
        while len(symbols) > 1:
            ranked = [self.ranks[p] for p in _pairs(symbols) if p in self.ranks]
            if not ranked:
                break
            rank, new_id = min(ranked)
            symbols = merge_pair(symbols, self.merges[rank][0], new_id)
        if len(self._cache) < 100_000:
            self._cache[word] = symbols
        return symbols

    def split(self, text: str) -> list[str]:
        """The pre-tokens of ``text`` (their concatenation is ``text``)."""
        return self.pattern.findall(text)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``."""
        return [i for word in self.split(text) for i in self._encode_word(word)]

    def decode(self, ids: Iterable[int]) -> str:
        """Text of ``ids``; bytes that do not form valid UTF-8 become U+FFFD (as in every BPE)."""
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")

    def tokens(self, text: str) -> list[str]:
        """Each token of ``text`` as readable text (for tables and teaching)."""
        return [self.vocab[i].decode("utf-8", errors="backslashreplace") for i in self.encode(text)]
