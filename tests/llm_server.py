"""A scripted OpenAI-compatible chat server on a loopback port: the only fake in the LLM tests.

It speaks just enough of ``POST /v1/chat/completions`` for llama-index's ``OpenAILike`` (the
real client, over real HTTP), records every request, and answers with whatever the test's
script returns for it, so a test can write a reply that cites the paragraphs it was actually sent.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# How a paragraph is fenced in the user message (see rag.llm.build_messages).
_BLOCK = re.compile(r"<<<PARAGRAPH (\d+) (\w+)>>>\n(.*?)\n<<<END \2>>>", re.S)


@dataclass
class Reply:
    """What the server sends back: a completion, or an HTTP error, optionally after a delay."""

    content: str = ""
    status: int = 200
    delay_s: float = 0.0


Script = Callable[["ChatRequest"], Reply | str]


@dataclass
class ChatRequest:
    """One request the server received, with helpers to read our prompt back out of it."""

    body: dict[str, Any]

    def message(self, role: str) -> str:
        return next(m["content"] for m in self.body["messages"] if m["role"] == role)

    @property
    def system(self) -> str:
        return self.message("system")

    @property
    def user(self) -> str:
        return self.message("user")

    def paragraphs(self) -> dict[int, str]:
        """Paragraph number -> the text inside its fence."""
        return {int(m.group(1)): m.group(3) for m in _BLOCK.finditer(self.user)}

    def number_of(self, phrase: str) -> int:
        """The number the prompt gave the paragraph containing ``phrase``."""
        found = [n for n, text in self.paragraphs().items() if phrase.lower() in text.lower()]
        assert found, f"no paragraph sent to the LLM contains {phrase!r}"
        return found[0]


@dataclass
class FakeChatServer:
    """``with FakeChatServer() as server: ...``; set ``server.script`` per test."""

    script: Script = lambda request: "I cannot answer that from these articles."
    requests: list[ChatRequest] = field(default_factory=list)
    url: str = ""

    def __enter__(self) -> FakeChatServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                request = ChatRequest(body)
                server.requests.append(request)
                reply = server.script(request)
                if isinstance(reply, str):
                    reply = Reply(reply)
                time.sleep(reply.delay_s)
                if reply.status != 200:
                    self._send(reply.status, {"error": {"message": "scripted failure", "type": "server_error"}})
                elif body.get("stream"):
                    self._stream(body, reply.content)
                else:
                    self._send(200, _completion(body, reply.content))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _stream(self, body: dict[str, Any], content: str) -> None:
                # llama-index only streams for stream_chat; kept so a future switch still works.
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in (content[i : i + 40] for i in range(0, len(content), 40)):
                    chunk = {**_completion(body, ""), "object": "chat.completion.chunk"}
                    chunk["choices"] = [{"index": 0, "delta": {"role": "assistant", "content": piece},
                                         "finish_reason": None}]
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep pytest output clean
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def reset(self, script: Script) -> None:
        self.script = script
        self.requests.clear()


def _completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "test-model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
