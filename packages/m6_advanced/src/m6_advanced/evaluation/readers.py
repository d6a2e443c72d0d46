"""The models an eval-rag run uses: readers (one per distinct llm/model), the judge, and a cache
in front of the judge's embedder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.llm.factory import resolve_kind
from m4_genai.rag import RagConfig
from m4_genai.retrieval import Embedder
from m6_advanced.evaluation.judges import make_judge
from m6_advanced.evaluation.metrics import Judge
from m6_advanced.evaluation.setups import RagSetup

if TYPE_CHECKING:
    from m6_advanced.evaluation.runner import EvalRagConfig


class CachedEmbedder:
    """Remembers every text it embedded: the judge embeds the same chunks' sentences for several
    metrics and for every setup that retrieves them, and MiniLM is the slow part of scoring."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", type(inner).__name__)
        self.vectors: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.inner.embed(missing), strict=True))
        if not texts:
            return self.inner.embed([])
        return np.stack([self.vectors[text] for text in texts])


class ReaderCache:
    """One chat model per distinct (llm, model): setups that share a reader share its weights."""

    def __init__(self, config: EvalRagConfig, given: ChatModel | None, options: dict[str, Any]):
        self.config, self.given, self.options = config, given, options
        self.loaded: dict[tuple[str | None, str | None], ChatModel] = {}

    def get(self, setup: RagSetup) -> ChatModel:
        if self.given is not None and setup.llm is None and setup.model is None:
            return self.given
        kind = setup.llm or self.config.llm
        # the server and model flags are for real models; the scripted reader takes none of them
        given = {} if resolve_kind(kind) == "scripted" else self.options
        options = {**given, "seed": self.config.seed}
        if setup.model:
            options["model"] = setup.model
        if resolve_kind(kind) in ("local", "transformers"):
            # the chain never sends more than context_tokens: a smaller window needs less memory
            options["context_window"] = RagConfig().context_tokens
        key = (kind, options.get("model"))
        if key not in self.loaded:
            self.loaded[key] = load_chat_model(kind, **options)
        return self.loaded[key]

    def describe(self) -> str:
        models = [self.given] if self.given is not None else []
        models += list(self.loaded.values())
        return ", ".join(dict.fromkeys(getattr(m, "name", type(m).__name__) for m in models))


def make_run_judge(config: EvalRagConfig, embedder: Embedder, options: dict[str, Any]) -> Judge:
    """The judge ``config.judge`` names: the embedding fallback over ``embedder``, or an LLM judge
    (``--judge-llm``, default local, with the server flags but its own ``--judge-model``)."""
    if config.judge == "embedding":
        return make_judge("embedding", embedder=embedder)
    judge_options = {k: v for k, v in options.items() if k in ("threads", "base_url", "api_key")}
    if config.judge_model:
        judge_options["model"] = config.judge_model
    model = load_chat_model(config.judge_llm or "local", seed=config.seed, **judge_options)
    return make_judge("llm", model=model)
