"""Issue 17.13: a charset that only the HTTP header declared survives re-derivation of a stored snapshot.

After an extractor-version bump, the last snapshot's raw body is derived again and compared with the new
answer. If the snapshot kept only the MIME type, that body decodes another way (a detector's guess) and
the comparison reports a change that never happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tests.charset_pages import cac_list_page, cac_list_titles
from tests.fixture_server import FixtureServer, Resp
from tracker.config import Config
from tracker.extract.decode import decode_body
from tracker.pipeline.check import run_checks
from tracker.store.db import make_engine
from tracker.store.models import Change, Item, Snapshot, SourceState
from tracker.store.snapshots import stored_content_type

# Spanish with ñ: charset-normalizer 3.5 reads these bytes as cp1250 ("seńala") when nothing declares them.
SPANISH = (
    "España: la Agencia señala que la protección de datos está en juego; año de aplicación, niño, compañía."
)
SPANISH_PAGE = (
    "<html><head><title>Aviso</title></head><body><main>"
    f"<p>{SPANISH}</p><p>Artículo 1. Las obligaciones del reglamento se aplican.</p></main></body></html>"
)
DOCUMENT_PARSER = {"kind": "document", "dialect": "html", "content": "main"}
LIST_PARSER = {
    "kind": "html_list",
    "item": "#loadingInfoPage > li",
    "link": "h5 > a",
    "title_attr": "title",
    "id_pattern": r"(\d{4}-\d{2}/\d{2}/c_\d+)\.htm",
}


def one_endpoint_config(
    server: FixtureServer, tmp_path: Path, language: str, parser: dict[str, Any]
) -> Config:
    return Config.model_validate(
        {
            "tracker": {"database": str(tmp_path / "unused.sqlite3")},
            "fetch": {"allow_private_addresses": True, "per_host_delay": 0, "retries": 0, "total_timeout": 5},
            "custom_sources": [
                {
                    "id": "reg",
                    "jurisdiction": "XX",
                    "regulator": "Test Regulator",
                    "language": language,
                    "endpoints": [
                        {
                            "id": "page",
                            "url": server.url("/page.htm"),
                            "parser": parser,
                            "relevance": "assume_ai_rule",
                            "expect": {"drift": False},
                        }
                    ],
                }
            ],
            "sources": {},
        }
    )


def bump_extractor_version(engine: sa.Engine, *, forget_charset: bool) -> None:
    """As if the stored snapshot had been made by an older extractor (and, optionally, an older version
    of this code that stored only the MIME type)."""
    with engine.begin() as conn:
        conn.execute(sa.update(Snapshot).values(extractor_version="old-0"))
        conn.execute(sa.update(SourceState).values(last_extractor_version="old-0"))
        if forget_charset:
            conn.execute(sa.update(Snapshot).values(content_type="text/html"))


CP1252_CASE = (SPANISH_PAGE.encode("cp1252"), "text/html; charset=windows-1252", "es", DOCUMENT_PARSER)
GB18030_CASE = (cac_list_page(21).encode("gb18030"), "text/html;charset=GB18030", "zh", LIST_PARSER)
CASES = [pytest.param(*CP1252_CASE, id="cp1252"), pytest.param(*GB18030_CASE, id="gb18030")]


@pytest.mark.parametrize("forget_charset", [False, True], ids=["header-kept", "stored-before-fix"])
@pytest.mark.parametrize(("body", "content_type", "language", "parser"), CASES)
def test_header_only_charset_survives_rederivation(
    http_server: FixtureServer,
    tmp_path: Path,
    db_url: str,
    body: bytes,
    content_type: str,
    language: str,
    parser: dict[str, Any],
    forget_charset: bool,
) -> None:
    # The premise: without the header's charset, these bytes do not decode as they were served.
    assert decode_body(body, "text/html").text != decode_body(body, content_type).text
    config = one_endpoint_config(http_server, tmp_path, language, parser)
    http_server.route("/robots.txt", Resp(body="User-agent: *\nAllow: /\n", content_type="text/plain"))
    http_server.route("/page.htm", Resp(body=body, content_type=content_type))
    engine = make_engine(db_url)

    (first,) = run_checks(config, engine, ["reg"])
    assert first.ok and first.baseline
    (snap,) = Session(engine).exec(select(Snapshot)).all()
    assert snap.content_type == content_type  # the whole header, charset included
    bump_extractor_version(engine, forget_charset=forget_charset)

    (second,) = run_checks(config, engine, ["reg"])
    assert second.ok, second
    assert (second.changed, second.new, second.document_changed) == (0, 0, False)
    with Session(engine) as session:
        assert list(session.exec(select(Change))) == []
        titles = [item.title for item in session.exec(select(Item))]
    if parser is LIST_PARSER:
        assert sorted(titles) == sorted(cac_list_titles(21))


def test_stored_content_type_keeps_the_charset_of_a_long_header() -> None:
    assert stored_content_type("text/html; charset=GBK") == "text/html; charset=GBK"
    assert stored_content_type("") == ""
    long_header = "text/html; " + "; ".join(f"x-param{i}=value{i}" for i in range(20)) + "; charset=gb2312"
    assert len(long_header) > 128
    assert stored_content_type(long_header) == "text/html; charset=gb2312"
    no_charset = "application/json; " + "p=" + "x" * 200
    assert stored_content_type(no_charset) == "application/json"
    assert stored_content_type("text/html;\r\n charset=utf-8") == "text/html; charset=utf-8"
