"""The detail stage against the loopback server: which items get their page fetched, and what they keep."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from sources.cn import DETAIL, cn_cac
from tests.fixture_server import FixtureServer, Resp, file_resp
from tests.paths import SAMPLES
from tracker.config import FetchSection
from tracker.extract.normalise import item_hash
from tracker.net.fetch import Fetcher
from tracker.pipeline import detail as detail
from tracker.pipeline.detail import DETAIL_URL, carry_forward, complete_items
from tracker.relevance.classifier import RelevanceClassifier
from tracker.specs import DetailSpec
from tracker.store.apply import EndpointContext
from tracker.types import ExtractedItem, ItemsExtraction

MINORS = SAMPLES / "cac/trimmed/2026-09/18/c_1791482017777471.htm"
APPS = SAMPLES / "cac/trimmed/2026-06/26/c_1784217637474922.htm"
MINORS_TITLE = (
    "国家互联网信息办公室关于《国务院关于保障未成年人健康安全使用网络的规定（征求意见稿）》公开征求意见的通知"
)
CLASSIFIER = RelevanceClassifier()


def _context(only_relevant: bool = False) -> EndpointContext:
    spec = DETAIL if not only_relevant else DetailSpec(**{**DETAIL.model_dump(), "only_relevant": True})
    endpoint = cn_cac.endpoint("consultations").model_copy(update={"detail": spec})
    return EndpointContext(
        source=cn_cac, endpoint=endpoint, key="cn_cac/consultations", extractor_version="t", removal_after=3
    )


def _item(server: FixtureServer, path: str, title: str) -> ExtractedItem:
    return ExtractedItem(stable_id=path.removesuffix(".htm"), title=title, url=server.url(f"/{path}"))


def _run(extraction: ItemsExtraction, known, ctx: EndpointContext | None = None) -> ItemsExtraction:  # type: ignore[no-untyped-def]
    async def go() -> ItemsExtraction:
        settings = FetchSection(
            allow_private_addresses=True, per_host_delay=0, retries=0, respect_robots=False
        )
        async with Fetcher(settings, "test-agent") as fetcher:
            return await complete_items(fetcher, ctx or _context(), extraction, known, CLASSIFIER)

    return asyncio.run(go())


def _stored(item: ExtractedItem) -> dict[str, ExtractedItem]:
    return {item.stable_id: item}


def test_first_check_fetches_no_detail(http_server: FixtureServer) -> None:
    http_server.route("/2026-09/18/c_1.htm", file_resp(MINORS))
    listing = ItemsExtraction(items=(_item(http_server, "2026-09/18/c_1.htm", MINORS_TITLE),))
    assert _run(listing, {}) == listing
    assert http_server.requests == []


def test_new_item_is_completed_and_known_items_are_not_fetched(http_server: FixtureServer) -> None:
    http_server.route("/2026-09/18/c_1.htm", file_resp(MINORS))
    http_server.route("/2026-06/26/c_2.htm", file_resp(APPS))
    old = _item(http_server, "2026-09/03/c_0.htm", "关于全国网络安全标准化技术委员会换届及征集委员的通知")
    new_ai = _item(http_server, "2026-09/18/c_1.htm", MINORS_TITLE)
    new_other = _item(
        http_server, "2026-06/26/c_2.htm", "关于征求《政务移动互联网应用程序管理要求》意见的通知"
    )
    out = _run(ItemsExtraction(items=(new_ai, new_other, old)), _stored(old))
    assert [r.path for r in http_server.requests] == ["/2026-09/18/c_1.htm", "/2026-06/26/c_2.htm"]
    assert {r.method for r in http_server.requests} == {"GET"}
    minors, apps, unchanged = out.items
    assert unchanged == old
    assert minors.title == MINORS_TITLE
    assert minors.summary.startswith("为了加强未成年人网络保护")
    assert minors.summary.endswith("（三）可能影响未成年人认知的人工智能服务；")
    assert minors.meta[DETAIL_URL] == new_ai.url
    assert CLASSIFIER.classify(minors.title, minors.summary, language="zh").is_ai
    attachments = [line.split("\t") for line in apps.meta["attachments"].split("\n")]
    assert [name for name, _ in attachments] == [
        "政务移动互联网应用程序管理要求（征求意见稿）",
        "编制说明",
        "强制性国家标准反馈意见表",
    ]
    assert all(
        url.startswith(http_server.url("/2026-06/26/cms/pub/interact/downloadfile.jsp?"))
        for _, url in attachments
    )
    assert not CLASSIFIER.classify(apps.title, apps.summary, language="zh").is_ai


def test_completed_items_keep_their_details_on_later_checks(http_server: FixtureServer) -> None:
    http_server.route("/2026-09/18/c_1.htm", file_resp(MINORS))
    listed = _item(http_server, "2026-09/18/c_1.htm", MINORS_TITLE)
    other = _item(http_server, "2026-09/03/c_0.htm", "旧通知")
    completed = _run(ItemsExtraction(items=(listed,)), _stored(other)).items[0]
    assert DETAIL_URL in completed.meta
    # Next check: the list shows the item as before; it is stored in its completed form.
    again = _run(
        ItemsExtraction(items=(listed, other)), {listed.stable_id: completed, other.stable_id: other}
    )
    assert len(http_server.requests) == 1  # fetched once, not again
    assert item_hash(again.items[0]) == item_hash(completed)
    assert again.items[0].meta == completed.meta


def test_carry_forward_yields_to_a_real_list_change() -> None:
    stored = ExtractedItem(
        stable_id="a",
        title="T",
        url="https://x.cn/a",
        summary="list summary … body passage",
        meta={DETAIL_URL: "u"},
    )
    same = ExtractedItem(stable_id="a", title="T", url="https://x.cn/a", summary="list summary")
    assert carry_forward(same, stored).summary == "list summary … body passage"
    edited = replace(same, summary="a corrected list summary")
    assert carry_forward(edited, stored) == edited
    renamed = replace(same, title="T (revised)")
    assert carry_forward(renamed, stored).title == "T (revised)"
    never_completed = replace(stored, meta={})
    assert carry_forward(same, never_completed) == same


@pytest.mark.parametrize(
    "response",
    [
        Resp(status=404, body="not found", content_type="text/plain"),
        Resp(status=202, body=b"", headers={"x-amzn-waf-action": "challenge"}),
        Resp(body="<html><body><p>系统维护中</p></body></html>"),
    ],
    ids=["404", "waf", "not-a-detail-page"],
)
def test_unusable_detail_page_leaves_the_list_item(http_server: FixtureServer, response: Resp) -> None:
    http_server.route("/2026-09/18/c_1.htm", response)
    listed = _item(http_server, "2026-09/18/c_1.htm", MINORS_TITLE)
    out = _run(ItemsExtraction(items=(listed,)), {"other": listed})
    assert out.items == (listed,)
    assert http_server.hits("/2026-09/18/c_1.htm") == 1


def test_only_relevant_fetches_only_what_the_list_says_is_ai(http_server: FixtureServer) -> None:
    http_server.route("/ai.htm", file_resp(MINORS))
    http_server.route("/other.htm", file_resp(APPS))
    ai = _item(http_server, "ai.htm", "关于《生成式人工智能服务安全要求》公开征求意见的通知")
    other = _item(http_server, "other.htm", "关于全国网络安全标准化技术委员会换届的通知")
    _run(ItemsExtraction(items=(ai, other)), {"x": other}, _context(only_relevant=True))
    assert [r.path for r in http_server.requests] == ["/ai.htm"]


def test_at_most_so_many_details_per_check(
    http_server: FixtureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(detail, "MAX_DETAILS_PER_CHECK", 2)
    for n in range(4):
        http_server.route(f"/{n}.htm", file_resp(APPS))
    listing = ItemsExtraction(items=tuple(_item(http_server, f"{n}.htm", f"通知 {n}") for n in range(4)))
    out = _run(listing, _stored(listing.items[0]))
    assert len(http_server.requests) == 2
    assert [DETAIL_URL in i.meta for i in out.items] == [False, True, True, False]
