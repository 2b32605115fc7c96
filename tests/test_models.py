"""Stored times keep their instant and come back aware, on SQLite as on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from tracker.store.db import make_engine
from tracker.store.models import Item


def test_published_at_round_trips_as_the_same_instant(db_url: str) -> None:
    beijing = timezone(timedelta(hours=8))
    published = datetime(2026, 9, 18, 17, 0, tzinfo=beijing)
    engine = make_engine(db_url)
    with Session(engine) as session:
        session.add(
            Item(
                endpoint_key="cn_cac/x",
                source_id="cn_cac",
                stable_id="a",
                title="t",
                url="https://a/",
                published_at=published,
                content_hash="h",
                first_seen=published,
                last_seen=published,
            )
        )
        session.commit()
    with Session(engine) as session:
        item = session.exec(select(Item)).one()
    assert item.published_at is not None and item.published_at.tzinfo is not None
    assert item.published_at == published
    assert item.published_at.astimezone(beijing).hour == 17
