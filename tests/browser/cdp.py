"""A minimal Chrome DevTools protocol driver for Debian's chromium (no browser download).

    with Chromium.start(tmp_path) as browser:
        browser.send("Page.navigate", url=...)
        browser.wait_for("Page.loadEventFired")

Commands are sent over the page's websocket (websocket-client); every event that arrives while
waiting is kept in `events`, so a test can look for console errors and network requests after
the fact.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import websocket

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0")


def chromium_executable() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    def __init__(self, process: subprocess.Popen, port: int, socket: websocket.WebSocket):
        self.process, self.port, self.socket = process, port, socket
        self.events: list[dict[str, Any]] = []
        self._next_id = 0

    @classmethod
    def start(cls, profile: Path, *, timeout: float = 60.0) -> Chromium:
        executable = chromium_executable()
        if executable is None:
            raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
        profile.mkdir(parents=True, exist_ok=True)
        active = profile / "DevToolsActivePort"
        active.unlink(missing_ok=True)   # a reused profile keeps the last run's port
        process = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={profile}",
                                    "about:blank"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        try:
            while not (active.is_file() and active.read_text().strip()):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chromium did not start (exit {process.poll()})")
                time.sleep(0.05)
            port = int(active.read_text().split()[0])
            pages: list[dict] = []
            while not pages:
                if time.monotonic() > deadline:
                    raise RuntimeError("chromium opened no page")
                # the port file may be written just before the server listens
                with contextlib.suppress(httpx.TransportError):
                    pages = [t for t in httpx.get(f"http://127.0.0.1:{port}/json/list").json()
                             if t.get("type") == "page"]
                time.sleep(0.05)
            socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"],
                                                 timeout=timeout, suppress_origin=True)
        except BaseException:
            process.kill()
            process.wait()
            raise
        return cls(process, port, socket)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and return its result (events met on the way are kept)."""
        self._next_id += 1
        ident = self._next_id
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30.0) -> dict[str, Any]:
        for seen in self.events:
            if seen["method"] == event:
                return seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            if "method" in message:
                self.events.append(message)
                if message["method"] == event:
                    return message
        raise TimeoutError(f"no {event} within {timeout} s")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
