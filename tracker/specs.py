"""Declarations of what to watch: a source has endpoints, an endpoint has a parser.

The built-in regulators in `sources/` and the user's own sources in `config.toml` are written with the
same models, so anything a built-in source can do, a user can declare without code.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tracker.types import DocType

_ID = r"^[a-z][a-z0-9_]{0,62}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_timezone(value: str | None) -> str | None:
    if value is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"not a known IANA time zone: {value!r}") from exc
    return value


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
    return value


class FeedParser(_Strict):
    """RSS 2.0 / Atom (feedparser)."""

    kind: Literal["feed"] = "feed"
    id_from: Literal["guid", "link"] = "guid"
    # Optional regex applied to the id source; its first group becomes the stable id
    # (e.g. the UN News story number at the end of the guid).
    id_pattern: str | None = None

    _v = field_validator("id_pattern")(_check_regex)


class JsonListParser(_Strict):
    """A JSON API answering a list. Paths are dotted (`results`, `data.items`); `a.b` on a list maps."""

    kind: Literal["json"] = "json"
    items_path: str
    id_field: str
    title_field: str
    url_field: str | None = None
    # Used when the API gives no URL: Python format string over the item's fields plus `id_slug`
    # (the id lower-cased with '/' -> '_'), e.g. ".../detail/en/{id_slug}".
    url_template: str | None = None
    date_field: str | None = None
    date_format: str | None = None  # strptime format; None = ISO 8601 / RFC 822 / common forms
    summary_field: str | None = None
    doc_type_field: str | None = None
    doc_type_map: dict[str, DocType] = Field(default_factory=dict)
    # Fields copied into item metadata (must not be volatile, e.g. never page_views).
    meta_fields: tuple[str, ...] = ()
    # A date-windowed search can legitimately answer nothing; elsewhere zero items means a broken source.
    empty_ok: bool = False
    # IANA zone for dates without an offset ("2026-09-18 17:00:00" at CAC: "Asia/Shanghai"); None = UTC.
    timezone: str | None = None
    # Entries whose id does not match this regex (re.match, from the start) are dropped even if the API
    # returns them: defence in depth behind a server-side filter (CELLAR: "02024R1689-" only).
    keep_if: str | None = None

    _tz = field_validator("timezone")(_check_timezone)
    _keep = field_validator("keep_if")(_check_regex)


class HtmlListParser(_Strict):
    """An HTML list page read with CSS selectors, relative to each item element."""

    kind: Literal["html_list"] = "html_list"
    item: str
    link: str = "a"
    title: str | None = None  # default: the link's text
    title_attr: str | None = None  # e.g. "title" when the attribute holds the full title (CAC)
    date: str | None = None
    date_attr: str | None = None  # e.g. "datetime" on <time>
    date_format: str | None = None
    summary: str | None = None
    id_pattern: str | None = None  # regex on the absolute link; first group = stable id
    timezone: str | None = None  # IANA zone for dates without an offset (CAC: "Asia/Shanghai"); None = UTC
    # Lists whose links are script calls (TC260: onclick="jumpDetail('3bb5…','2026-04-12')"): read this
    # attribute of the link element instead of href, take id_pattern's first group from it, and build the
    # URL from link_template over {id} (relative to the page). Needs id_pattern.
    link_attr: str = "href"
    link_template: str | None = None

    _v = field_validator("id_pattern")(_check_regex)
    _tz = field_validator("timezone")(_check_timezone)

    @model_validator(mode="after")
    def _template_needs_pattern(self) -> HtmlListParser:
        if self.link_template is not None and self.id_pattern is None:
            raise ValueError("link_template needs id_pattern: its first group is the {id} of the template")
        return self


class LinksParser(_Strict):
    """The set of document links on a page (UN AI bodies): each matching link is an item."""

    kind: Literal["links"] = "links"
    content: str = "main"  # where to look
    link_pattern: str = r"\.pdf($|\?)"  # regex the absolute URL must match
    id_pattern: str | None = None

    _v = field_validator("link_pattern", "id_pattern")(_check_regex)


Dialect = Literal["html", "eurlex_oj", "eurlex_consolidated", "formex", "lawgokr", "pdf", "auto"]


class DocumentParser(_Strict):
    """A page or legal text watched as a whole, compared block by block."""

    kind: Literal["document"] = "document"
    dialect: Dialect = "auto"
    content: str | None = None  # CSS selector of the main text (html dialect); None = <main> or <body>
    drop: tuple[str, ...] = ()  # extra selectors to remove (volatile widgets)


Parser = Annotated[
    FeedParser | JsonListParser | HtmlListParser | LinksParser | DocumentParser,
    Field(discriminator="kind"),
]


class DetailSpec(_Strict):
    """Fetch each new item's own page to complete it (CAC: title, date, body, attachments)."""

    title: str | None = None
    date: str | None = None
    date_format: str | None = None
    body: str | None = None
    attachments: str | None = None  # CSS selector of attachment links
    only_relevant: bool = True  # fetch details only for items the relevance stage kept


class Expectations(_Strict):
    """What a healthy answer of an endpoint looks like, checked on every check (never blind).

    An answer that breaks them is `broken: <what is missing>`, not an empty list. None = the default of
    the parser kind (tracker.pipeline.expectations says which).
    """

    min_items: int | None = Field(default=None, ge=0)  # items (lists) or blocks (documents)
    min_articles: int | None = Field(default=None, ge=0)  # legal texts: units that are articles
    # JSON lists: fields every entry must carry (None = the id, title and date fields the parser reads)
    required_fields: tuple[str, ...] | None = None
    # Drift against the endpoint's own history (counts collapsing, every id renumbered).
    drift: bool = True
    # The newest item may be this old before the endpoint is flagged stale ("45d"); None = learnt from
    # its own publishing rhythm.
    max_age: str | None = None


class FollowSpec(_Strict):
    """For each item of a list (and each pinned id), fetch one more answer and take its entries as items.

    A list of Parliament procedures -> each procedure's events (pipeline.follow). The parent stays an item,
    titled from the followed answer; its entries become items "<parent id>/<entry id>".
    """

    # Template over the parent: {id}, {id_slug}. A relative URL resolves against the list's URL, so a
    # mirror (or a test server) set for the list serves the followed answers too.
    url: str
    entries: JsonListParser  # reads the followed answer's entries (EP: data.consists_of)
    label_field: str | None = None  # what people call the parent, in the followed answer ("data.label")
    title_field: str | None = None  # the parent's title in the followed answer ("data.process_title.en")
    parent_url: str | None = None  # template over {id}, {label}; None = the followed URL
    entry_url: str | None = None  # template over {id} (the entry's), {parent_id}, {label}
    # Entry titles that are codes ("def/ep-activities/PLENARY_VOTE") -> words; other codes: the last path
    # segment, lower-cased ("plenary vote").
    title_map: dict[str, str] = Field(default_factory=dict)
    pinned: tuple[str, ...] = ()  # parent ids followed whether or not the list shows them
    # Keep the entries only of parents whose title is about AI (pinned ones always): the list is a
    # discovery list (every procedure of the year), not a list of AI files.
    only_relevant: bool = True
    max_new: int = Field(default=40, ge=1, le=1000)  # parents examined for the first time per check


class UrlFromItems(_Strict):
    """The endpoint's URL follows the newest item of a sibling endpoint of the same source: a new
    consolidated version listed by a SPARQL query -> that version's text, diffed against the previous one.
    Until the sibling has items, the endpoint's own `url` is fetched."""

    endpoint: Annotated[str, Field(pattern=_ID)]  # the sibling endpoint's id
    # Over the newest item's {id}. A relative template ("{id}") resolves against the endpoint's url, so
    # a mirror (or a test server) set for the endpoint serves every version too.
    template: str


AlertPolicy = Literal["relevant", "all", "none"]
RelevanceMode = Literal["classify", "assume_ai_rule", "assume_ai_other"]


class EndpointSpec(_Strict):
    id: Annotated[str, Field(pattern=_ID)]
    url: str  # may contain {since:%Y-%m-%d} and {until:...} when window_days is set
    parser: Parser
    method: Literal["GET", "POST"] = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    form: dict[str, str] | None = None
    window_days: int | None = Field(default=None, ge=1, le=3660)
    doc_type: DocType = DocType.NEWS  # default for items without their own
    relevance: RelevanceMode = "classify"
    alert: AlertPolicy | None = None  # None = the source's policy
    detail: DetailSpec | None = None
    removal_after: int | None = Field(default=None, ge=1)  # None = [check].removal_after
    expect: Expectations = Field(default_factory=Expectations)
    follow: FollowSpec | None = None  # items listed behind each item (tracker.pipeline.follow)
    url_from: UrlFromItems | None = None  # the URL follows a sibling endpoint's newest item

    def resolved_url(self, today: date) -> str:
        """The URL to fetch today: date placeholders filled for windowed APIs."""
        if self.window_days is None:
            return self.url
        from datetime import timedelta

        return self.url.format(since=today - timedelta(days=self.window_days), until=today)


class SourceSpec(_Strict):
    id: Annotated[str, Field(pattern=_ID)]
    jurisdiction: str  # "EU", "US", "CN", "UN", "KR", or the user's own
    regulator: str  # "European Commission", "FTC", "CAC" ...
    language: str = "en"  # ISO 639-1 of the content
    endpoints: tuple[EndpointSpec, ...]
    alert: AlertPolicy = "relevant"
    enabled: bool = True  # False: off until the config enables it (a source that needs a user's key)
    interval: str | None = None  # None = [check].default_interval
    # Where to point `tracker record`'s reader: the public homepage of the regulator.
    homepage: str | None = None

    def endpoint(self, endpoint_id: str) -> EndpointSpec:
        for e in self.endpoints:
            if e.id == endpoint_id:
                return e
        raise KeyError(endpoint_id)


def endpoint_key(source_id: str, endpoint_id: str) -> str:
    """The key every table uses for an endpoint: 'eu_eurlex/oj_l'."""
    return f"{source_id}/{endpoint_id}"
