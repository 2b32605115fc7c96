"""A local fake of the Slack Web API and of incoming webhooks, on 127.0.0.1, for tests through slack-sdk.

Implements what the tracker uses: auth.test, chat.postMessage, chat.update, conversations.history,
conversations.replies, conversations.list, the three steps of files.uploadV2 (files.getUploadURLExternal,
the upload URL, files.completeUploadExternal) and an incoming webhook at `webhook_url`.

It behaves like Slack where the tests depend on it (following Slack's published API reference, not a
recording): API errors are HTTP 200 with {"ok": false, "error": ...}; a 429 carries Retry-After;
chat.postMessage takes a channel name or id, conversations.* only ids; message limits are enforced with
invalid_blocks (50 blocks, header text 150 characters, text objects 3,000, button text 75, URL 3,000);
message metadata comes back only with include_all_metadata. Failures are programmable (`fail`,
`rate_limit`, `server_error`, `outage`) and every request is recorded in `calls`.
"""

from __future__ import annotations

import itertools
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.fake_slack_wire import (
    Call,
    Failure,
    json_arg,
    parse_args,
    public,
    top_level,
    truthy,
    validate_blocks,
)

__all__ = ["Call", "Failure", "FakeSlack", "validate_blocks"]


@dataclass
class _Upload:
    filename: str
    length: int
    data: bytes | None = None


@dataclass
class FakeSlack:
    token: str = "xoxb-fake-0000-token"
    channels: list[str] = field(default_factory=lambda: ["ai-regulation"])
    not_member: list[str] = field(default_factory=list)  # channels the bot was not invited to
    tls: ssl.SSLContext | None = None  # serve HTTPS with this server context (as Slack does)

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self.channel_ids: dict[str, str] = {}  # name -> id
        for name in self.channels:
            self.add_channel(name)
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel id -> messages in post order
        self.webhook_messages: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.uploads: dict[str, _Upload] = {}
        self.webhook_path = "/webhook/T0FAKE/B0FAKE/webhooksecret0123456789"
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- control -----------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self.port}/api/"

    @property
    def webhook_url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self.port}{self.webhook_path}"

    @property
    def _scheme(self) -> str:
        return "http" if self.tls is None else "https"

    def add_channel(self, name: str) -> str:
        name = name.lstrip("#")
        with self._lock:
            if name not in self.channel_ids:
                self.channel_ids[name] = f"C{next(self._ids):08d}"
            return self.channel_ids[name]

    def fail(self, error: str | None = None, *, method: str | None = "chat.postMessage", **kw: Any) -> None:
        """The next matching call(s) answer this error (see Failure for the options)."""
        with self._lock:
            self.failures.append(Failure(error=error, method=method, **kw))

    def rate_limit(self, retry_after: int = 1, *, method: str = "chat.postMessage", times: int = 1) -> None:
        self.fail("ratelimited", status=429, retry_after=retry_after, method=method, times=times)

    def server_error(
        self,
        status: int = 500,
        *,
        method: str | None = "chat.postMessage",
        times: int = 1,
        after: bool = False,
    ) -> None:
        """5xx answers; after=True carries the call out first (the post exists, the answer is lost)."""
        self.fail(
            None, status=status, body="<html>internal error</html>", method=method, times=times, after=after
        )

    def outage(self, *, requests: int | None = None, seconds: float | None = None, status: int = 503) -> None:
        """Every call fails for the next `requests` calls and/or `seconds` seconds."""
        until = time.monotonic() + seconds if seconds is not None else None
        self.fail(
            None,
            status=status,
            body="<html>service unavailable</html>",
            method=None,
            times=requests,
            until=until,
        )

    # -- what happened -----------------------------------------------------------------------------
    def posted(self, channel: str) -> list[dict[str, Any]]:
        """Every message in a channel (top level and replies), in the order they were posted."""
        with self._lock:
            return list(self.messages.get(self._resolve(channel) or "", []))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    # -- the API -----------------------------------------------------------------------------------
    def _resolve(self, channel: str | None, ids_only: bool = False) -> str | None:
        if not channel:
            return None
        if channel in self.channel_ids.values():
            return channel
        if ids_only:
            return None
        return self.channel_ids.get(channel.lstrip("#"))

    def _name(self, channel_id: str) -> str:
        return next((n for n, i in self.channel_ids.items() if i == channel_id), channel_id)

    def _failure(self, method: str, args: dict[str, Any]) -> Failure | None:
        channel = args.get("channel") or args.get("channel_id")
        for failure in self.failures:
            if not failure.active() or (failure.method and failure.method != method):
                continue
            if failure.channel and self._resolve(failure.channel) != self._resolve(str(channel or "")):
                continue
            if failure.times is not None:
                failure.times -= 1
            return failure
        return None

    def _new_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ids):06d}"

    def api(
        self, method: str, args: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        """(status, extra headers, JSON body or str) for one API call."""
        failure = self._failure(method, args)
        if failure is not None and not failure.after:
            return self._failure_answer(failure)
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth else str(args.get("token") or "")
        if not token:
            return 200, {}, {"ok": False, "error": "not_authed"}
        if token != self.token:
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {}, {"ok": False, "error": "unknown_method"}
        result = handler(args)
        if failure is not None:
            return self._failure_answer(failure)
        return 200, {}, result

    @staticmethod
    def _failure_answer(failure: Failure) -> tuple[int, dict[str, str], Any]:
        extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
        if failure.body is not None:
            return failure.status, extra, failure.body
        return failure.status, extra, {"ok": False, "error": failure.error}

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Fake Workspace",
            "user": "tracker",
            "team_id": "T0FAKE",
            "user_id": "U0BOT",
            "bot_id": "B0BOT",
        }

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._resolve(args.get("channel"))
        if channel_id is None:
            return {"ok": False, "error": "channel_not_found"}
        if self._name(channel_id) in {c.lstrip("#") for c in self.not_member}:
            return {"ok": False, "error": "not_in_channel"}
        text, blocks = args.get("text"), json_arg(args.get("blocks"))
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        if text and len(text) > 40000:
            return {"ok": False, "error": "msg_too_long"}
        errors = validate_blocks(blocks or [])
        if errors:
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        thread_ts = args.get("thread_ts")
        messages = self.messages.setdefault(channel_id, [])
        if thread_ts and not any(m["ts"] == thread_ts and top_level(m) for m in messages):
            return {"ok": False, "error": "thread_not_found"}
        message = {
            "type": "message",
            "ts": self._new_ts(),
            "text": text or "",
            "blocks": blocks or [],
            "user": "U0BOT",
            "bot_id": "B0BOT",
            "metadata": json_arg(args.get("metadata")),
            "thread_ts": thread_ts,
            "reply_broadcast": truthy(args.get("reply_broadcast")),
        }
        messages.append(message)
        return {"ok": True, "channel": channel_id, "ts": message["ts"], "message": public(message, False)}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._resolve(args.get("channel"), ids_only=True)
        if channel_id is None:
            return {"ok": False, "error": "channel_not_found"}
        for message in self.messages.get(channel_id, []):
            if message["ts"] == args.get("ts"):
                blocks = json_arg(args.get("blocks"))
                errors = validate_blocks(blocks or [])
                if errors:
                    return {"ok": False, "error": "invalid_blocks", "errors": errors}
                message["text"] = args.get("text", message["text"])
                message["blocks"] = blocks if blocks is not None else message["blocks"]
                message["edited"] = True
                return {"ok": True, "channel": channel_id, "ts": message["ts"], "text": message["text"]}
        return {"ok": False, "error": "message_not_found"}

    def _page(self, items: list[dict[str, Any]], args: dict[str, Any], key: str) -> dict[str, Any]:
        start = int(args.get("cursor") or 0)
        limit = max(1, min(int(args.get("limit") or 100), 1000))
        page = items[start : start + limit]
        more = start + limit < len(items)
        return {
            "ok": True,
            key: page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _window(self, messages: list[dict[str, Any]], args: dict[str, Any]) -> list[dict[str, Any]]:
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or 1e12)
        return [m for m in messages if oldest < float(m["ts"]) < latest]

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._resolve(args.get("channel"), ids_only=True)
        if channel_id is None:
            return {"ok": False, "error": "channel_not_found"}
        metadata = truthy(args.get("include_all_metadata"))
        visible = [m for m in self.messages.get(channel_id, []) if top_level(m) or m["reply_broadcast"]]
        newest_first = sorted(self._window(visible, args), key=lambda m: float(m["ts"]), reverse=True)
        return self._page([public(m, metadata) for m in newest_first], args, "messages")

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._resolve(args.get("channel"), ids_only=True)
        if channel_id is None:
            return {"ok": False, "error": "channel_not_found"}
        messages = self.messages.get(channel_id, [])
        parent = next((m for m in messages if m["ts"] == args.get("ts") and top_level(m)), None)
        if parent is None:
            return {"ok": False, "error": "thread_not_found"}
        replies = [m for m in messages if m.get("thread_ts") == parent["ts"] and m is not parent]
        metadata = truthy(args.get("include_all_metadata"))
        thread = [parent, *sorted(self._window(replies, args), key=lambda m: float(m["ts"]))]
        return self._page([public(m, metadata) for m in thread], args, "messages")

    def _m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        members = {c.lstrip("#") for c in self.not_member}
        items = [
            {"id": cid, "name": name, "is_channel": True, "is_member": name not in members}
            for name, cid in self.channel_ids.items()
        ]
        return self._page(items, args, "channels")

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not args.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = _Upload(filename=str(args["filename"]), length=int(args["length"]))
        return {
            "ok": True,
            "file_id": file_id,
            "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
        }

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = json_arg(args.get("files")) or []
        if any(f.get("id") not in self.uploads or self.uploads[f["id"]].data is None for f in files):
            return {"ok": False, "error": "file_not_found"}
        shared = [
            {
                "id": f["id"],
                "name": self.uploads[f["id"]].filename,
                "title": f.get("title") or "",
                "content": (self.uploads[f["id"]].data or b"").decode("utf-8", "replace"),
            }
            for f in files
        ]
        channel_id = self._resolve(args.get("channel_id"), ids_only=True)
        if args.get("channel_id") and channel_id is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel_id:
            self.messages.setdefault(channel_id, []).append(
                {
                    "type": "message",
                    "ts": self._new_ts(),
                    "text": args.get("initial_comment") or "",
                    "blocks": [],
                    "user": "U0BOT",
                    "files": shared,
                    "metadata": None,
                    "thread_ts": args.get("thread_ts"),
                    "reply_broadcast": False,
                }
            )
        return {"ok": True, "files": [{k: f[k] for k in ("id", "name", "title")} for f in shared]}

    def upload(self, file_id: str, data: bytes) -> tuple[int, str]:
        upload = self.uploads.get(file_id)
        if upload is None:
            return 404, "not found"
        upload.data = data
        return 200, f"OK - {len(data)}"

    def webhook(self, path: str, args: dict[str, Any]) -> tuple[int, dict[str, str], str]:
        failure = self._failure("webhook", args)
        if failure is not None:
            extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            return failure.status, extra, failure.body or failure.error or "error"
        if path != self.webhook_path:
            return 404, {}, "no_service"
        blocks = json_arg(args.get("blocks"))
        if not args.get("text") and not blocks:
            return 400, {}, "no_text"
        if validate_blocks(blocks or []):
            return 400, {}, "invalid_blocks"
        self.webhook_messages.append({"text": args.get("text"), "blocks": blocks or []})
        return 200, {}, "ok"

    # -- HTTP --------------------------------------------------------------------------------------
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
                parts = urlsplit(self.path)
                with fake._lock:
                    if parts.path.startswith("/upload/"):
                        call = Call(
                            "upload", {"file_id": parts.path.rsplit("/", 1)[-1], "bytes": len(raw)}, headers
                        )
                        status, body = fake.upload(call.args["file_id"], raw)
                        extra: dict[str, str] = {}
                    elif parts.path.startswith("/webhook/"):
                        call = Call("webhook", parse_args(raw, headers, parts.query), headers)
                        status, extra, body = fake.webhook(parts.path, call.args)
                    elif parts.path.startswith("/api/"):
                        call = Call(
                            parts.path[len("/api/") :], parse_args(raw, headers, parts.query), headers
                        )
                        status, extra, body = fake.api(call.method, call.args, headers)
                    else:
                        call, status, extra, body = Call("unknown", {}, headers), 404, {}, "not found"
                    call.status, call.response = status, body
                    fake.calls.append(call)
                if isinstance(body, dict):
                    payload, ctype = json.dumps(body).encode(), "application/json; charset=utf-8"
                else:
                    payload, ctype = str(body).encode(), "text/html; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                for key, value in extra.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

        return Handler
