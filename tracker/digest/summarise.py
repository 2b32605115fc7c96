"""Optional summariser and translator: an OpenAI-compatible chat completions API, through httpx.

Off unless [digest].summariser_url and summariser_model are set; the key comes from DIGEST_API_KEY (sent
as a bearer token, never logged). For each entry it asks for one sentence in the digest's language, and a
translation of the title when the title is in another language (CAC titles are Chinese).

What comes back is used only when it is well-formed: a JSON object, no refusal (the `refusal` field,
finish_reason content_filter, or an apology instead of a summary), text in the digest's language. Anything
else - a timeout, a connection error, HTTP 4xx/5xx, malformed JSON - leaves the entry extractive, and after
MAX_FAILURES failures in a row the summariser is not asked again for this digest, so a dead endpoint costs
at most a few time-outs. Renderers mark everything produced here as machine-generated.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from tracker.alerts.notifier import register_secret, scrub
from tracker.config import Config
from tracker.digest.collect import Digest, Entry
from tracker.digest.i18n import Lang
from tracker.digest.sentences import split_sentences

log = logging.getLogger("tracker.digest")

API_KEY_ENV = "DIGEST_API_KEY"
TIMEOUT_S = 30.0
MAX_FAILURES = 3
TEXT_MAX = 4000  # characters of the item's own text sent along
SUMMARY_MAX = 300
TITLE_MAX = 300

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)
_REFUSAL = re.compile(
    r"^\s*(?:i'?m sorry|i am sorry|sorry,|i can(?:no|')t|i am unable|i'm unable|as an ai|"
    r"죄송|요청하신 .*할 수 없|抱歉|对不起|我无法)",
    re.IGNORECASE,
)
_LANGUAGE_NAMES = {"ko": "Korean", "en": "English"}

SYSTEM_PROMPT = (
    "You help write a regulation newsletter. You receive one item as JSON: title, regulator, text, "
    "translate_title. Answer with a JSON object only, no prose and no code fence: "
    '{{"summary": "<one sentence in {language} that says what the item is, using only facts in the given '
    'title and text>", "title": <the title translated into {language}, or null when translate_title is '
    "false>}}. Do not add facts that are not in the text."
)


class SummariserError(Exception):
    """Why an answer was not used (kept short; logged, never shown to readers)."""


@dataclass(frozen=True)
class Generated:
    summary: str | None = None
    title: str | None = None


def script_language(text: str, declared: str) -> str:
    """The language a title is written in, by its script; the declared one when the script is Latin."""
    declared = (declared or "en").split("-")[0].lower()
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return "zh"
    if _LATIN.search(text):
        return declared if declared not in ("ko", "zh", "ja") else "en"
    return declared


def needs_translation(title: str, declared: str, lang: Lang) -> bool:
    return script_language(title, declared) != lang


def _in_language(text: str, lang: Lang) -> bool:
    """Written in the digest's language, names in other scripts allowed ("published by 国家网信办")."""
    if lang == "ko":
        return bool(_HANGUL.search(text))
    latin = len(_LATIN.findall(text))
    other = len(_HANGUL.findall(text)) + len(_HAN.findall(text)) + len(_KANA.findall(text))
    return latin > 0 and latin >= other


def completions_url(url: str) -> str:
    """Accept the full endpoint or the API base ("…/v1"), as OpenAI-compatible servers document both."""
    path = urlsplit(url).path.rstrip("/")
    return url if path.endswith("/chat/completions") else url.rstrip("/") + "/chat/completions"


class ChatSummariser:
    def __init__(
        self,
        url: str,
        model: str,
        api_key: str | None = None,
        *,
        timeout: float = TIMEOUT_S,
        max_failures: int = MAX_FAILURES,
    ) -> None:
        self.url = completions_url(url)
        self.model = model
        self.max_failures = max_failures
        headers = {"Content-Type": "application/json"}
        if api_key:
            register_secret(api_key)
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(timeout=httpx.Timeout(timeout), headers=headers, follow_redirects=False)
        self.failures_in_a_row = 0
        self.gave_up = False

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ChatSummariser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _ask(self, entry: Entry, lang: Lang, translate: bool) -> dict[str, Any]:
        item = {
            "title": entry.title,
            "regulator": entry.regulator,
            "text": (entry.summary or "")[:TEXT_MAX],
            "translate_title": translate,
        }
        body = {
            "model": self.model,
            "temperature": 0,
            "max_tokens": 400,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT.format(language=_LANGUAGE_NAMES[lang])},
                {"role": "user", "content": json.dumps(item, ensure_ascii=False)},
            ],
        }
        try:
            response = self._client.post(self.url, json=body)
        except httpx.TimeoutException as exc:
            raise SummariserError(f"timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise SummariserError(f"cannot reach the summariser: {type(exc).__name__}: {exc}") from None
        if response.status_code != 200:
            raise SummariserError(f"HTTP {response.status_code}")
        try:
            data = response.json()
            choice = data["choices"][0]
            message = choice["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise SummariserError("not a chat completions answer") from None
        if message.get("refusal") or choice.get("finish_reason") == "content_filter":
            raise SummariserError("the model refused")
        content = message.get("content")
        if not isinstance(content, str) or not content.strip():
            raise SummariserError("empty answer")
        if _REFUSAL.match(content):
            raise SummariserError("the model refused")
        match = _JSON_OBJECT.search(content)
        try:
            answer = json.loads(match.group(0)) if match else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise SummariserError("the answer is not a JSON object")
        return answer

    def generate(self, entry: Entry, lang: Lang) -> Generated | None:
        """Generated text for one entry, or None (after logging why) when nothing usable came back."""
        if self.gave_up:
            return None
        translate = needs_translation(entry.title, entry.language, lang)
        try:
            answer = self._ask(entry, lang, translate)
            generated = _validated(answer, entry, lang, translate)
        except SummariserError as exc:
            self.failures_in_a_row += 1
            log.warning("summariser: %s for %r; keeping the extractive entry", scrub(exc), entry.title[:80])
            if self.failures_in_a_row >= self.max_failures:
                self.gave_up = True
                log.warning(
                    "summariser: %s failures in a row; not asking again for this digest", self.max_failures
                )
            return None
        self.failures_in_a_row = 0
        return generated

    def apply(self, digest: Digest) -> int:
        """Fill the generated fields of every entry it can; returns how many entries got some."""
        done = 0
        for entry in digest.entries:
            generated = self.generate(entry, digest.lang)
            if generated is None:
                continue
            entry.generated_summary, entry.translated_title = generated.summary, generated.title
            done += 1
        return done


def _validated(answer: dict[str, Any], entry: Entry, lang: Lang, translate: bool) -> Generated:
    summary = answer.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise SummariserError("no summary in the answer")
    if _REFUSAL.match(summary):
        raise SummariserError("the model refused")
    sentences = split_sentences(summary)
    first = sentences[0] if sentences else ""
    if not first or len(first) > SUMMARY_MAX or not _in_language(first, lang):
        raise SummariserError(f"the summary is not one sentence in {_LANGUAGE_NAMES[lang]}")
    title = answer.get("title") if translate else None
    if title is not None:
        title = " ".join(str(title).split())
        if not title or len(title) > TITLE_MAX or title == entry.title or not _in_language(title, lang):
            title = None  # the summary is still good; only the translation is dropped
    return Generated(summary=first, title=title)


def make_summariser(config: Config) -> ChatSummariser | None:
    """The configured summariser, or None when [digest] does not name one."""
    section = config.digest
    if not section.summariser_url or not section.summariser_model:
        return None
    key = os.environ.get(API_KEY_ENV, "").strip() or None
    return ChatSummariser(section.summariser_url, section.summariser_model, key)
