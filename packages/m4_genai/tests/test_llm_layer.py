"""The model layer without a model: factory, scripted fakes, tool protocol, context-window rule."""

from __future__ import annotations

import pytest

from m4_genai.errors import LLMError, ScriptExhaustedError
from m4_genai.llm import (
    ChatModel,
    ExtractiveChatModel,
    ScriptedChatModel,
    ToolCall,
    load_chat_model,
    parse_tool_calls,
)
from m4_genai.llm.context import TextCodec, cut_middle, fit_to_budget
from m4_genai.llm.tool_protocol import to_protocol_messages, tool_system_prompt

ADD = {
    "type": "function",
    "function": {
        "name": "add",
        "description": "Add two numbers.",
        "parameters": {"properties": {"a": {"type": "number"}, "b": {"type": "number"}}},
    },
}

# ---------- factory ---------------------------------------------------------------------------


def test_factory_default_is_llamacpp_with_the_best_model_and_lazy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from m4_genai.llm.llamacpp_backend import _LOADED, LlamaCppChatModel
    from roadmap_data.models import best_chat_model

    monkeypatch.delenv("AI_ROADMAP_LLM", raising=False)
    loaded_before = dict(_LOADED)
    model = load_chat_model(max_tokens=8)
    assert isinstance(model, LlamaCppChatModel) and isinstance(model, ChatModel)
    assert model.name == best_chat_model().name
    assert loaded_before == _LOADED  # nothing loaded until the first chat


def test_factory_reads_the_env_var_and_rejects_unknowns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AI_ROADMAP_LLM", "scripted")
    assert isinstance(load_chat_model(), ExtractiveChatModel)
    assert isinstance(load_chat_model(replies=["hi"]), ScriptedChatModel)
    with pytest.raises(
        LLMError,
        match=r"unknown model kind 'gpt' .*\('local', 'transformers', 'openai', 'scripted'\)",
    ):
        load_chat_model("gpt")
    with pytest.raises(LLMError, match=r"unknown option\(s\) \['temprature'\] for the 'local'"):
        load_chat_model("local", temprature=0.2)


def test_common_options_are_accepted_by_every_backend() -> None:
    model = load_chat_model("scripted", max_tokens=5, temperature=0.0, seed=1, time_budget_s=2.0)
    assert model.chat([{"role": "user", "content": "no sources"}]).text == "I don't know."


# ---------- scripted fakes --------------------------------------------------------------------


def test_extractive_model_cites_the_first_sentence_of_source_one() -> None:
    prompt = (
        "Answer from the sources.\n[1] The data registry lives in roadmap_data. It knows files.\n"
        "[2] Something else.\n\nQuestion: where is the registry?"
    )
    model = load_chat_model("scripted")
    result = model.chat([{"role": "system", "content": "x"}, {"role": "user", "content": prompt}])
    assert result.text == "The data registry lives in roadmap_data. [1]"
    assert "".join(model.stream([{"role": "user", "content": prompt}])) == result.text
    assert ExtractiveChatModel.answer("[1]   \n") == "I don't know."
    paged = ExtractiveChatModel.answer("[1] lease.pdf (p. 3)\nRent is due monthly. Next.")
    assert paged == "lease.pdf (p. 3) Rent is due monthly. [1]"  # "p. 3" ends no sentence


def test_scripted_model_replays_and_fails_loudly_when_exhausted() -> None:
    model = ScriptedChatModel(["one two three", ToolCall("c1", "add", {"a": 1, "b": 2})])
    first = model.chat([{"role": "user", "content": "q"}], max_tokens=2)
    assert (first.text, first.finish_reason) == ("one two", "length")
    second = model.chat([{"role": "user", "content": "q2"}])
    assert second.finish_reason == "tool_calls" and second.tool_calls[0].arguments == {
        "a": 1,
        "b": 2,
    }
    with pytest.raises(ScriptExhaustedError, match="has 2 replies but was called 3 times"):
        model.chat([{"role": "user", "content": "q3"}])
    assert [call[-1]["content"] for call in model.calls] == ["q", "q2", "q3"]


# ---------- JSON tool protocol ----------------------------------------------------------------


def test_tool_prompt_lists_tools_with_their_arguments() -> None:
    prompt = tool_system_prompt([ADD])
    assert '{"tool": "<name>", "arguments": {<arguments as JSON>}}' in prompt
    assert "- add(a: number, b: number): Add two numbers." in prompt
    assert "answer normally" in prompt and '{"answer"' not in prompt
    # Under a grammar the reply must be JSON: the model is told the answer's JSON form too.
    assert 'reply {"answer": "<your answer>"} instead' in tool_system_prompt(
        [ADD], constrained=True
    )


def test_parse_tool_calls_finds_json_amid_chatter_and_ignores_unknown_tools() -> None:
    text = (
        'Sure! {"tool": "add", "arguments": {"a": 2, "b": 3}} and {"tool": "rm", "arguments": {}}'
    )
    assert parse_tool_calls(text, [ADD]) == [ToolCall("call_0", "add", {"a": 2, "b": 3})]
    assert parse_tool_calls('{"tool": "add", "arguments": [1]} {broken', [ADD]) == []
    assert parse_tool_calls("no json here", [ADD]) == []


def test_protocol_messages_rewrite_tool_turns_for_a_plain_chat_template() -> None:
    history = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "2+3?"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [ToolCall("c0", "add", {"a": 2, "b": 3})],
        },
        {"role": "tool", "tool_call_id": "c0", "content": "5"},
    ]
    out = to_protocol_messages(history, [ADD])
    assert [m["role"] for m in out] == ["system", "user", "assistant", "user"]
    assert out[0]["content"].startswith("Be brief.\n\nYou can call tools.")
    assert out[2]["content"] == '{"tool": "add", "arguments": {"a": 2, "b": 3}}'
    assert out[3]["content"] == "Result of tool call c0: 5"
    assert to_protocol_messages(history[:2], None) == history[:2]


# ---------- context-window rule ---------------------------------------------------------------


def words_codec() -> TextCodec:
    """A whitespace 'tokenizer' whose ids are the words themselves (via an index table)."""
    table: list[str] = []

    def encode(text: str) -> list[int]:
        ids = []
        for word in text.split():
            table.append(word)
            ids.append(len(table) - 1)
        return ids

    return TextCodec(encode=encode, decode=lambda ids: " ".join(table[i] for i in ids))


def count_words(messages: list[dict]) -> int:
    return sum(len(str(m["content"]).split()) + 1 for m in messages)  # +1: the role marker


def test_short_conversations_are_untouched() -> None:
    messages = [{"role": "user", "content": "a b c"}]
    report = fit_to_budget(messages, 10, count_words, words_codec())
    assert report.messages == messages and not report.truncated and report.tokens == 4


def test_oldest_turns_go_first_and_system_and_last_message_stay() -> None:
    messages = [
        {"role": "system", "content": "rules"},
        {"role": "user", "content": "old " * 10},
        {"role": "assistant", "content": "older answer " * 5},
        {"role": "user", "content": "the question"},
    ]
    report = fit_to_budget(messages, 6, count_words, words_codec())
    assert [m["content"] for m in report.messages] == ["rules", "the question"]
    assert report.dropped_messages == 2 and report.tokens == 5


def test_a_too_long_last_message_is_cut_in_the_middle() -> None:
    content = " ".join(f"w{i}" for i in range(200))
    messages = [{"role": "system", "content": "rules"}, {"role": "user", "content": content}]
    report = fit_to_budget(messages, 60, count_words, words_codec())
    kept = report.messages[1]["content"]
    assert report.tokens <= 60 and report.cut_tokens > 0
    assert kept.startswith("w0 w1 ") and kept.endswith(" w198 w199")  # head and tail survive
    assert "tokens cut ...]" in kept and "w100" not in kept


def test_cut_middle_and_impossible_budgets() -> None:
    assert cut_middle("a b c d e f", 2, words_codec()) == "a b [... 2 tokens cut ...] e f"
    system_only = [{"role": "system", "content": "x " * 50}, {"role": "user", "content": "q"}]
    with pytest.raises(LLMError, match="even after truncation"):
        fit_to_budget(system_only, 10, count_words, words_codec())
    with pytest.raises(LLMError, match="no room for a prompt"):
        fit_to_budget(system_only, 0, count_words, words_codec())


def test_assistant_message_history_reads_back_through_the_local_protocol() -> None:
    from m4_genai.llm import ChatResult, assistant_message, tool_message

    call = ToolCall("call_0", "add", {"a": 2, "b": 3})
    turn = assistant_message(ChatResult("", [call], finish_reason="tool_calls"))
    assert turn["tool_calls"][0]["function"] == {"name": "add", "arguments": '{"a": 2, "b": 3}'}
    out = to_protocol_messages([turn, tool_message(call, "5")], None)
    assert out == [
        {"role": "assistant", "content": '{"tool": "add", "arguments": {"a": 2, "b": 3}}'},
        {"role": "user", "content": "Result of tool call call_0: 5"},
    ]
