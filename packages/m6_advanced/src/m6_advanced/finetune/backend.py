"""The tuned model behind month 4's chat interface: base SmolLM2 + a LoRA adapter.

``AdapterChatModel`` *is* month 4's ``TransformersChatModel`` (same chat template, greedy decoding,
context-window rule, ``chat``/``stream``), so anything that takes a ``ChatModel`` (month 4's RAG
chain, month 6's judges and eval-rag readers) can use the tuned model unchanged. The only
difference is in ``load``: after the base model is loaded (and cached as safetensors under the
data dir by month 4's code), ``peft`` wraps it with the adapter saved by ``finetune``.

    chat = AdapterChatModel("data/runs/finetune/adapter")
    chat.chat([{"role": "user", "content": "..."}]).text
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from m4_genai.llm.transformers_backend import TransformersChatModel
from m6_advanced.errors import AdvancedError


class AdapterChatModel(TransformersChatModel):
    """Month 4's transformers chat model with a LoRA adapter applied when it loads.

    Args:
        adapter: folder written by ``peft``'s ``save_pretrained`` (None: the base model alone).
        model: catalogue name or GGUF path of the base model (default SmolLM2-135M-Instruct).
        **options: the ``TransformersChatModel`` options (max_tokens, temperature, ...).
    """

    def __init__(self, adapter: Path | str | None = None, model: str | None = None, **options: Any):
        super().__init__(model=model, **options)
        self.adapter = Path(adapter) if adapter is not None else None
        if self.adapter is not None and not (self.adapter / "adapter_config.json").is_file():
            raise AdvancedError(
                f"{self.adapter}: no LoRA adapter there (adapter_config.json); "
                "train one with: uv run finetune"
            )
        if self.adapter is not None:
            self.name = f"{self.name}+lora"

    def load(self) -> AdapterChatModel:
        if self.model is None:
            super().load()
            if self.adapter is not None:
                from m6_advanced.finetune.lora import load_adapter

                self.model = load_adapter(self.model, self.adapter)
        return self

    @classmethod
    def wrap(
        cls, model: Any, tokenizer: Any, name: str = "in-memory", **options: Any
    ) -> AdapterChatModel:
        """A chat model around an already loaded model (e.g. the one just tuned, or a tiny one)."""
        chat = cls(**options)
        chat.model, chat.tokenizer = model.eval(), tokenizer
        chat.name, chat.loaded_from = name, "memory"
        return chat
