"""What keeps the server serving: a cap on a request's bytes, a bound on the requests in
flight, one thread for the model, and every refusal a JSON error with its 4xx status."""
from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, TypeVar

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

T = TypeVar("T")


class Refused(Exception):
    """A request the server answers with `status` and `{"error": message}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class BodyLimit:
    """ASGI middleware: a request whose body passes `max_bytes` (by its Content-Length, or
    as it streams in without one) is answered 413 before the app reads it whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._too_large(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    await self._linger(receive, message)
                    raise Refused(413, self._message())
            return message

        await self.app(scope, counted, send)

    async def _linger(self, receive: Receive, message: Message) -> None:
        """Read and drop what more of the body comes, up to `max_bytes` more, before the 413:
        a client still sending when the answer comes and the connection closes sees a reset,
        not the answer (as nginx's lingering close). More than that is not waited for."""
        dropped = 0
        while message.get("more_body") and dropped <= self.max_bytes:
            message = await receive()
            dropped += len(message.get("body", b""))

    def _message(self) -> str:
        return f"request body over the limit of {self.max_bytes} bytes (privspan serve --max-bytes)"

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._linger(receive, {"more_body": True})
        await error(413, self._message())(scope, receive, send)


class ModelGate:
    """The pipeline runs on one thread, one request at a time: spaCy does not promise that a
    pipeline is safe to call from two threads at once, and one request already keeps a core
    busy (BLAS is held to one thread per call in annotate's own loop). At most `max_waiting`
    further requests wait their turn; past that a request is answered 503 at once, so a
    burst cannot pile up memory or time out every client."""

    def __init__(self, max_in_flight: int) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="privspan-model")
        self.max_in_flight = max_in_flight
        self.in_flight = 0

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        if self.in_flight >= self.max_in_flight:
            raise Refused(503, f"busy: {self.in_flight} requests in flight (privspan serve --max-in-flight)")
        self.in_flight += 1
        try:
            loop = asyncio.get_running_loop()
            future: Awaitable[T] = loop.run_in_executor(self.executor, work, *args)
            return await future
        finally:
            self.in_flight -= 1


def parse_json(body: bytes) -> Any:
    """The JSON of a request body; a Refused (400) that says why not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Refused(400, f"the body is not UTF-8 (byte {err.start})") from None
    if not text.strip():
        raise Refused(400, "empty body: send JSON")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise Refused(400, f"invalid JSON: {err.msg} (line {err.lineno}, column {err.colno})") from None
