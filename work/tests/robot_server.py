"""A group robot on this machine: an http.server in a thread that records each POST and answers
with the statuses it is told (then 200 `{"errcode": 0}`)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    query: dict[str, str]
    body: dict


@dataclass
class RobotServer:
    url: str
    received: list[Received] = field(default_factory=list)
    #: statuses to answer, in order, before the 200s: e.g. [500, 500]
    statuses: list[int] = field(default_factory=list)
    #: the JSON answered with a 200
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})


@pytest.fixture
def robot_server():
    state = RobotServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            state.received.append(Received(parts.path, query, body))
            status = state.statuses.pop(0) if state.statuses else 200
            if status in (301, 302):
                self.send_response(status)
                self.send_header("Location", "http://10.0.0.1/elsewhere")
                self.end_headers()
                return
            payload = json.dumps(state.answer if status == 200 else {"error": "boom"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
