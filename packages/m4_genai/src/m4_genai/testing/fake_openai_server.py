"""A tiny OpenAI-compatible HTTP server on 127.0.0.1, for testing the ``openai`` backend offline.

It answers ``POST /v1/chat/completions`` from a queue of canned replies, so a test can script
"500, then 200" (to check retries), a tool call, or a streamed answer, and inspect the requests
it received. Only the standard library, only loopback: no network is used.

    with FakeOpenAIServer([Reply(500), Reply(text="Paris")]) as server:
        model = OpenAIChatModel(base_url=server.url, api_key="test", backoff_s=0.01)
        assert model.chat([{"role": "user", "content": "Capital of France?"}]).text == "Paris"
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One canned answer: an HTTP error ``status``, or a completion (text and/or tool calls)."""

    status: int = 200
    text: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    """OpenAI-shaped: ``{"id", "type": "function", "function": {"name", "arguments": "<json>"}}``."""
    finish_reason: str = "stop"


def completion(reply: Reply, model: str) -> dict[str, Any]:
    """The JSON body of a non-streamed chat completion."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if reply.tool_calls:
        message["tool_calls"] = reply.tool_calls
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": {
            "prompt_tokens": 7,
            "completion_tokens": len(reply.text.split()),
            "total_tokens": 0,
        },
    }


def chunks(reply: Reply, model: str) -> list[dict[str, Any]]:
    """The streamed version: one chunk per word, then a final chunk with the finish reason."""
    words = reply.text.split(" ")
    pieces = [word if i == 0 else " " + word for i, word in enumerate(words)]
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": model}
    out = [
        {**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
        for piece in pieces
    ]
    out.append(
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]}
    )
    return out


class FakeOpenAIServer:
    """Serve ``replies`` in order (the last one repeats); ``requests`` holds the JSON bodies seen."""

    def __init__(self, replies: list[Reply], model: str = "fake-model") -> None:
        self.replies = list(replies)
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL to give the client, e.g. ``http://127.0.0.1:54321/v1``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def _next(self) -> Reply:
        index = min(len(self.requests) - 1, len(self.replies) - 1)
        return self.replies[index]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(request)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(
                        404, b'{"error": {"message": "not found"}}', "application/json"
                    )
                reply = server._next()
                if reply.status != 200:
                    error = {"error": {"message": f"fake error {reply.status}", "type": "fake"}}
                    return self._send(reply.status, json.dumps(error).encode(), "application/json")
                if request.get("stream"):
                    events = "".join(
                        f"data: {json.dumps(c)}\n\n" for c in chunks(reply, server.model)
                    )
                    body = (events + "data: [DONE]\n\n").encode()
                    return self._send(200, body, "text/event-stream")
                body = json.dumps(completion(reply, server.model)).encode()
                return self._send(200, body, "application/json")

        return Handler

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
