"""The built-in regulators as declared: one module each, valid specs, documented in config.toml."""

from __future__ import annotations

import importlib
import re
import tomllib
from datetime import date
from urllib.parse import parse_qs, urlsplit

import sources
from tests.paths import REPO
from tracker.config import Config, load_config
from tracker.specs import DocumentParser, FeedParser, HtmlListParser, JsonListParser, LinksParser, SourceSpec

CONFIG_TOML = REPO / "config.toml"
EXPECTED = {
    "sources.eu": {"eu_eurlex", "eu_ai_act", "eu_presscorner", "eu_ai_office", "eu_edpb", "eu_parliament"},
    "sources.us": {"us_ftc", "us_federal_register"},
    "sources.cn": {"cn_cac"},
    "sources.un": {"un_news", "un_press", "un_ai_bodies"},
    "sources.kr": {"kr_msit", "kr_law"},
    # The regulators behind the news (issue 19; tests/test_sources_regulators.py)
    "sources.eu_dpa": {"ie_dpc", "it_garante", "fr_cnil", "nl_ap"},
    "sources.uk": {"uk_dsit", "uk_aisi", "uk_ico", "uk_cma"},
    "sources.us_agencies": {"us_nist", "us_copyright_office", "us_cppa", "us_colorado_ag"},
    "sources.jp": {"jp_cao", "jp_ppc"},
    "sources.cn_standards": {"cn_tc260", "cn_miit"},
    "sources.kr_pipc": {"kr_pipc"},
    "sources.intl": {"coe_ai", "oecd_ai"},
}


def test_one_module_per_regulator_each_with_its_sources() -> None:
    assert set(sources.MODULES) == set(EXPECTED)
    for name, ids in EXPECTED.items():
        module = importlib.import_module(name)
        assert isinstance(module.SOURCES, tuple)
        assert all(isinstance(s, SourceSpec) for s in module.SOURCES)
        assert {s.id for s in module.SOURCES} == ids
    assert len(sources.builtin_sources()) == sum(len(ids) for ids in EXPECTED.values())


def test_every_source_is_complete_and_round_trips_as_configuration() -> None:
    today = date(2026, 10, 1)
    for source in sources.builtin_sources():
        assert source.jurisdiction in {"EU", "US", "CN", "UN", "KR", "UK", "JP", "INT"}
        assert source.regulator and source.homepage
        assert source.endpoints, source.id
        assert len({e.id for e in source.endpoints}) == len(source.endpoints)
        for endpoint in source.endpoints:
            url = endpoint.resolved_url(today)
            assert urlsplit(url).scheme in ("http", "https") and "{" not in url, (source.id, endpoint.id)
        # A built-in source is written with the same declarations a user puts in config.toml.
        dumped = source.model_dump(mode="json")
        assert Config.model_validate({"custom_sources": [dumped]}).custom_sources[0] == source


def test_languages_and_parsers_per_regulator() -> None:
    by_id = {s.id: s for s in sources.builtin_sources()}
    assert by_id["cn_cac"].language == "zh"
    assert by_id["kr_msit"].language == "ko" and by_id["kr_law"].language == "ko"
    assert {s.language for s in by_id.values() if s.jurisdiction in ("US", "UN", "UK", "INT")} == {"en"}
    # The EU's national data-protection authorities publish in their own languages.
    assert {s.language for s in by_id.values() if s.jurisdiction == "EU"} == {"en", "it", "fr", "nl"}
    assert {s.language for s in by_id.values() if s.jurisdiction == "JP"} == {"ja"}
    kinds = {type(e.parser) for s in by_id.values() for e in s.endpoints}
    assert kinds == {FeedParser, JsonListParser, HtmlListParser, LinksParser, DocumentParser}


def test_windowed_searches_fill_their_dates() -> None:
    today = date(2026, 10, 1)
    by_id = {s.id: s for s in sources.builtin_sources()}
    presscorner = by_id["eu_presscorner"].endpoint("ai_search")
    query = parse_qs(urlsplit(presscorner.resolved_url(today)).query)
    assert query["datefrom"] == ["01092026"] and query["dateto"] == ["01102026"]  # DDMMYYYY, 30 days
    assert query["global"] == ["artificial intelligence"]
    assert "pagenumber" not in query
    fedreg = by_id["us_federal_register"]
    for endpoint in fedreg.endpoints:
        query = parse_qs(urlsplit(endpoint.resolved_url(today)).query)
        assert query["conditions[publication_date][gte]"] == ["2026-09-17"]
        assert query["conditions[publication_date][lte]"] == ["2026-10-01"]
        assert endpoint.parser.empty_ok  # type: ignore[union-attr]
    assert parse_qs(urlsplit(fedreg.endpoint("presidential").url).query)[
        "conditions[presidential_document_type][]"
    ] == ["executive_order", "memorandum"]


def test_config_toml_documents_every_built_in_source() -> None:
    text = CONFIG_TOML.read_text("utf-8")
    for source in sources.builtin_sources():
        assert re.search(rf"^#\s+{source.id}\s", text, re.MULTILINE), f"{source.id} is not documented"


def test_shipped_config_switches_kr_law_off_until_a_key_is_set() -> None:
    config = load_config(CONFIG_TOML)
    enabled = {s.id for s in config.enabled_sources()}
    assert "kr_law" not in enabled
    assert enabled == {s.id for s in sources.builtin_sources()} - {"kr_law"}
    # Setting the URL with a key and enabling it is all it takes.
    data = tomllib.loads(CONFIG_TOML.read_text("utf-8"))
    data.setdefault("sources", {})["kr_law"] = {
        "enabled": True,
        "endpoints": {
            "ai_basic_act": {
                "url": "https://www.law.go.kr/DRF/lawService.do?OC=me&target=law&ID=014820&type=XML"
            }
        },
    }
    kr_law = next(s for s in Config.model_validate(data).enabled_sources() if s.id == "kr_law")
    assert "OC=me" in kr_law.endpoint("ai_basic_act").url


def test_config_toml_custom_source_examples_are_valid_when_uncommented() -> None:
    text = CONFIG_TOML.read_text("utf-8")
    block = text[text.index("# Your own sources") :]
    lines = [line[2:] for line in block.splitlines() if re.match(r"^# (\[|[a-z_]+ = )", line)]
    config = Config.model_validate(tomllib.loads("\n".join(lines)))
    kinds = {e.parser.kind for s in config.custom_sources for e in s.endpoints}
    assert kinds == {"feed", "html_list", "document", "json", "links"}
