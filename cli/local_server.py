"""The linker API on a free loopback port in a background thread, for `padan demo` and tests.

    with serve_in_thread(create_app(settings)) as base_url:
        client = PadanClient(httpx.Client(base_url=base_url), token=...)

The app's lifespan runs as under `padan serve` (so an embedded worker starts and stops with it).
Only 127.0.0.1 is bound: nothing outside this machine can reach it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serve_in_thread(app, *, start_timeout: float = 30.0) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 at a free port until the block ends; yields the base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="padan-api")
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the linker API did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()
