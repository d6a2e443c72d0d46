"""The local backend, llama.cpp, with the real SmolLM2 GGUF (offline): answers, constrained tool
calls, structured output, streaming, budgets, the context rule, and agreement with transformers."""

from __future__ import annotations

import time

import pytest
from pydantic import BaseModel

from m4_genai.errors import LLMError
from m4_genai.llm import ChatModel, Tool, ask_structured, load_chat_model
from m4_genai.llm.base import assistant_message, tool_message
from m4_genai.llm.llamacpp_backend import LlamaCppChatModel
from m4_genai.llm.transformers_backend import TransformersChatModel

pytestmark = pytest.mark.slow

SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
FRANCE = [SYSTEM, {"role": "user", "content": "What is the capital of France?"}]


def convert(amount: float, unit: str) -> str:
    """Convert a distance to metres.

    Args:
        amount: how far.
        unit: km or mi.
    """
    return f"{amount * (1000 if unit == 'km' else 1609.344):.0f} m"


def add(a: float, b: float) -> float:
    """Add two numbers.

    Args:
        a: the first number.
        b: the second number.
    """
    return a + b


@pytest.fixture(scope="module")
def smollm2() -> LlamaCppChatModel:
    model = load_chat_model("local", model="smollm2-135m", max_tokens=24)
    assert isinstance(model, LlamaCppChatModel) and isinstance(model, ChatModel)
    return model


def test_it_answers_and_says_which_model(smollm2: LlamaCppChatModel) -> None:
    result = smollm2.chat(FRANCE, repeat_penalty=1.0)
    assert result.text == "The capital of France is Paris."
    assert (result.finish_reason, result.model) == ("stop", "smollm2-135m")
    assert result.prompt_tokens > 10 and result.completion_tokens > 3
    assert 0 < result.prompt_seconds < result.seconds and result.tokens_per_second > 1
    # With the prompt cache on, llama.cpp reads only what is new; the count still covers it all.
    cached = LlamaCppChatModel(model="smollm2-135m", max_tokens=24, reuse_prompt_cache=True)
    cached.chat(FRANCE, repeat_penalty=1.0)
    assert cached.chat(FRANCE, repeat_penalty=1.0).prompt_tokens == result.prompt_tokens
    print(f"\nllama.cpp SmolLM2: loaded in {smollm2.load_seconds:.2f} s, "
          f"{result.tokens_per_second:.0f} tokens/s decoding")  # fmt: skip


def test_the_same_messages_get_the_same_reply_whatever_came_before(
    smollm2: LlamaCppChatModel,
) -> None:
    """A two-step tool conversation, then an unrelated question. With llama.cpp's prompt cache
    reused (``reuse_prompt_cache=True``) this exact sequence makes SmolLM2 answer in French."""
    steps = [
        {"role": "system", "content": "You are a careful assistant with tools. Work in steps."},
        {"role": "user", "content": "What is 2 + 3? Use the add tool."},
    ]
    tools = [Tool.from_function(add)]
    reply = smollm2.chat(steps, tools=tools, max_tokens=64)
    steps += [assistant_message(reply), *(tool_message(call, "5") for call in reply.tool_calls)]
    smollm2.chat(steps, tools=tools, max_tokens=64)
    assert smollm2.chat(FRANCE, repeat_penalty=1.0).text == "The capital of France is Paris."


def test_tool_calls_are_valid_by_construction(smollm2: LlamaCppChatModel) -> None:
    """Whatever the 135M model thinks, the grammar lets it write only a real tool with real,
    well-typed arguments, or an answer."""
    tools = [Tool.from_function(add), Tool.from_function(convert)]
    questions = ["What is 2 + 3?", "How many metres is 5 km?", "Add 10 and 32.", "Hello!"]
    calls = 0
    for question in questions:
        result = smollm2.chat([{"role": "user", "content": question}], tools=tools, max_tokens=64)
        for call in result.tool_calls:
            tool = next(t for t in tools if t.name == call.name)
            assert set(call.arguments) <= set(tool.parameters["properties"])
            tool.validate(call.arguments)  # raises on a missing or mistyped argument
            calls += 1
        assert result.tool_calls or result.text
    assert calls >= 2  # it does use the tools it is offered
    first = smollm2.chat([{"role": "user", "content": "What is 2 + 3?"}], tools=tools[:1],
                         max_tokens=64)  # fmt: skip
    assert [(c.name, c.arguments) for c in first.tool_calls] == [("add", {"a": 2, "b": 3})]


def test_structured_output_is_a_validated_object(smollm2: LlamaCppChatModel) -> None:
    class City(BaseModel):
        name: str
        country: str

    question = [SYSTEM, {"role": "user", "content": "Name the capital of Italy."}]
    city = ask_structured(smollm2, question, City, max_tokens=48)
    # The shape is guaranteed by the grammar; the content is a 135M model's best guess.
    assert isinstance(city, City) and city.name and "ital" in city.country.lower()


def test_streaming_budgets_and_stop_sequences(smollm2: LlamaCppChatModel) -> None:
    pieces = list(smollm2.stream(FRANCE))
    assert len(pieces) > 3 and "".join(pieces).strip() == smollm2.chat(FRANCE).text
    assert smollm2.chat(FRANCE, max_tokens=2).finish_reason == "length"
    start = time.perf_counter()
    story = [SYSTEM, {"role": "user", "content": "Tell a very long story about a dragon."}]
    timed = smollm2.chat(story, max_tokens=2000, time_budget_s=0.3)
    assert timed.finish_reason == "length" and time.perf_counter() - start < 5
    listed = smollm2.chat([SYSTEM, {"role": "user", "content": "Repeat: a, b, c, d"}], stop=[","])
    assert "," not in listed.text


def test_a_prompt_longer_than_the_window_is_cut_by_the_rule() -> None:
    model = LlamaCppChatModel(model="smollm2-135m", context_window=256, max_tokens=8)
    long = [SYSTEM, {"role": "user", "content": "filler text " * 400 + "Capital of France?"}]
    result = model.chat(long)
    assert model.last_fit is not None and model.last_fit.cut_tokens > 0
    assert result.prompt_tokens <= 256 - 8 and result.completion_tokens > 0


def test_bad_requests_are_clear_errors(smollm2: LlamaCppChatModel, tmp_path) -> None:
    with pytest.raises(LLMError, match=r"unknown option\(s\) \['top_q'\] for llama.cpp"):
        smollm2.chat(FRANCE, top_q=0.5)
    with pytest.raises(LLMError, match="no such GGUF file"):
        LlamaCppChatModel(model=str(tmp_path / "missing.gguf"))
    with pytest.raises(LLMError, match="threads must be at least 1"):
        LlamaCppChatModel(model="smollm2-135m", threads=0)


def test_llamacpp_and_transformers_agree_on_the_same_weights() -> None:
    """The same GGUF, greedy, no repetition penalty: the two runtimes pick the same tokens until
    4-bit rounding inside llama.cpp's kernels tips a close call (transformers de-quantises first)."""
    fast = LlamaCppChatModel(model="smollm2-135m", repeat_penalty=1.0, max_tokens=12)
    slow = TransformersChatModel(model="smollm2-135m", repeat_penalty=1.0, max_tokens=12)
    assert fast.chat(FRANCE).text == slow.chat(FRANCE).text == "The capital of France is Paris."
    for question in ["What is 2 plus 2?", "Name a primary colour.", "Say hello in French."]:
        messages = [SYSTEM, {"role": "user", "content": question}]
        a, b = fast.chat(messages).text.split(), slow.chat(messages).text.split()
        assert a[:3] == b[:3], (a, b)
