"""Any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp server) through the official client.

They all speak ``POST {base_url}/chat/completions``, so one backend covers them: only the base
URL, the key and the model name change. For example:

    load_chat_model("openai", base_url="http://localhost:11434/v1", model="qwen2.5:0.5b")  # Ollama
    load_chat_model("openai", model="gpt-4o-mini")  # api.openai.com, key from OPENAI_API_KEY

Remote calls fail in ways a local one does not: the server is down, overloaded (HTTP 5xx), or
rate-limits us (HTTP 429). Those are *transient*, so we retry them with exponential backoff
(wait 0.5 s, 1 s, 2 s...) a limited number of times; everything else (a bad key, a bad request) is
permanent and is reported at once. We do the retrying here rather than with the client's built-in
``max_retries`` so that the rule is visible and tested, and the final error is one clear line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import urlparse

from m4_genai.errors import LLMError
from m4_genai.llm.base import ChatResult, Message, ToolCall, ToolSpec
from m4_genai.llm.structured import openai_response_format, parse_structured
from m4_genai.llm.tools import as_tools, parse_arguments

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
T = TypeVar("T")


def _reason(error: BaseException) -> str:
    """The root cause in a few words (``connection refused``), not the client's generic text."""
    cause: BaseException | None = error
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__
        assert cause is not None
    text = str(cause) or type(cause).__name__
    return "connection refused" if "refused" in text.lower() else text


class OpenAIChatModel:
    """A ChatModel backed by ``openai.OpenAI(base_url, api_key)``.

    Args:
        base_url: server URL ending in ``/v1``; default ``$OPENAI_BASE_URL`` or OpenAI's.
        api_key: default ``$OPENAI_API_KEY``; local servers accept any non-empty key.
        model: model name on that server; default ``$AI_ROADMAP_OPENAI_MODEL`` or gpt-4o-mini.
        retries: attempts in all for transient errors (connection, 5xx, 429).
        backoff_s: first wait between attempts; doubles each time.
        timeout_s: per-request timeout of the HTTP client.
        time_budget_s: like ``timeout_s`` (the name the local model uses); wins when given.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        seed: int | None = 0,
        retries: int = 3,
        backoff_s: float = 0.5,
        timeout_s: float = 60.0,
        time_budget_s: float | None = None,
    ) -> None:
        import openai

        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip(
            "/"
        )
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key and urlparse(self.base_url).hostname == "api.openai.com":
            raise LLMError(
                "no API key for api.openai.com: set OPENAI_API_KEY (or pass --api-key), or point "
                "OPENAI_BASE_URL at a local server such as Ollama (http://localhost:11434/v1)"
            )
        self.name = model or os.environ.get("AI_ROADMAP_OPENAI_MODEL") or DEFAULT_MODEL
        self.defaults: dict[str, Any] = {
            "max_tokens": max_tokens,
            "temperature": temperature,
            "seed": seed,
        }
        self.retries, self.backoff_s = max(1, retries), backoff_s
        self.attempts = 0  # attempts made by the last call (tests check the retry rule with it)
        # Local servers ignore the key but the client insists on a non-empty one.
        self.client = openai.OpenAI(
            base_url=self.base_url,
            api_key=key or "not-needed",
            max_retries=0,
            timeout=time_budget_s or timeout_s,
        )

    # ---------- the retry rule ----------------------------------------------------------------

    def _with_retries(self, request: Callable[[], T]) -> T:
        """Run ``request``; retry transient failures with exponential backoff; map errors to LLMError."""
        import openai

        for attempt in range(1, self.retries + 1):
            self.attempts = attempt
            try:
                return request()
            except (
                openai.APIConnectionError,
                openai.RateLimitError,
                openai.InternalServerError,
            ) as error:
                if attempt == self.retries:
                    raise self._as_llm_error(error) from error
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            except openai.APIStatusError as error:  # 4xx other than 429: retrying cannot help
                raise self._as_llm_error(error) from error
        raise AssertionError("unreachable")  # the loop either returns or raises

    def _as_llm_error(self, error: Exception) -> LLMError:
        import openai

        where = f"the OpenAI-compatible server at {self.base_url}"
        if isinstance(error, openai.APIConnectionError):
            return LLMError(f"cannot reach {where}: {_reason(error)}")
        status = getattr(error, "status_code", "?")
        if status == 401:
            return LLMError(f"{where} rejected the API key (HTTP 401): check OPENAI_API_KEY")
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        message = getattr(error, "message", str(error))
        return LLMError(f"{where} answered HTTP {status}{tries}: {message}")

    # ---------- chat and stream ---------------------------------------------------------------

    def _request(self, messages: list[Message], opts: dict[str, Any]) -> dict[str, Any]:
        merged = {**self.defaults, **opts}
        timeout = merged.pop("timeout", None) or merged.pop("time_budget_s", None)
        merged.pop("time_budget_s", None)
        request: dict[str, Any] = {"model": self.name, "messages": messages, **merged}
        if request.get("seed") is None:
            request.pop("seed", None)
        if timeout is not None:
            request["timeout"] = timeout
        return request

    def chat(
        self, messages: list[Message], tools: Sequence[ToolSpec] | None = None, **opts: Any
    ) -> ChatResult:
        """One completion; ``tools`` are sent natively and ``tool_calls`` parsed back."""
        spec = opts.pop("response_format", None)
        request = self._request(messages, opts)
        if tools:
            request["tools"] = [tool.to_openai() for tool in as_tools(tools)]
        if spec is not None:  # the server constrains the reply to this JSON Schema
            request["response_format"] = openai_response_format(spec)
        start = time.perf_counter()
        response = self._with_retries(lambda: self.client.chat.completions.create(**request))
        seconds = time.perf_counter() - start
        choice = response.choices[0]
        calls = [
            ToolCall(call.id, call.function.name, parse_arguments(call.function.arguments))
            for call in (choice.message.tool_calls or [])
        ]
        usage = response.usage
        result = ChatResult(
            text=(choice.message.content or "").strip(),
            tool_calls=calls,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            seconds=seconds,
            finish_reason=choice.finish_reason or "stop",
            model=response.model or self.name,
        )
        if spec is not None and result.finish_reason == "stop":
            result.parsed = parse_structured(result.text, spec)
        return result

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        """Server-sent events: each chunk carries a ``delta`` of the answer.

        Only opening the stream is retried: once text has reached the caller, a retry would
        repeat it.
        """
        import openai

        request = self._request(messages, opts)
        chunks = self._with_retries(
            lambda: self.client.chat.completions.create(**request, stream=True)
        )
        try:
            for chunk in chunks:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except openai.APIError as error:
            raise self._as_llm_error(error) from error
