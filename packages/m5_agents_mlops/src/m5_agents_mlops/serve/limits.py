"""A body-size limit for any ASGI app (uvicorn sets none): ``serve`` and Contract-QA use it.

Kept apart from ``app.py`` so an app can import it without the month 2-3 model stack.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """413 for a body over ``max_bytes``, by its Content-Length or, when it streams without one,
    as soon as it has read that much (uvicorn itself sets no limit)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.max_bytes:
            return await self._refuse(send, "Content-Length is not a size or is over the limit")
        seen, refused = 0, False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes and not refused:
                refused = True
                await self._refuse(send, "the body is over the limit")
                return {"type": "http.disconnect"}  # the app stops reading, as if the client left
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:  # the 413 went out: whatever the app answers now is dropped
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # The app failed reading a body we cut short (ClientDisconnect): the 413 went out.

    async def _refuse(self, send: Send, reason: str) -> None:
        response = JSONResponse({"detail": f"{reason} ({self.max_bytes:,} bytes)"}, status_code=413)
        await response({"type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
