"""Errors in OpenAI's shape, and which status each failure of the chat model gets.

OpenAI's clients read ``{"error": {"message", "type", "code", "param"}}`` and raise a typed
exception carrying that message (``openai.BadRequestError``...). Which status, by what failed:

==============================================  =====  ===========================
what failed                                     HTTP   ``code``
==============================================  =====  ===========================
the prompt does not fit the context window,     400    ``context_length_exceeded``
even after cutting (m4's ``ContextLengthError``)
a parameter this server or its model ignores    400    ``unsupported_parameter``
(``openai_options.py``), or an option the
backend lacks (m4's "unknown option(s) ...")
llama.cpp refused the request before it began   400    ``invalid_request``
(a ``response_format`` schema it cannot compile)
anything else the model raised                  502    ``model_error``
the model is busy (``chat_turns.py``)           503    ``server_busy``
==============================================  =====  ===========================

The 400s and 502s are deterministic: the same request fails the same way again. They carry
``x-should-retry: false``, which the OpenAI SDK obeys (it retries a 502 twice otherwise, with
backoff); m4's ``openai`` backend has already retried a flaky upstream server before giving up.
The 503 is the one worth retrying, and says when (``Retry-After``).
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from m4_genai.errors import ContextLengthError
from m5_agents_mlops.serve.chat_turns import TurnRefused

NO_RETRY = {"x-should-retry": "false"}
"""The OpenAI SDK's own header: do not retry this answer, whatever its status."""
UNKNOWN_OPTION = "unknown option(s) "
"""How m4's ``merge_options`` starts the error for an option a backend does not take."""
LLAMACPP_REFUSED = "llama.cpp refused the request: "
"""How m4's llama.cpp backend starts the error for a request its server rejected."""


def error_body(
    message: str, kind: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    """OpenAI's error shape, which every OpenAI client turns into a typed exception."""
    return {"error": {"message": message, "type": kind, "code": code, "param": param}}


def model_error(error: Exception) -> tuple[int, dict[str, Any]]:
    """Status and body for a model's failure: the client's fault (400) or the model's (502)."""
    text = str(error)
    if isinstance(error, ContextLengthError):
        return 400, error_body(text, "invalid_request_error", "context_length_exceeded")
    if text.startswith(UNKNOWN_OPTION):
        return 400, error_body(text, "invalid_request_error", "unsupported_parameter")
    if text.startswith(LLAMACPP_REFUSED):
        return 400, error_body(text, "invalid_request_error", "invalid_request")
    return 502, error_body(f"the chat model failed: {text}", "server_error", "model_error")


def model_error_response(error: Exception) -> JSONResponse:
    status, body = model_error(error)
    return JSONResponse(body, status, headers=NO_RETRY)


def unsupported_response(param: str, message: str) -> JSONResponse:
    """400 for a request parameter this server will not silently ignore."""
    body = error_body(message, "invalid_request_error", "unsupported_parameter", param)
    return JSONResponse(body, 400, headers=NO_RETRY)


def refused_response(refused: TurnRefused) -> JSONResponse:
    """``chat_turns``' refusal (busy: 503 with ``Retry-After``) in OpenAI's shape."""
    body = error_body(str(refused.detail), "server_error", refused.code)
    return JSONResponse(body, refused.status_code, headers=refused.headers)
