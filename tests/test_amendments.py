"""Amendments as a lawyer reads them, on the real consolidated AI Act (Dutch, 12 July 2024).

The later version is made from the recorded one the way the Publications Office re-typesets and amends:
every opening quotation mark “ becomes „ (as in the real later consolidation), Article 4 is amended,
Article 4a and Annex XIV are inserted, Annex III is amended. The amendment's wording is ours; the text
around it and every typographic variant are the recording's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlmodel import Session, select

from tests.fixture_server import FixtureServer, Resp
from tests.paths import SAMPLES
from tracker.config import Config
from tracker.diff.core import diff_documents
from tracker.diff.legal_note import changed_words, summary_line, unit_lines
from tracker.diff.typography import fold_typography, typographic_only
from tracker.extract.decode import decode_body
from tracker.extract.legal import extract_eurlex_html
from tracker.pipeline.check import EndpointReport, run_checks
from tracker.store.db import make_engine
from tracker.store.models import Change

CONSOLIDATED = SAMPLES / "eu/eurlex_ai-act_02024R1689-20240712_consolidated_NL_frontoffice.html"
ART_4_OLD = "nemen maatregelen om, zoveel als mogelijk, te zorgen voor"
ART_4_NEW = "nemen maatregelen om te zorgen voor"
ART_4A = (
    '<div class="eli-subdivision" id="art_4a"><p class="title-article-norm">Artikel 4 bis</p>'
    '<div class="eli-title"><p class="stitle-article-norm">Verwerking van bijzondere categorieën</p></div>'
    '<p class="norm">Aanbieders mogen bijzondere categorieën persoonsgegevens verwerken om vertekening op '
    "te sporen en te corrigeren.</p></div>"
)
ANNEX_III_OLD = "zijn de vermelde AI-systemen op de volgende gebieden:"
ANNEX_III_NEW = (
    "zijn de vermelde AI-systemen op de volgende en de bij gedelegeerde handeling toegevoegde gebieden:"
)
ANNEX_XIV = (
    '<div id="anx_XIV"><p class="title-annex-1">BIJLAGE XIV</p>'
    '<p class="norm">Lijst van de in artikel 4 bis bedoelde waarborgen.</p></div>'
)


# The "amended by" table of a consolidated text, in the shape of the recorded "corrected by" table of the
# same file (p.hd-modifiers, then one row per act: p.arrow a ►M1 and p.title-fam-member).
AMENDED_BY = (
    '<p class="hd-modifiers">Gewijzigd bij:</p><table><tr><td><p class="arrow"><a title="32026R1744">►M1</a>'
    '</p></td><td><p class="title-fam-member"><a title="32026R1744">Verordening (EU) 2026/1744 van het '
    "Europees Parlement en de Raad van 15 juli 2026</a></p></td></tr></table>"
)


def later_version() -> str:
    text = CONSOLIDATED.read_text("utf-8")
    text = text.replace(
        '<p class="hd-modifiers">Gerectificeerd bij:</p>',
        AMENDED_BY + '<p class="hd-modifiers">Gerectificeerd bij:</p>',
        1,
    )
    assert text.count(ART_4_OLD) == 1 and text.count(ANNEX_III_OLD) == 1
    text = text.replace("“", "„")  # the later consolidation's opening quotation mark
    text = text.replace(ART_4_OLD, ART_4_NEW)
    end_of_art_4 = text.index('<div id="cpt_II">')
    text = text[:end_of_art_4] + ART_4A + text[end_of_art_4:]
    text = text.replace(ANNEX_III_OLD, ANNEX_III_NEW)
    last_annex_end = text.rindex("</div>", 0, text.index("</body>"))
    text = text[:last_annex_end] + ANNEX_XIV + text[last_annex_end:]
    return text.replace("eli/reg/2024/1689/2024-07-12", "eli/reg/2024/1689/2026-07-27")


def blocks(html: str):  # type: ignore[no-untyped-def]
    return extract_eurlex_html(decode_body(html.encode(), "text/html", "https://x"), consolidated=True)


def test_typography_folds_quotes_dashes_and_spaces_of_every_script() -> None:
    assert typographic_only("„toezicht”", "“toezicht”")
    assert typographic_only("artikel 3 – punt 1", "artikel 3 - punt 1")
    assert typographic_only("1\u00a0000 euro", "1 000 euro")
    assert typographic_only("«IA»", '"IA"') and typographic_only("‘x’", "'x'")
    assert typographic_only("「人工智能」", "『人工智能』")
    assert not typographic_only("2 August 2026", "2 December 2027")
    assert fold_typography("line one\nline two") == "line one\nline two"  # units keep their lines


def test_exactly_the_substantive_units_are_changes_and_typography_is_apart() -> None:
    old, new = blocks(CONSOLIDATED.read_text("utf-8")), blocks(later_version())
    diff = diff_documents(old.blocks, new.blocks)

    assert {(c.op, c.key) for c in diff.changes} == {
        ("changed", "art_4"),
        ("added", "art_4a"),
        ("changed", "anx_III"),
        ("added", "anx_XIV"),
    }
    quoted = {b.key for b in old.blocks if "“" in b.text}
    typographic = {c.key for c in diff.typographic}
    assert typographic == quoted - {"art_4", "anx_III"}
    assert len(typographic) > 10  # the real text quotes its definitions in many units
    # No substantive line differs only by the quotation mark.
    substantive = diff.unified.split("— typography only")[0]
    removed = [line[1:] for line in substantive.splitlines() if line.startswith("-")]
    added = [line[1:] for line in substantive.splitlines() if line.startswith("+")]
    for line in removed:
        assert all(fold_typography(line) != fold_typography(other) for other in added), line
    assert "— typography only" in diff.unified  # the raw difference stays available


def test_the_summary_counts_articles_and_annexes_apart_and_shows_the_words() -> None:
    diff = diff_documents(blocks(CONSOLIDATED.read_text("utf-8")).blocks, blocks(later_version()).blocks)
    line = summary_line(diff)
    assert line.startswith(
        "1 article amended (4), 1 inserted (4a), 0 deleted; Annex III amended, XIV inserted; "
    )
    assert re.search(r"typography only: \d+ units \(Articles [0-9, –]+", line)
    lines = unit_lines(diff)
    assert lines[0].startswith("Artikel 4 bis inserted: ")
    amended = next(entry for entry in lines if entry.startswith("Artikel 4 amended"))
    assert (
        "maatregelen om deleted “, zoveel als mogelijk,” te zorgen" in amended
    )  # the words, not the start of the article
    assert not any(entry.startswith("Artikel 3 ") for entry in lines)  # typography only: not listed


def test_changed_words_ignore_typography_inside_a_real_change() -> None:
    old = "De „AI-verordening” is van toepassing vanaf 2 augustus 2026."
    new = "De “AI-verordening” is van toepassing vanaf 2 december 2027."
    assert changed_words(old, new) == ["… van toepassing vanaf 2 “augustus 2026” → “december 2027”."]


def test_a_new_consolidated_version_alerts_once_as_a_lawyers_note(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    http_server.route("/robots.txt", Resp(body="User-agent: *\nAllow: /\n", content_type="text/plain"))
    http_server.route(
        "/act",
        Resp(body=CONSOLIDATED.read_bytes()),
        Resp(body=later_version()),
        Resp(body=later_version() + "<!-- again -->"),
    )
    config = Config.model_validate(
        {
            "tracker": {"database": str(tmp_path / "unused.sqlite3")},
            "fetch": {"allow_private_addresses": True, "per_host_delay": 0, "retries": 0},
            "custom_sources": [
                {
                    "id": "act",
                    "jurisdiction": "EU",
                    "regulator": "EUR-Lex",
                    "language": "nl",
                    "endpoints": [
                        {
                            "id": "consolidated",
                            "url": http_server.url("/act"),
                            "parser": {"kind": "document", "dialect": "eurlex_consolidated"},
                            "relevance": "assume_ai_rule",
                            "doc_type": "law",
                        }
                    ],
                }
            ],
            "sources": {},
        }
    )
    engine = make_engine(db_url)
    assert run_checks(config, engine, ["act"])[0].baseline
    (report,) = run_checks(config, engine, ["act"])
    assert report.document_changed and report.alerts == 1
    assert not run_checks(config, engine, ["act"])[0].change_ids  # same content, new bytes: nothing
    with Session(engine) as session:
        (change,) = session.exec(select(Change)).all()
    assert change.title == "AI Act (Reg. 2024/1689): consolidated version of 27 July 2026"
    assert change.headline.startswith("1 article amended (4), 1 inserted (4a), 0 deleted; Annex III amended")
    assert (change.added, change.changed, change.removed) == (2, 2, 0)  # typography is not counted
    assert "zoveel als mogelijk" in change.summary
    # the act that amended the law, named first (the corrigenda were already in the previous version)
    assert change.summary.splitlines()[0] == (
        "Consolidates: M1 Verordening (EU) 2026/1744 van het Europees Parlement en de Raad van 15 juli 2026"
    )


def sparql(*celex_numbers: str) -> str:
    """A CELLAR SPARQL answer shaped as tests/fixtures/eu/cellar_sparql_consolidations.reconstructed.json."""
    bindings = [
        {
            "celex": {"type": "literal", "value": celex},
            "version": {"type": "literal", "value": celex.split("-")[1]},
            "title": {
                "type": "literal",
                "value": f"AI Act (Regulation (EU) 2024/1689): consolidated version of {celex}",
            },
        }
        for celex in celex_numbers
    ]
    return json.dumps({"head": {"vars": ["celex", "version", "title"]}, "results": {"bindings": bindings}})


def test_a_new_consolidated_version_is_fetched_diffed_and_alerted_once(
    http_server: FixtureServer, db_url: str
) -> None:
    """The built-in eu_ai_act source against a CELLAR-shaped fake: the SPARQL list names a new version,
    the text endpoint fetches that version's text by content negotiation and diffs it against the one
    before; one alert, the listing itself silent."""
    json_type = "application/sparql-results+json"
    http_server.route(
        "/sparql",
        Resp(body=sparql("02024R1689-20240712"), content_type=json_type),
        Resp(body=sparql("02024R1689-20260727", "02024R1689-20240712"), content_type=json_type),
    )
    http_server.route("/resource/celex/02024R1689-20240712", Resp(body=CONSOLIDATED.read_bytes()))
    http_server.route("/resource/celex/02024R1689-20260727", Resp(body=later_version()))
    config = Config.model_validate(
        {
            "fetch": {
                "allow_private_addresses": True,
                "respect_robots": False,
                "per_host_delay": 0,
                "retries": 0,
            },
            "sources": {
                "eu_ai_act": {
                    "endpoints": {
                        "oj_text": {"enabled": False},
                        "consolidated": {"url": http_server.url("/sparql")},
                        # the version known when the source was written; {id} resolves next to it
                        "consolidated_text": {"url": http_server.url("/resource/celex/02024R1689-20240712")},
                    }
                }
            },
        }
    )
    engine = make_engine(db_url)

    def check(endpoint: str) -> EndpointReport:
        (report,) = run_checks(config, engine, [f"eu_ai_act/{endpoint}"])
        return report

    assert check("consolidated").baseline and check("consolidated_text").baseline
    listing = check("consolidated")
    assert (listing.new, listing.alerts) == (1, 0)  # the listing alone says nothing: the text will
    text = check("consolidated_text")
    assert (text.document_changed, text.alerts) == (True, 1)
    assert http_server.requests[-1].path == "/resource/celex/02024R1689-20260727"
    assert not check("consolidated_text").change_ids  # once
    with Session(engine) as session:
        (change,) = session.exec(
            select(Change).where(Change.endpoint_key == "eu_ai_act/consolidated_text")
        ).all()
    assert change.title == "AI Act (Reg. 2024/1689): consolidated version of 27 July 2026"
    assert change.headline.startswith("1 article amended (4), 1 inserted (4a), 0 deleted; Annex III amended")


def test_show_and_the_digest_carry_the_same_note(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    """`tracker show` prints the note, the changed words and the diff; the digest keeps the note whole."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.cli_support import run_tracker
    from tracker.digest.collect import Period, collect

    test_a_new_consolidated_version_alerts_once_as_a_lawyers_note(http_server, tmp_path, db_url)
    engine = make_engine(db_url)
    with Session(engine) as session:
        change = session.exec(select(Change)).one()
    (tmp_path / "config.toml").write_text(f'[tracker]\ndatabase = "{db_url}"\n', "utf-8")
    shown = run_tracker("show", str(change.id), "--config", str(tmp_path / "config.toml"), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "1 article amended (4), 1 inserted (4a), 0 deleted; Annex III amended" in shown.stdout
    assert "deleted “, zoveel als mogelijk,”" in shown.stdout and "@@ Artikel 4 (changed) @@" in shown.stdout
    seoul = ZoneInfo("Asia/Seoul")
    digest = collect(
        engine, Period.ending(datetime.now(UTC) + timedelta(minutes=1), 86400, seoul), "en", seoul
    )
    (entry,) = digest.entries
    assert entry.title == "AI Act (Reg. 2024/1689): consolidated version of 27 July 2026"
    assert entry.headline == [change.headline]  # one statement, not cut at its commas
