"""LoRA fine-tuning of the local instruct model to answer from numbered passages, citing ``[n]``.

- ``data.py``: the instruction set (month 6's pydoc golden questions, passages from
  ``pydoc_data.topics``, month 4's RAG prompt), split train / dev / test;
- ``lora.py``: answer-only loss mask, adding adapters with ``peft``, the training loop, saving and
  loading, and a tiny same-architecture model for tests;
- ``evaluate.py``: citation rate, correct citation, faithfulness (month 6's metric), ROUGE-L and the
  answer loss, before and after;
- ``backend.py``: ``AdapterChatModel``, month 4's transformers chat model with an adapter applied;
- ``run.py``: ``run(FinetuneConfig) -> FinetuneResult``, the experiment behind ``finetune``.
"""
