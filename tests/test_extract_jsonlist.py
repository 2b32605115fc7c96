"""JSON list APIs: Federal Register and Press Corner (real samples), CAC JsonList (reconstructed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.paths import SAMPLES
from tracker.extract import extract
from tracker.extract.normalise import content_hash
from tracker.specs import EndpointSpec, JsonListParser
from tracker.types import DecodedBody, DocType, ExtractionError, ItemsExtraction

FEDREG = JsonListParser(
    items_path="results",
    id_field="document_number",
    title_field="title",
    url_field="html_url",
    date_field="publication_date",
    summary_field="abstract",
    doc_type_field="type",
    doc_type_map={"Rule": DocType.LAW, "Proposed Rule": DocType.PROPOSAL, "Notice": DocType.NEWS},
    meta_fields=("type", "agencies.name", "pdf_url"),
)
PRESSCORNER = JsonListParser(
    items_path="docuLanguageListResources",
    id_field="refCode",
    title_field="title",
    url_template="https://ec.europa.eu/commission/presscorner/detail/en/{id_slug}",
    date_field="eventDate",
    summary_field="leadText",
    doc_type_field="docutype.code",
    doc_type_map={"IP": DocType.NEWS, "SPEECH": DocType.NEWS},
)
# CAC POST /cms/JsonList. No recorded response exists; this follows SOURCES.md ("list[] of topic,
# infourl (protocol-relative), pubtime (YYYY-MM-DD HH:MM:SS); totalRec") and is a reconstruction.
CAC_RECONSTRUCTED = {
    "totalRec": 2,
    "list": [
        {
            "topic": "国家互联网信息办公室关于《人工智能生成合成内容标识办法》的通知",
            "infourl": "//www.cac.gov.cn/2025-03/14/c_1743654684782215.htm",
            "pubtime": "2025-03-14 15:50:00",
        },
        {
            "topic": "生成式人工智能服务管理暂行办法",
            "infourl": "//www.cac.gov.cn/2023-07/13/c_1690898327029107.htm",
            "pubtime": "2023-07-13 17:20:00",
        },
    ],
}
CAC = JsonListParser(
    items_path="list",
    id_field="infourl",
    title_field="topic",
    url_field="infourl",
    date_field="pubtime",
    timezone="Asia/Shanghai",
)


def _run(body: str, parser: JsonListParser, url: str = "https://api.example.org/list") -> ItemsExtraction:
    decoded = DecodedBody(text=body, encoding="utf-8", kind="json")
    result = extract(decoded, body.encode("utf-8"), EndpointSpec(id="api", url=url, parser=parser), url)
    assert isinstance(result, ItemsExtraction)
    return result


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text("utf-8")


def test_federal_register_newest_page_one() -> None:
    result = _run(_sample("fedreg/search-newest-page-one.json"), FEDREG)
    assert [i.stable_id for i in result.items] == ["2024-31440", "2024-31439"]
    first = result.items[0]
    assert first.title == "Combined Notice of Filings #1"
    assert (
        first.url
        == "https://www.federalregister.gov/documents/2024/12/31/2024-31440/combined-notice-of-filings-1"
    )
    assert first.published_at == datetime(2024, 12, 31, tzinfo=UTC)
    assert first.summary == ""  # "abstract": null
    assert first.doc_type is DocType.NEWS
    assert first.meta == {
        "type": "Notice",
        "agencies.name": "Energy Department, Federal Energy Regulatory Commission",
        "pdf_url": "https://www.govinfo.gov/content/pkg/FR-2024-12-31/pdf/2024-31440.pdf",
    }


def test_federal_register_other_pages_and_types() -> None:
    oldest = _run(_sample("fedreg/search-oldest-page-one.json"), FEDREG)
    assert [(i.stable_id, i.doc_type) for i in oldest.items] == [
        ("2023-26792", DocType.NEWS),
        ("2023-27783", DocType.LAW),
    ]
    presidential = _run(_sample("fedreg/presidential-page-one.json"), FEDREG)
    assert [i.stable_id for i in presidential.items] == ["2026-19555", "2026-19554"]
    assert all(i.doc_type is None for i in presidential.items)  # "Presidential Document" is not mapped


def test_volatile_page_views_do_not_change_the_hash() -> None:
    raw = _sample("fedreg/inspection-search.json")
    assert '"page_views":{"count":0' in raw
    bumped = raw.replace('"page_views":{"count":0', '"page_views":{"count":4711')
    before, after = _run(raw, FEDREG), _run(bumped, FEDREG)
    assert [i.stable_id for i in before.items] == ["2026-19930", "2026-19936"]
    assert before == after
    assert content_hash(before) == content_hash(after)
    assert all("page_views" not in i.meta for i in after.items)


def test_presscorner_refcodes_and_urls() -> None:
    result = _run(_sample("eu/presscorner_api_search_response_2026-09-24_trimmed.json"), PRESSCORNER)
    assert [(i.stable_id, i.url) for i in result.items] == [
        ("SPEECH/26/1968", "https://ec.europa.eu/commission/presscorner/detail/en/speech_26_1968"),
        ("SPEECH/26/1955", "https://ec.europa.eu/commission/presscorner/detail/en/speech_26_1955"),
        ("IP/26/1954", "https://ec.europa.eu/commission/presscorner/detail/en/ip_26_1954"),
        ("MEX/26/1951", "https://ec.europa.eu/commission/presscorner/detail/en/mex_26_1951"),
    ]
    ip = result.items[2]
    assert ip.title == "EU and Canada secure at least €211 million in pledges for Global Ocean Observation"
    assert ip.summary.startswith("Today, President of the European Commission Ursula von der Leyen")
    assert ip.published_at == datetime(2026, 9, 23, tzinfo=UTC)
    assert [i.doc_type for i in result.items] == [DocType.NEWS, DocType.NEWS, DocType.NEWS, None]


def test_cac_jsonlist_protocol_relative_urls_and_local_time() -> None:
    result = _run(
        json.dumps(CAC_RECONSTRUCTED, ensure_ascii=False), CAC, url="https://www.cac.gov.cn/cms/JsonList"
    )
    first = result.items[0]
    assert first.stable_id == "//www.cac.gov.cn/2025-03/14/c_1743654684782215.htm"
    assert first.url == "https://www.cac.gov.cn/2025-03/14/c_1743654684782215.htm"
    assert first.published_at == datetime(2025, 3, 14, 15, 50, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert first.published_at.astimezone(UTC) == datetime(2025, 3, 14, 7, 50, tzinfo=UTC)


def test_malformed_json() -> None:
    with pytest.raises(ExtractionError, match="malformed JSON"):
        _run('{"results": [', FEDREG)


def test_terminal_page_without_results_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="items path 'results' not found"):
        _run(_sample("fedreg/search-terminal.json"), FEDREG)


def test_zero_items_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="zero items at 'results'"):
        _run('{"results": []}', FEDREG)
    with pytest.raises(ExtractionError, match="is a dict, not a list"):
        _run('{"results": {"a": 1}}', FEDREG)


def test_url_template_with_an_unknown_field_names_it() -> None:
    parser = PRESSCORNER.model_copy(update={"url_template": "https://example.org/{nope}/{id_slug}"})
    with pytest.raises(ExtractionError, match=r"\{nope\}"):
        _run(_sample("eu/presscorner_api_search_response_2026-09-24_trimmed.json"), parser)


def test_entries_without_id_are_skipped_and_epoch_dates_read() -> None:
    body = json.dumps(
        {
            "data": {
                "items": [{"title": "no id"}, {"id": 7, "title": "<b>Bold</b> &amp; co", "ts": 1782000000}]
            }
        }
    )
    parser = JsonListParser(
        items_path="data.items", id_field="id", title_field="title", date_field="ts", summary_field="title"
    )
    result = _run(body, parser)
    assert [i.stable_id for i in result.items] == ["7"]
    assert result.items[0].summary == "Bold & co"
    assert result.items[0].published_at == datetime.fromtimestamp(1782000000, tz=UTC)


def test_european_parliament_procedure_events() -> None:
    # data[] holds one procedure record; "data.consists_of" maps over it and flattens its events.
    parser = JsonListParser(
        items_path="data.consists_of",
        id_field="activity_id",
        title_field="had_activity_type",
        date_field="activity_date",
        url_template="https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference=2023/0156(COD)&event={id}",
        meta_fields=("occured_at_stage", "based_on_a_realization_of"),
    )
    result = _run(_sample("eu/ep_opendata_api_v2_procedure_2023-0156_trimmed_2026-09-11.json"), parser)
    assert len(result.items) == 18
    first = result.items[0]
    assert first.stable_id == "2023-0156-DEPOT-2024-02-28"
    assert first.title == "def/ep-activities/TABLING_PLENARY"
    assert first.published_at == datetime(2024, 2, 28, tzinfo=UTC)
    assert first.meta["based_on_a_realization_of"] == "eli/dl/doc/A-9-2024-0065"
    assert first.url.endswith("&reference=2023/0156(COD)")  # parameters sorted
    assert "event=2023-0156-DEPOT-2024-02-28" in first.url
