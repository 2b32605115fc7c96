"""A local fake of an OpenAI-compatible chat completions API, on 127.0.0.1, for the digest's summariser.

Written from OpenAI's published API reference (not a recording): POST /v1/chat/completions with a bearer
key, answered {"id", "object": "chat.completion", "model", "choices": [{"index", "message": {"role",
"content", "refusal"}, "finish_reason"}], "usage"}. The "model" reads the item the digest sends (a JSON
object in the user message: title, regulator, text, translate_title) and answers in the language the
system prompt names, so what a test sees is tied to the entry it was asked about.

Behaviours, served in order per request (the last one repeats): "ok", "timeout" (answers after `delay`
seconds), "error" (HTTP 500), "refusal" (the refusal field, no content), "apology" (a refusal in prose),
"prose" (an answer that is not JSON), "wrong_language" (a summary in the wrong language). A request
without the right bearer key gets HTTP 401, whatever the behaviour.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# What the "model" knows how to translate; anything else gets a generic but honest rendering.
TRANSLATIONS: dict[tuple[str, str], str] = {
    (
        "人工智能生成合成内容标识办法（征求意见稿）",
        "Korean",
    ): "인공지능 생성·합성 콘텐츠 표시 방법(의견수렴안)",
    (
        "人工智能生成合成内容标识办法（征求意见稿）",
        "English",
    ): "Measures for Labelling AI-Generated Synthetic Content (Draft for Comments)",
}


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def item(self) -> dict[str, Any]:
        """The item the digest asked about (the user message)."""
        user = next(m for m in self.body["messages"] if m["role"] == "user")
        return json.loads(user["content"])

    @property
    def language(self) -> str:
        system = next(m for m in self.body["messages"] if m["role"] == "system")["content"]
        return "Korean" if "in Korean" in system else "English"


@dataclass
class FakeLLM:
    api_key: str = "sk-fake-digest-key-0000"
    behaviours: list[str] = field(default_factory=lambda: ["ok"])
    delay: float = 3.0  # seconds a "timeout" answer waits

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._served = 0
        self.requests: list[Request] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a deliberately slow answer must not hold up stop()
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/chat/completions"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _next_behaviour(self) -> str:
        with self._lock:
            behaviour = self.behaviours[min(self._served, len(self.behaviours) - 1)]
            self._served += 1
            return behaviour

    def answer(self, request: Request) -> tuple[int, dict[str, Any]]:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return 401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}
        behaviour = self._next_behaviour()
        if behaviour == "timeout":
            time.sleep(self.delay)
        if behaviour == "error":
            return 500, {"error": {"message": "The server had an error", "type": "server_error"}}
        item, language = request.item, request.language
        if behaviour == "refusal":
            return 200, _completion(request, None, refusal="I'm sorry, I can't assist with that request.")
        if behaviour == "apology":
            return 200, _completion(request, "I'm sorry, but I can't help with summarising this document.")
        if behaviour == "prose":
            return 200, _completion(request, f"Sure! Here is a summary of {item['title']}: it is a document.")
        if behaviour == "wrong_language":
            language = "English" if language == "Korean" else "Korean"
        if language == "Korean":
            summary = f"{item['regulator']}이(가) 발표한 항목입니다."
        else:
            summary = f"An item published by {item['regulator']}."
        title = None
        if item["translate_title"]:
            fallback = f"번역된 제목: {item['title']}" if language == "Korean" else "Translated title"
            title = TRANSLATIONS.get((item["title"], language), fallback)
        return 200, _completion(request, json.dumps({"summary": summary, "title": title}, ensure_ascii=False))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                if not self.path.endswith("/chat/completions"):
                    status, body = (
                        404,
                        {"error": {"message": "unknown path", "type": "invalid_request_error"}},
                    )
                else:
                    request = Request(self.path, headers, json.loads(raw or b"{}"))
                    with fake._lock:
                        fake.requests.append(request)
                    status, body = fake.answer(request)
                payload = json.dumps(body, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    self.close_connection = True

        return Handler


def _completion(request: Request, content: str | None, refusal: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.body.get("model", ""),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
