"""A scripted OpenAI-compatible chat server on 127.0.0.1, for the tests of the ``openai`` backend.

It runs in a thread of the test process on a port the OS picks, answers ``GET /v1/models`` and
``POST /v1/chat/completions``, counts the calls, and remembers the most requests it had in
flight at once. Each test scripts it: a rewrite per sentence, a delay, HTTP errors to answer
first, a hang. It is bounded: every wait in it ends when the server stops, a watchdog stops it
after ``lifetime_s`` whatever the test does, and the ``stub_server`` fixture stops it at the
end of the test.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """What the stub does. ``rewrite(sentence)``: the answer (default: the sentence as it is).
    ``fail``: HTTP statuses to answer the next chat requests with, in order. ``delay_s``: time
    each chat answer takes. ``hang_s``: time before answering at all (past a client's timeout).
    """

    models: tuple[str, ...] = ("stub-model",)
    rewrite: Callable[[str], str] = lambda sentence: sentence
    fail: list[int] = field(default_factory=list)
    delay_s: float = 0.0
    hang_s: float = 0.0
    finish_reason: str = "stop"
    require_key: str | None = None


class StubServer:
    def __init__(self, script: Script | None = None, *, lifetime_s: float = 30.0) -> None:
        self.script = script or Script()
        self.chat_calls = 0
        self.model_calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.stub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._watchdog = threading.Timer(lifetime_s, self.stop)
        self._watchdog.daemon = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> StubServer:
        self._thread.start()
        self._watchdog.start()
        return self

    def stop(self) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()  # ends every delay and hang at once
        self._watchdog.cancel()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _enter(self) -> None:
        with self._lock:
            self.chat_calls += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    timeout = 10  # a client that stops talking cannot hold a thread for longer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    @property
    def stub(self) -> StubServer:
        return self.server.stub  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        if self.path != "/v1/models":
            return self._send(404, {"error": {"message": f"no route {self.path}"}})
        self.stub.model_calls += 1
        self._send(200, {"object": "list", "data": [{"id": m, "object": "model"}
                                                     for m in self.stub.script.models]})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        if self.path != "/v1/chat/completions":
            return self._send(404, {"error": {"message": f"no route {self.path}"}})
        stub, script = self.stub, self.stub.script
        stub._enter()
        self._counted = True  # left before the answer is sent (see _send)
        try:
            with stub._lock:
                stub.requests.append(body)
                stub.headers.append(dict(self.headers))
                status = script.fail.pop(0) if script.fail else None
            if script.hang_s:
                stub.stopping.wait(script.hang_s)
            if script.require_key and self.headers.get("Authorization") != f"Bearer {script.require_key}":
                return self._send(401, {"error": {"message": "invalid api key"}})
            if body.get("model") not in script.models:
                return self._send(404, {"error": {"message": f"model {body.get('model')} "
                                                              "does not exist"}})
            if status is not None:
                return self._send(status, {"error": {"message": f"scripted {status}"}},
                                  headers={"Retry-After": "0"})
            if script.delay_s:
                stub.stopping.wait(script.delay_s)
            sentence = body["messages"][-1]["content"]
            self._send(200, {"object": "chat.completion", "model": body["model"], "choices": [
                {"index": 0, "finish_reason": script.finish_reason,
                 "message": {"role": "assistant", "content": script.rewrite(sentence)}}]})
        finally:
            self._leave_once()

    def _leave_once(self) -> None:
        """Out of ``in_flight`` once: before the answer goes out, else the client's next
        request (sent as soon as it has the answer) may be counted while this one still is."""
        if getattr(self, "_counted", False):
            self._counted = False
            self.stub._leave()

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self._leave_once()
        with contextlib.suppress(OSError):  # the client may have timed out and gone
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)


@contextlib.contextmanager
def running(script: Script | None = None) -> Iterator[StubServer]:
    """A started stub server, stopped on the way out."""
    server = StubServer(script).start()
    try:
        yield server
    finally:
        server.stop()


def closed_port_url() -> str:
    """The base URL of a port on 127.0.0.1 that nothing listens on (a server that is down)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
