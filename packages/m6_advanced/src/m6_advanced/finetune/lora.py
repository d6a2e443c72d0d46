"""LoRA in four steps: encode with an answer-only loss mask, add adapters, train, save/load.

**LoRA** (Hu et al. 2021, arXiv:2106.09685) freezes every weight ``W`` of the pretrained model and
learns a low-rank change beside some of them: ``W x + (alpha / r) · B A x``, with ``A`` (r × d_in)
random, ``B`` (d_out × r) zero at the start (so the tuned model starts *exactly* as the base
model). With r = 8 on the four attention projections of SmolLM2-135M that is 1.8 M trainable
numbers beside 135 M frozen ones (1.3 %): the optimiser state is tiny, the saved adapter is a few
MB, and one base model can carry many adapters. ``peft`` does the wrapping (``get_peft_model``).

**Loss on the answer only.** A chat example is ``prompt + answer``; we want the model to learn to
*answer*, not to reproduce the passages it is given. So the labels copy the answer's token ids and
set every prompt position to -100, the index PyTorch's cross-entropy ignores. transformers shifts
the labels by one inside the model (position t predicts token t + 1), so the labels line up with
``input_ids`` and the first answer token is predicted from the assistant cue.

``tiny_model`` / ``tiny_tokenizer`` build a randomly initialised model of the *same architecture*
(``LlamaForCausalLM``: grouped-query attention, tied embeddings, SmolLM2's chat template) with a
BPE vocabulary trained in a second on the instruction set: tests and ``--smoke`` run in seconds
without the 25-second load of the real tokenizer and model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
from tqdm.auto import tqdm

from m4_genai.llm.base import Message

IGNORE_INDEX = -100
"""Label of a position that must not count in the loss (``torch.nn.CrossEntropyLoss`` default)."""
ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")
"""The attention projections of a Llama block, where the adapters go."""
CHAT_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
    " + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
"""SmolLM2's ChatML template (without its default system line: our prompts always have one)."""

Encoded = tuple[list[int], list[int]]
"""``(input_ids, labels)`` of one example: labels = -100 on the prompt, the ids on the answer."""


def encode(tokenizer: Any, messages: list[Message], answer: str) -> Encoded:
    """Token ids of ``prompt + answer + <|im_end|>`` and labels that score only the answer.

    The prompt is rendered with the assistant cue (``add_generation_prompt``), exactly what the
    chat backend sends at answer time, so training and use see the same text. The answer ends
    with the end-of-turn token: the model also learns *when to stop*.
    """
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    prompt_ids = tokenizer.encode(prompt, add_special_tokens=False)
    answer_ids = [*tokenizer.encode(answer, add_special_tokens=False), tokenizer.eos_token_id]
    return prompt_ids + answer_ids, [IGNORE_INDEX] * len(prompt_ids) + answer_ids


def collate(batch: Sequence[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad on the *left* to the longest example: ``input_ids``, ``attention_mask``, ``labels`` (B, T).

    Left padding puts every answer at the right end of its row, so the logits we need (the
    answer positions) are the last few columns for the whole batch (``answer_tail_loss``). Rotary
    position embeddings only see differences between positions, so the shift changes nothing
    for the real tokens; the padding is masked out of attention and never scored.
    """
    width = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE_INDEX, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (tokens, targets) in enumerate(batch):
        ids[row, width - len(tokens) :] = torch.tensor(tokens)
        labels[row, width - len(targets) :] = torch.tensor(targets)
        mask[row, width - len(tokens) :] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def answer_tail_loss(model: Any, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, int]:
    """``(summed cross-entropy, number of answer tokens)`` computing logits only where scored.

    The output layer maps each position to 49,152 vocabulary scores: on a 250-token prompt that is
    a fifth of the model's work, spent on positions whose loss is masked anyway. ``logits_to_keep``
    asks transformers for the last ``keep`` positions only: from the one before the first answer
    token (it predicts that token) to the end.
    """
    labels = batch["labels"]  # (B, T)
    scored = (labels != IGNORE_INDEX).any(dim=0).nonzero()
    keep = labels.shape[1] - int(scored[0]) + 1 if len(scored) else 1
    logits = model(
        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], logits_to_keep=keep
    ).logits  # (B, keep, V)
    targets = labels[:, -keep:][:, 1:]  # (B, keep-1): position t predicts token t+1
    loss = torch.nn.functional.cross_entropy(
        logits[:, :-1].reshape(-1, logits.shape[-1]).float(),
        targets.reshape(-1),
        ignore_index=IGNORE_INDEX,
        reduction="sum",
    )
    return loss, int((targets != IGNORE_INDEX).sum())


def add_lora(
    model: Any,
    r: int = 8,
    alpha: int = 16,
    targets: Sequence[str] = ATTENTION,
    dropout: float = 0.0,
    last_layers: int = 0,
) -> Any:
    """Freeze ``model`` and add LoRA adapters (rank ``r``, scale ``alpha / r``) to ``targets``.

    ``last_layers`` > 0 adapts only the top blocks. Backpropagation then stops at the lowest
    adapted block (nothing below has a gradient to compute), which on a CPU is most of the cost
    of a step; 0 adapts every block.
    """
    from peft import LoraConfig, get_peft_model

    depth = int(model.config.num_hidden_layers)
    layers = list(range(max(0, depth - last_layers), depth)) if last_layers > 0 else None
    config = LoraConfig(
        layers_to_transform=layers,
        r=r,
        lora_alpha=alpha,
        target_modules=list(targets),
        lora_dropout=dropout,
        bias="none",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)


def parameter_counts(model: Any) -> dict[str, int]:
    """``{"trainable": ..., "total": ...}`` numbers of parameters."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"trainable": trainable, "total": sum(p.numel() for p in model.parameters())}


@torch.no_grad()
def answer_loss(model: Any, examples: Sequence[Encoded], pad_id: int, batch_size: int = 1) -> float:
    """Mean cross-entropy per answer token (nats): how likely the model finds the reference answers.

    Summed over tokens, then divided once, so a long answer counts by its length (the same
    weighting as training). ``exp`` of it is the answers' perplexity.
    """
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(examples), batch_size):
        loss, tokens = answer_tail_loss(
            model, collate(examples[start : start + batch_size], pad_id)
        )
        total, count = total + float(loss), count + tokens
    return total / max(count, 1)


def train(
    model: Any,
    examples: Sequence[Encoded],
    *,
    pad_id: int,
    steps: int,
    batch_size: int = 1,
    lr: float = 1e-3,
    seed: int = 0,
    on_step: Callable[[int, float], None] | None = None,
    progress: bool = True,
) -> list[float]:
    """AdamW on the trainable parameters for ``steps`` batches; returns each step's loss.

    Batches walk seeded shuffles of ``examples`` (a new order every epoch). The learning rate
    warms up over the first 10 % of steps, then decays to 0 on a cosine: a short run on few
    examples otherwise jumps around at the end instead of settling.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    warmup = max(1, steps // 10)

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    generator = torch.Generator().manual_seed(seed)
    order: list[int] = []
    losses: list[float] = []
    model.train()
    for step in tqdm(range(steps), desc="LoRA steps", unit="step", disable=not progress):
        if len(order) < batch_size:
            order += torch.randperm(len(examples), generator=generator).tolist()
        picked, order = order[:batch_size], order[batch_size:]
        batch = collate([examples[i] for i in picked], pad_id)
        summed, tokens = answer_tail_loss(model, batch)
        loss = summed / max(tokens, 1)  # mean over the batch's answer tokens
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        if on_step is not None:
            on_step(step + 1, losses[-1])
    model.eval()
    return losses


def load_adapter(base: Any, adapter: Path | str) -> Any:
    """``base`` with the adapter saved by ``model.save_pretrained(adapter)`` applied (eval mode)."""
    from peft import PeftModel

    return PeftModel.from_pretrained(base, str(adapter)).eval()


def tiny_tokenizer(texts: Iterable[str], vocab_size: int = 800) -> Any:
    """A byte-level BPE trained on ``texts`` with SmolLM2's special tokens and chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]  # ids 0, 1, 2 as in SmolLM2
    bpe = Tokenizer(models.BPE(unk_token="<|endoftext|>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(texts, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|im_end|>",
        unk_token="<|endoftext|>",
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def tiny_model(
    tokenizer: Any, seed: int = 0, layers: int = 2, hidden: int = 64, init_std: float = 0.1
) -> Any:
    """A random ``LlamaForCausalLM`` shaped like SmolLM2 (GQA 4:2 heads, tied embeddings), tiny.

    ``init_std`` is larger than a real model's 0.02: with 64-wide embeddings that small, every
    logit of the tied output layer stays near 0 whatever the adapters do, and a test could not
    see LoRA learn.
    """
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        tie_word_embeddings=True,
        initializer_range=init_std,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    return LlamaForCausalLM(config).eval()
