"""Slack notifiers on slack-sdk: a bot token (WebClient) or an incoming webhook (WebhookClient).

Declared limits: about one message per `[slack].per_channel_interval` seconds per channel (webhook: per
webhook), a 10 s HTTP timeout, a 429 waited out inline only when Retry-After is at most 10 s (slack-sdk's
RateLimitErrorRetryHandler; a longer wait goes back to the outbox as a reschedule instead of blocking the
delivery thread). Nothing else is retried inside the client: a connection error or 5xx after Slack may
already have posted is left to the outbox, which checks the channel for the alert's metadata before it
posts again. The token and the webhook URL are registered for scrubbing and never leave this module
in a message, log line or stored error.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from tracker.alerts.notifier import (
    PermanentSendError,
    Posted,
    SendError,
    TransientSendError,
    register_secret,
    scrub,
    scrubbed_logger,
)
from tracker.config import Config
from tracker.net.tls import slack_context

log = logging.getLogger("tracker.alerts")

TIMEOUT_S = 10
MAX_INLINE_RETRY_AFTER_S = 10
HISTORY_PAGES = 5  # x 200 messages scanned for an earlier copy of an alert
HISTORY_MARGIN_S = 300  # clock skew between us and Slack when bounding the scan by creation time
EVENT_TYPE = "tracker_alert"
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")

# Errors no retry can fix. Anything else unknown is treated as transient (bounded by max_attempts).
_PERMANENT_NAMES = """
    invalid_auth not_authed account_inactive token_revoked token_expired no_permission missing_scope
    channel_not_found not_in_channel is_archived channel_is_archived restricted_action invalid_blocks
    invalid_blocks_format msg_too_long msg_blocks_too_long no_text too_many_attachments invalid_arguments
    invalid_metadata_format
    invalid_metadata_schema metadata_too_large ekm_access_denied team_access_not_granted access_denied
    org_login_required cannot_reply_to_message invalid_thread_ts thread_not_found not_allowed_token_type
    enterprise_is_restricted
"""
PERMANENT_ERRORS = frozenset(_PERMANENT_NAMES.split())
_WEBHOOK_PERMANENT_NAMES = """
    invalid_payload user_not_found channel_not_found channel_is_archived action_prohibited
    posting_to_general_channel_denied too_many_attachments no_service no_active_hooks invalid_token no_team
    team_disabled invalid_blocks
"""
WEBHOOK_PERMANENT = frozenset(_WEBHOOK_PERMANENT_NAMES.split())


def _retry_after(headers: dict[str, Any]) -> float | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


class BoundedRateLimitHandler(RateLimitErrorRetryHandler):
    """slack-sdk's 429 handler (sleeps Retry-After), but only for short waits."""

    def __init__(self, max_retry_count: int = 2, max_wait_s: float = MAX_INLINE_RETRY_AFTER_S) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_s = max_wait_s

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        wait = _retry_after(response.headers) if response is not None else None
        # The handler itself does int(Retry-After): anything else it could not parse.
        return wait is not None and wait == int(wait) and wait <= self.max_wait_s


def retry_handlers() -> list[RetryHandler]:
    return [BoundedRateLimitHandler()]


def classify(exc: Exception) -> SendError:
    """Turn what slack-sdk or the network raised into a permanent or transient send error."""
    if isinstance(exc, SendError):
        return exc
    if isinstance(exc, SlackApiError):
        response = exc.response
        status = response.status_code
        data = response.data if isinstance(response.data, dict) else {}
        error = str(data.get("error") or "")
        if status == 429 or error == "ratelimited":
            return TransientSendError(
                "rate limited by Slack (429)", retry_after=_retry_after(response.headers)
            )
        if status >= 500:
            return TransientSendError(f"Slack answered HTTP {status}")
        if error in PERMANENT_ERRORS:
            detail = f" (needed: {data['needed']})" if data.get("needed") else ""
            return PermanentSendError(f"{error}{detail}")
        return TransientSendError(error or f"Slack answered HTTP {status}")
    # OSError covers URLError, timeouts and refused connections.
    if isinstance(exc, SlackRequestError | OSError | http.client.HTTPException):
        return TransientSendError(f"cannot reach Slack: {type(exc).__name__}: {exc}")
    raise exc


def api_base_url(config: Config) -> str:
    base = config.slack.base_url or os.environ.get("SLACK_API_URL") or WebClient.BASE_URL
    return base if base.endswith("/") else base + "/"


class SlackBotNotifier:
    """chat.postMessage with a bot token: several channels, threads, metadata, file uploads."""

    name = "slack-bot"
    supports_threads = True
    can_verify = True
    can_upload = True

    def __init__(self, token: str, config: Config, client: WebClient | None = None) -> None:
        register_secret(token)
        self.min_interval = config.slack.per_channel_interval
        base_url = api_base_url(config)
        self.client = client or WebClient(
            token=token,
            base_url=base_url,
            timeout=TIMEOUT_S,
            retry_handlers=retry_handlers(),
            logger=scrubbed_logger("tracker.alerts.slack_sdk"),
            ssl=slack_context(base_url),
        )
        self._channel_ids: dict[str, str] = {}

    def lane(self, channel: str) -> str:
        return channel

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(**kwargs)
        except Exception as exc:  # classify re-raises what is not a Slack or network error
            raise classify(exc) from None

    def post(
        self,
        channel: str,
        payload: dict[str, Any],
        *,
        alert_id: int | None,
        alert_key: str | None,
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> Posted:
        kwargs: dict[str, Any] = {
            "channel": channel,
            "text": payload.get("text") or " ",
            "blocks": payload.get("blocks"),
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread_ts:
            kwargs.update(thread_ts=thread_ts, reply_broadcast=broadcast)
        if alert_id is not None:
            kwargs["metadata"] = {
                "event_type": EVENT_TYPE,
                "event_payload": {"alert_id": alert_id, "alert_key": alert_key or ""},
            }
        response = self._call("chat_postMessage", **kwargs)
        channel_id = response.get("channel")
        if channel_id:
            self._channel_ids[channel] = channel_id
        return Posted(ts=response.get("ts"), channel_id=channel_id)

    def channel_id(self, channel: str, hint: str | None = None) -> str | None:
        """The id for a configured channel: given as one, seen in an answer, stored, or listed."""
        if _CHANNEL_ID.match(channel):
            return channel
        if channel in self._channel_ids:
            return self._channel_ids[channel]
        if hint:
            return hint
        name, cursor = channel.lstrip("#"), None
        try:
            for _ in range(10):
                response = self._call(
                    "conversations_list",
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=1000,
                    cursor=cursor,
                )
                for item in response.get("channels") or []:
                    if item.get("name") == name:
                        self._channel_ids[channel] = item["id"]
                        return str(item["id"])
                cursor = (response.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except PermanentSendError as exc:
            log.warning("cannot look up the id of Slack channel %s (%s)", channel, exc.reason)
        return None

    def _scan(self, channel_id: str, thread_ts: str | None, since: datetime) -> Any:
        """Messages since `since` (a thread's replies, or the channel's top level), newest pages first."""
        cursor = None
        oldest = f"{since.timestamp() - HISTORY_MARGIN_S:.6f}"
        for _ in range(HISTORY_PAGES):
            args: dict[str, Any] = {
                "channel": channel_id,
                "include_all_metadata": True,
                "limit": 200,
                "oldest": oldest,
                "cursor": cursor,
            }
            if thread_ts:
                response = self._call("conversations_replies", ts=thread_ts, **args)
            else:
                response = self._call("conversations_history", **args)
            yield from response.get("messages") or []
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return

    def find_posted(
        self,
        channel: str,
        *,
        alert_id: int,
        alert_key: str | None,
        thread_ts: str | None,
        since: datetime,
        channel_id_hint: str | None,
    ) -> Posted | None:
        """An earlier post of this alert, found by its metadata; None if there is none (or we cannot look).

        Transient errors propagate (better to wait than to post blind); a permanent one (e.g. the
        history scope is missing) is logged and answered None: the caller posts, at-least-once.
        """
        channel_id = self.channel_id(channel, channel_id_hint)
        if channel_id is None:
            log.warning(
                "alert %s: cannot check %s for an earlier copy (unknown channel id); "
                "posting again may duplicate it",
                alert_id,
                channel,
            )
            return None
        try:
            for message in self._scan(channel_id, thread_ts, since):
                meta = message.get("metadata") or {}
                body = meta.get("event_payload") or {}
                if (
                    meta.get("event_type") == EVENT_TYPE
                    and str(body.get("alert_id")) == str(alert_id)
                    and (not alert_key or body.get("alert_key") == alert_key)
                ):
                    return Posted(ts=message.get("ts"), channel_id=channel_id)
        except PermanentSendError as exc:
            log.warning(
                "alert %s: cannot check %s for an earlier copy (%s); posting again may duplicate it",
                alert_id,
                channel,
                exc.reason,
            )
        return None

    def upload(self, channel_id: str, *, thread_ts: str, filename: str, title: str, content: str) -> Posted:
        self._call(
            "files_upload_v2",
            channel=channel_id,
            thread_ts=thread_ts,
            filename=filename,
            title=title,
            content=content,
            snippet_type="diff",
        )
        return Posted(ts=None, channel_id=channel_id)

    def find_upload(self, channel_id: str, *, thread_ts: str, filename: str) -> Posted | None:
        for message in self._scan(channel_id, thread_ts, datetime.fromtimestamp(float(thread_ts), UTC)):
            if any(f.get("name") == filename for f in message.get("files") or []):
                return Posted(ts=message.get("ts"), channel_id=channel_id)
        return None

    def auth_test(self) -> str:
        try:
            response = self._call("auth_test")
        except SendError as exc:
            return f"error: {exc.reason}"
        return f"ok: workspace {response.get('team')}, bot user {response.get('user')}"


class SlackWebhookNotifier:
    """An incoming webhook: one fixed channel, no threads, no way to check for an earlier post."""

    name = "slack-webhook"
    supports_threads = False
    can_verify = False
    can_upload = False

    def __init__(self, url: str, config: Config, client: WebhookClient | None = None) -> None:
        register_secret(url)
        self.min_interval = config.slack.per_channel_interval
        self.client = client or WebhookClient(
            url=url,
            timeout=TIMEOUT_S,
            retry_handlers=retry_handlers(),
            logger=scrubbed_logger("tracker.alerts.slack_sdk"),
            ssl=slack_context(url),
        )

    def lane(self, channel: str) -> str:
        return "webhook"  # every alert lands in the webhook's channel: one ordered, paced lane

    def post(
        self,
        channel: str,
        payload: dict[str, Any],
        *,
        alert_id: int | None,
        alert_key: str | None,
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> Posted:
        try:
            response = self.client.send(
                text=payload.get("text") or " ",
                blocks=payload.get("blocks"),
                unfurl_links=False,
                unfurl_media=False,
            )
        except Exception as exc:
            raise classify(exc) from None
        if response.status_code == 200:
            return Posted(ts=None, channel_id=None)
        body = (response.body or "").strip()[:200]
        if response.status_code == 429:
            raise TransientSendError(
                "rate limited by Slack (429)", retry_after=_retry_after(response.headers)
            )
        if response.status_code >= 500:
            raise TransientSendError(f"Slack answered HTTP {response.status_code}")
        if body in WEBHOOK_PERMANENT or response.status_code in (400, 403, 404, 410):
            raise PermanentSendError(body or f"webhook answered HTTP {response.status_code}")
        raise TransientSendError(f"webhook answered HTTP {response.status_code}: {scrub(body)}")

    def find_posted(self, channel: str, **_: Any) -> Posted | None:
        return None

    def upload(self, channel_id: str, **_: Any) -> Posted:
        raise PermanentSendError("an incoming webhook cannot upload files")

    def find_upload(self, channel_id: str, **_: Any) -> Posted | None:
        return None
