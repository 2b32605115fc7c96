"""Follow stage: Parliament procedures discovered from a list, each one's events as items.

Served from the loopback server through the real fetcher and the real check (pipeline.check -> follow):
the year's list names procedures without titles; each is fetched once to learn what it is about; the
events of the AI ones, and of the pinned 2025/0359(COD) that the list does not show, become items.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select

from sources.eu import PINNED_PROCEDURES
from tests.fixture_server import FixtureServer, Resp, file_resp
from tests.paths import FIXTURES
from tracker.config import Config
from tracker.pipeline.check import run_checks
from tracker.pipeline.follow import entry_words
from tracker.store.db import make_engine
from tracker.store.models import Change, Item

EU = FIXTURES / "eu"
LD = "application/ld+json"
API = "/ep/api/v2/"
OEIL = "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference="
RECORDED_0156 = FIXTURES / "recorded/eu/ep_opendata_api_v2_procedure_2023-0156_trimmed_2026-09-11.json"


def _serve(server: FixtureServer) -> Config:
    server.route(API + "procedures", file_resp(EU / "ep_opendata_procedures_list.reconstructed.json", LD))
    server.route(
        API + "procedures/2025-0359", file_resp(EU / "ep_opendata_procedure_2025-0359.reconstructed.json", LD)
    )
    server.route(
        API + "procedures/2026-0118", file_resp(EU / "ep_opendata_procedure_2026-0118.reconstructed.json", LD)
    )
    server.route(API + "procedures/2023-0156", file_resp(RECORDED_0156, LD))
    # 2026-0120 has no route: following it answers 404
    return Config.model_validate(
        {
            "fetch": {
                "allow_private_addresses": True,
                "respect_robots": False,
                "per_host_delay": 0,
                "retries": 0,
                "connect_timeout": 5,
                "read_timeout": 10,
                "total_timeout": 20,
            },
            "sources": {
                "eu_parliament": {
                    "endpoints": {
                        "ai_procedures": {
                            "url": server.url(API + "procedures?process-type=COD&year=2026&limit=500")
                        }
                    }
                }
            },
        }
    )


def _with_new_event(path: Path) -> str:
    data = json.loads(path.read_text("utf-8"))
    data["data"][0]["consists_of"].append(
        {
            "id": "eli/dl/event/MTG-PL-2026-07-08-VOT-ITM-990377",
            "type": "Activity",
            "activity_date": "2026-07-08",
            "activity_id": "MTG-PL-2026-07-08-VOT-ITM-990377",
            "had_activity_type": "def/ep-activities/PLENARY_VOTE_RESULTS",
        }
    )
    return json.dumps(data)


def _items(engine: object) -> dict[str, Item]:
    with Session(engine) as session:  # type: ignore[arg-type]
        return {
            i.stable_id: i
            for i in session.exec(select(Item).where(Item.endpoint_key.startswith("eu_parliament")))
        }


def test_procedures_are_discovered_pinned_and_followed(http_server: FixtureServer, db_url: str) -> None:
    config = _serve(http_server)
    engine = make_engine(db_url)

    first = run_checks(config, engine, ["eu_parliament"])
    assert [(r.status, r.baseline) for r in first] == [("ok", True)], first[0].reason
    stored = _items(engine)
    # The pinned procedure, absent from the list, is followed: every event is an item of its own.
    omnibus = sorted(sid for sid in stored if sid.startswith("2025-0359/"))
    assert len(omnibus) == 6
    vote = stored["2025-0359/MTG-PL-2026-06-16-VOT-ITM-990214"]
    assert vote.title == "2025/0359(COD): plenary vote"
    assert vote.url == OEIL + "2025/0359(COD)#MTG-PL-2026-06-16-VOT-ITM-990214"
    assert vote.published_at is not None and vote.published_at.date().isoformat() == "2026-06-16"
    assert vote.relevance != "not_ai"
    assert stored["2025-0359/2025-0359-ANPRO-2025-12-15"].title == "2025/0359(COD): referred to committee"
    parent = stored["2025-0359"]
    assert parent.title.startswith("2025/0359(COD): Simplification of the implementation of harmonised rules")
    assert parent.url == OEIL + "2025/0359(COD)"
    # Discovered from the list: an AI file is followed; the customs file is listed, judged, not followed.
    assert "2026-0118/2026-0118-ANPRO-2026-10-05" in stored
    assert stored["2026-0118"].relevance != "not_ai"
    assert stored["2023-0156"].relevance == "not_ai"
    assert stored["2023-0156"].title.startswith("2023/0156(COD): Establishing the Union Customs Code")
    assert not any(sid.startswith("2023-0156/") for sid in stored)
    # A procedure whose record cannot be had stays listed, bare, to be examined again.
    assert stored["2026-0120"].title == "2026/0120(COD)"
    with Session(engine) as session:
        assert session.exec(select(Change)).all() == []

    # A new event of the pinned procedure: exactly one new item, about AI, alerted.
    http_server.route(
        API + "procedures/2025-0359",
        Resp(
            body=_with_new_event(EU / "ep_opendata_procedure_2025-0359.reconstructed.json"), content_type=LD
        ),
    )
    second = run_checks(config, engine, ["eu_parliament"])
    # 7 + 1 items of 2025/0359(COD), 2 of 2026/0118(COD), the customs file, the bare 2026/0120(COD)
    assert [(r.status, r.new, r.changed, r.removed, r.items) for r in second] == [("ok", 1, 0, 0, 12)]
    with Session(engine) as session:
        (change,) = session.exec(select(Change)).all()
    assert change.stable_id == "2025-0359/MTG-PL-2026-07-08-VOT-ITM-990377"
    assert change.title == "2025/0359(COD): plenary vote results"
    assert change.relevance != "not_ai" and change.alerted
    # The customs procedure was judged once and is not fetched again; the failing one is retried.
    assert http_server.hits(API + "procedures/2023-0156?format=application%2Fld%2Bjson") == 1
    assert http_server.hits(API + "procedures/2026-0120?format=application%2Fld%2Bjson") == 2

    # The API fails for the pinned procedure: its events are carried forward, nothing is removed.
    http_server.route(API + "procedures/2025-0359", Resp(status=500, body="error"))
    for _ in range(3):
        third = run_checks(config, engine, ["eu_parliament"])
        assert [(r.status, r.new, r.changed, r.removed, r.items) for r in third] == [("ok", 0, 0, 0, 12)]
    assert len([sid for sid in _items(engine) if sid.startswith("2025-0359/")]) == 7
    assert PINNED_PROCEDURES == ("2025-0359",)


def test_activity_codes_read_as_words() -> None:
    assert entry_words("def/ep-activities/PLENARY_VOTE", {}) == "plenary vote"
    assert entry_words("def/ep-activities/REFERRAL", {"def/ep-activities/REFERRAL": "referred"}) == "referred"
    assert entry_words("Vote in plenary", {}) == "Vote in plenary"  # already words
