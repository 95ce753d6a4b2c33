"""A cap on request bodies, before any route reads them (chunk uploads have their own cap).

A declared Content-Length over the cap is refused at once; a body without one (chunked) is
counted as it arrives and refused when it passes the cap. Both answer 413 in the API's error shape.
"""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from padan.linker.service.api.errors import error_response

# PUT /projects/{id}/uploads/{upload_id}[/removed]: raw chunks and removed lists, capped by the
# route (MAX_CHUNK_BYTES)
_CHUNK_PATH = re.compile(r"^/projects/[^/]+/uploads/[^/]+(/removed)?$")


def _message(limit: int) -> str:
    return f"the request body is larger than this server accepts ({limit} bytes)"


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"] == "PUT"
                                       and _CHUNK_PATH.match(scope["path"])):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = error_response(413, "too_large", _message(self.max_bytes),
                                      {"limit": self.max_bytes})
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:  # FastAPI passes HTTPException through untouched
                    raise HTTPException(413, _message(self.max_bytes))
            return message

        await self.app(scope, counted, send)
