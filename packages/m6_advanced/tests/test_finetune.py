"""LoRA fine-tuning: the instruction set, the answer-only mask, what LoRA trains, that training
learns, that a saved adapter reloads exactly, the before/after scores and the command's errors.

Everything runs on a tiny random model of SmolLM2's architecture with a BPE trained on the set
(``lora.tiny_*``); the real SmolLM2 is in one ``extended`` test (``pytest -m extended``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from m4_genai.rag import SYSTEM_PROMPT
from m6_advanced.errors import AdvancedError
from m6_advanced.evaluation.golden import load_golden_file
from m6_advanced.evaluation.judges import EmbeddingJudge
from m6_advanced.finetune import evaluate, lora
from m6_advanced.finetune.backend import AdapterChatModel
from m6_advanced.finetune.data import PASSAGES, build_examples, cite, split_examples
from m6_advanced.hashing_embedder import BagOfWordsEmbedder
from roadmap_data.errors import ConfigError


@pytest.fixture(scope="module")
def examples() -> list:
    return build_examples()


@pytest.fixture(scope="module")
def tokenizer(examples: list) -> Iterator:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: one thread is faster than two fighting for cores
    texts = [m["content"] for e in examples[:20] for m in e.messages()] + [
        e.answer for e in examples
    ]
    yield lora.tiny_tokenizer(texts)
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def encoded(examples: list, tokenizer) -> list:
    return [
        lora.encode(tokenizer, e.messages(), e.answer) for e in split_examples(examples)["train"]
    ]


# ---------- the instruction set --------------------------------------------------------------


def test_splits_are_disjoint_sized_and_follow_the_golden_split(examples: list) -> None:
    splits = split_examples(examples)
    assert {name: len(items) for name, items in splits.items()} == {
        "train": 30,
        "dev": 25,
        "test": 50,
    }
    ids = [{e.id for e in items} for items in splits.values()]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    golden_dev = {i.id for i in load_golden_file("pydoc") if i.split == "dev" and i.answerable}
    assert ids[0] == golden_dev  # eval-rag's test questions are never trained on
    assert [e.id for e in build_examples()] == [e.id for e in examples]  # deterministic
    for items in splits.values():  # the answering passage sits at 1, 2 and 3 equally often
        counts = [sum(e.gold == n for e in items) for n in range(1, PASSAGES + 1)]
        assert max(counts) - min(counts) <= 1


def test_each_prompt_is_month_4s_rag_prompt_with_the_answer_in_the_gold_passage(examples) -> None:
    golden = {item.id: item for item in load_golden_file("pydoc")}
    for example in examples:
        item = golden[example.id]
        system, user = example.messages()
        assert system == {"role": "system", "content": SYSTEM_PROMPT}
        assert user["content"].startswith("Sources:\n\n[1] ")
        assert user["content"].endswith(f"Question: {example.question}\nAnswer:")
        gold_block = f"[{example.gold}] {item.sources[0]}:1\n{example.passages[example.gold - 1]}"
        assert gold_block in user["content"]
        assert all(
            context in example.passages[example.gold - 1] for context in item.reference_contexts
        )
        assert example.sources.count(item.sources[0]) == 1  # distractors come from other sections
        assert len(example.passages) == PASSAGES
        assert example.answer == cite(item.reference, example.gold)
    assert cite("They are skipped.", 2) == "They are skipped [2]."
    assert cite("No full stop", 1) == "No full stop [1]"


# ---------- the loss mask, LoRA, training, saving ---------------------------------------------


def test_only_the_answer_and_end_of_turn_are_scored(examples: list, tokenizer) -> None:
    example = examples[0]
    ids, labels = lora.encode(tokenizer, example.messages(), example.answer)
    assert len(ids) == len(labels)
    first = next(i for i, label in enumerate(labels) if label != lora.IGNORE_INDEX)
    assert all(label == lora.IGNORE_INDEX for label in labels[:first])
    assert labels[first:] == ids[first:]
    prompt = tokenizer.apply_chat_template(
        example.messages(), add_generation_prompt=True, tokenize=False
    )
    assert tokenizer.decode(ids[:first]) == prompt  # the prompt ends with the assistant cue
    assert tokenizer.decode(labels[first:]) == example.answer + "<|im_end|>"
    batch = lora.collate(
        [(ids, labels), (ids[:5], [lora.IGNORE_INDEX] * 5)], tokenizer.pad_token_id
    )
    assert batch["attention_mask"][1].tolist() == [0] * (len(ids) - 5) + [1] * 5  # left padding
    assert batch["labels"][1].eq(lora.IGNORE_INDEX).all()


def test_lora_trains_only_the_adapters_and_leaves_the_base_untouched(tokenizer, encoded) -> None:
    model = lora.add_lora(lora.tiny_model(tokenizer), r=8)
    trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_A" in n or "lora_B" in n for n in trainable)
    # r (d_in + d_out) per projection: q, o are 64 → 64; k, v are 64 → 32 (2 of 4 heads, GQA)
    assert lora.parameter_counts(model)["trainable"] == 2 * 8 * (128 + 96 + 96 + 128)
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    adapters = {n: p.detach().clone() for n, p in trainable.items()}
    lora.train(model, encoded[:2], pad_id=tokenizer.pad_token_id, steps=2, lr=1e-2, progress=False)
    assert all(torch.equal(p, frozen[n]) for n, p in model.named_parameters() if n in frozen)
    assert any(
        not torch.equal(p, adapters[n]) for n, p in model.named_parameters() if n in adapters
    )
    top = lora.add_lora(lora.tiny_model(tokenizer), last_layers=1)
    names = [n for n, p in top.named_parameters() if p.requires_grad]
    assert names and all(".layers.1." in n for n in names)


def test_a_few_steps_lower_the_answer_loss(tokenizer, encoded) -> None:
    model = lora.add_lora(lora.tiny_model(tokenizer, seed=0), r=16, alpha=32)
    batch = encoded[:3]
    before = lora.answer_loss(model, batch, tokenizer.pad_token_id)
    assert before > math.log(len(tokenizer)) - 0.5  # random: no better than a uniform guess
    losses = lora.train(
        model, batch, pad_id=tokenizer.pad_token_id, steps=20, lr=1e-2, progress=False
    )
    after = lora.answer_loss(model, batch, tokenizer.pad_token_id)
    assert len(losses) == 20
    assert after < before - 1.0, (before, after)


def test_a_saved_adapter_reloads_to_identical_logits(tokenizer, encoded, tmp_path: Path) -> None:
    tuned = lora.add_lora(lora.tiny_model(tokenizer, seed=3))
    lora.train(tuned, encoded[:2], pad_id=tokenizer.pad_token_id, steps=3, lr=3e-2, progress=False)
    tuned.save_pretrained(str(tmp_path / "adapter"))
    assert {p.name for p in (tmp_path / "adapter").iterdir()} >= {"adapter_config.json",
                                                                  "adapter_model.safetensors"}  # fmt: skip
    ids = torch.tensor([encoded[0][0]])
    with torch.no_grad():
        expected = tuned(input_ids=ids).logits
        base = lora.tiny_model(tokenizer, seed=3)
        plain = base(input_ids=ids).logits
        loaded = lora.load_adapter(base, tmp_path / "adapter")(input_ids=ids).logits
    assert torch.allclose(loaded, expected, atol=1e-6)
    assert not torch.allclose(plain, expected, atol=1e-3)  # the adapter does change the model
    with pytest.raises(AdvancedError, match="no LoRA adapter"):
        AdapterChatModel(tmp_path / "nowhere")


# ---------- scoring, config and command -------------------------------------------------------


def test_answers_are_scored_on_citations_faithfulness_and_rouge(examples: list) -> None:
    example = next(e for e in examples if e.gold == 2)
    judge = EmbeddingJudge(BagOfWordsEmbedder())
    good = evaluate.score_answer(example, example.answer, judge)
    assert good.citation and good.correct_citation and good.cited == (2,)
    assert good.rouge_l == pytest.approx(1.0) and good.faithfulness > 0
    wrong = evaluate.score_answer(example, "It is so [1] [9].", judge)
    assert wrong.citation and not wrong.correct_citation
    invented = evaluate.score_answer(example, example.reference.rstrip(".") + " [2] [7].", judge)
    assert not invented.correct_citation  # a number outside the prompt spoils the citation
    silent = evaluate.score_answer(example, "I don't know.", judge)
    assert not silent.citation and math.isnan(silent.faithfulness)
    summary = evaluate.summarise([good, wrong, silent], loss=1.0)
    assert summary["citation_rate"]["mean"] == pytest.approx(2 / 3)
    assert summary["correct_citation_rate"]["mean"] == pytest.approx(1 / 3)
    assert summary["faithfulness"]["n_nan"] == 1 and summary["faithfulness"]["n"] == 2
    assert summary["answer_loss"]["perplexity"] == pytest.approx(math.e)


def test_the_tuned_model_answers_through_month_4s_chat_interface(tokenizer, examples) -> None:
    chat = AdapterChatModel.wrap(lora.add_lora(lora.tiny_model(tokenizer)), tokenizer, "tiny")
    result = chat.chat(examples[0].messages(), max_tokens=4)
    assert result.model == "tiny" and result.completion_tokens <= 4
    assert result.prompt_tokens == len(lora.encode(tokenizer, examples[0].messages(), "")[0]) - 1


def test_bad_settings_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    from m6_advanced.cli.finetune import main
    from m6_advanced.finetune.run import FinetuneConfig

    with pytest.raises(ConfigError, match="register"):
        FinetuneConfig(register="lora")
    with pytest.raises(ConfigError):
        FinetuneConfig(r=0)
    assert main(["--smoke", "--steps", "0"]) == 2
    assert capsys.readouterr().err.strip().startswith("error:")


@pytest.mark.slow
@pytest.mark.extended  # 30 s to minutes on 2 cores: `uv run pytest -m extended`
def test_lora_on_the_real_smollm2_lowers_its_answer_loss(tmp_path: Path, examples: list) -> None:
    from m4_genai.llm.transformers_backend import load_gguf_model

    model, tokenizer, _ = load_gguf_model()
    train = [lora.encode(tokenizer, e.messages(), e.answer) for e in examples[:2]]
    tuned = lora.add_lora(model, r=8, last_layers=4)
    before = lora.answer_loss(tuned, train, tokenizer.pad_token_id)
    lora.train(tuned, train, pad_id=tokenizer.pad_token_id, steps=6, lr=1e-2, progress=False)
    after = lora.answer_loss(tuned, train, tokenizer.pad_token_id)
    assert after < before - 0.5, (before, after)  # two answers, seen three times each
    tuned.save_pretrained(str(tmp_path / "adapter"))
    # the base from month 4's safetensors cache, then the adapter on top
    chat = AdapterChatModel(tmp_path / "adapter", max_tokens=8)
    assert chat.chat(examples[0].messages()).text
    assert chat.name.endswith("+lora") and type(chat.model).__name__.startswith("Peft")
