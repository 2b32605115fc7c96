"""Make scraped text safe to show in Slack.

Titles, summaries and diffs come from regulator pages and are untrusted. Slack treats `&`, `<` and `>` as
control characters: `<!channel>`, `<!here>`, `<@U…>`, `<#C…>`, `<!subteam^…>` and `<http://a|label>` are all
built from them, so escaping those three (Slack's own rule, applied to plain_text too) leaves a hostile
page no way to ping anyone or hide a link behind a label. On top of that the bare words `@channel`,
`@here` and `@everyone` get a zero-width joiner after the `@` (they only ping with `link_names`, which we
never set, but a later change of client options must not turn a scraped title into a broadcast), and
bidirectional overrides and control characters are removed so text cannot disguise itself.

mrkdwn has no escape for its formatting characters, so in scraped text that goes into mrkdwn
(`escape_mrkdwn`) they are replaced by look-alikes Slack does not read as markup: `*` `~` and backticks
always, `_` where it could open or close italics (not inside a word, as in `ip_24_1234`), and a `>`
that starts a line (a quote). Our own formatting is added around the escaped text, so it still works.
Plain-text fields (the header) need none of this: Slack formats nothing there.
"""

from __future__ import annotations

import re

ZERO_WIDTH_JOINER = "\u200d"
_ZERO_WIDTH_SPACE = "\u200b"

# C0 controls except tab and newline, DEL, and the bidi embedding/override/isolate characters.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BROADCAST_WORD = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
_BACKTICK_PAIR = re.compile(r"`(?=`)")
# Slack's formatting characters -> look-alikes it does not format (reversed by `unescape` for a terminal).
MRKDWN_LOOKALIKES = {"*": "\u2217", "~": "\u223c", "`": "\u02cb", "_": "\u02cd"}
_FORMATTING = re.compile(r"[*~`]|(?<!\w)_|_(?!\w)")
_QUOTE_START = re.compile(r"^(\s*)&gt;", re.MULTILINE)
_QUOTE_LOOKALIKE = "\uff1e"
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean(text: str | None) -> str:
    """Drop control and bidi-override characters; normalise line ends and runs of blank lines."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNSAFE_CHARS.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def one_line(text: str | None) -> str:
    """A title or label on a single line, whitespace collapsed."""
    return _SPACES.sub(" ", clean(text).replace("\n", " ")).strip()


def escape(text: str | None) -> str:
    """Untrusted text -> Slack text (mrkdwn or plain_text) that shows literally and pings nobody."""
    text = clean(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST_WORD.sub("@" + ZERO_WIDTH_JOINER, text)


def escape_mrkdwn(text: str | None) -> str:
    """`escape`, and Slack's formatting characters neutralised: for scraped text inside mrkdwn."""
    text = _FORMATTING.sub(lambda m: MRKDWN_LOOKALIKES[m.group(0)], escape(text))
    return _QUOTE_START.sub(lambda m: m.group(1) + _QUOTE_LOOKALIKE, text)


def escape_code(text: str | None) -> str:
    """Escaped text for inside a ``` block: a scraped ``` must not close our block early."""
    return _BACKTICK_PAIR.sub("`" + _ZERO_WIDTH_SPACE, escape(text))  # no two backticks stay adjacent


def unescape(text: str) -> str:
    """Undo `escape` for a terminal (console notifier)."""
    text = text.replace(ZERO_WIDTH_JOINER, "").replace(_ZERO_WIDTH_SPACE, "")
    for char, lookalike in (*MRKDWN_LOOKALIKES.items(), (">", _QUOTE_LOOKALIKE)):
        text = text.replace(lookalike, char)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def fit(escaped: str, limit: int, ellipsis: str = "…") -> str:
    """Cut already-escaped text to `limit` characters, at a word if one is near, never inside an entity."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(0, limit - len(ellipsis))]
    cut = _PARTIAL_ENTITY.sub("", cut)
    space = cut.rfind(" ")
    if space > len(cut) * 0.7:  # a word boundary close to the end reads better than a split word
        cut = cut[:space]
    return cut.rstrip() + ellipsis


def fit_lines(lines: list[str], limit: int, marker: str) -> tuple[str, bool]:
    """Join escaped lines up to `limit` characters, cutting at a line boundary and ending with `marker`.

    Returns (text, truncated). A single line longer than the budget is cut with `fit`. Open ``` fences
    are closed so a cut inside a code block still renders.
    """
    full = "\n".join(lines)
    if len(full) <= limit:
        return full, False
    budget = limit - len(marker) - 5  # room for "\n```" and the newline before the marker
    kept: list[str] = []
    used = 0
    for line in lines:
        cost = len(line) + (1 if kept else 0)
        if used + cost > budget:
            if not kept:  # nothing fits whole: cut the first line itself
                kept.append(fit(line, budget))
            break
        kept.append(line)
        used += cost
    text = "\n".join(kept)
    if text.count("```") % 2:
        text += "\n```"
    return f"{text}\n{marker}", True
