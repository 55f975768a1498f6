"""Shared fixtures: a real HTTP server on 127.0.0.1, isolated user dirs, repo paths."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


# A route is a fixed Reply, or a function of the request handler returning a Reply
# (or None when it wrote the response itself, e.g. a slow drip).
Route = Reply | Callable[[BaseHTTPRequestHandler], "Reply | None"]


class LocalServer:
    """A threaded HTTP server on loopback. Register routes with .route(path, reply); .url(path) gives the URL."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, headers)
        self.bodies: list[bytes] = []  # POST bodies, in order
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                server.bodies.append(self.rfile.read(length) if length else b"")
                self.do_GET(method="POST")

            def do_GET(self, method: str = "GET"):
                server.requests.append((method, self.path, dict(self.headers)))
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    reply = Reply(404, b"not found", {"Content-Type": "text/plain"})
                elif callable(route):
                    reply = route(self)
                    if reply is None:
                        return
                else:
                    reply = route
                self.send_response(reply.status)
                headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(reply.body)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        default_handle_error = self.httpd.handle_error

        def handle_error(request, client_address):
            # A client hanging up early (size cap, timeout, unread error body) is expected; other errors print.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                default_handle_error(request, client_address)

        self.httpd.handle_error = handle_error
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def route(self, path: str, reply: Route) -> str:
        self.routes[path] = reply
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server():
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture
def other_host():
    """A second server, on another loopback address: a "private" host that is not the one the user typed."""
    server = LocalServer("127.0.0.2")
    yield server
    server.close()


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Every test gets its own config, cache and data dirs (platformdirs reads XDG_* on Linux).

    The joined default model is the exception: it is 1 GB, so tests share the real cache's copy
    through NEWSUM_MODEL_DIR when it is set by the environment.
    """
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    yield


@pytest.fixture(scope="session")
def joined_model_dir() -> Path:
    """Where the default model is joined once per session: $NEWSUM_MODEL_DIR, else the real user cache
    (session fixtures run before the per-test XDG isolation, so this is the copy `newsum` itself uses)."""
    from summarizer.models.packaged import ensure_joined, model_dir

    directory = model_dir()
    ensure_joined(directory=directory)
    return directory


@pytest.fixture
def default_model(joined_model_dir, monkeypatch):
    """The real default model (mark the test `model`); loaded once per process and reused."""
    from summarizer.models import load_model

    monkeypatch.setenv("NEWSUM_MODEL_DIR", str(joined_model_dir))
    return load_model(None)
