"""`[service] doctor_on_start`: the service runs `tracker doctor` once as it takes the lead, and logs each
endpoint that is not healthy with its advice (a first deploy verifies itself), while it goes on checking."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_server import FixtureServer, Resp
from tests.service_support import ServiceProcess, clean_env, wait_until, write_config

pytestmark = pytest.mark.slow  # a real `tracker run`


def test_the_service_runs_the_doctor_on_start_and_logs_what_is_not_healthy(
    http_server: FixtureServer, tmp_path: Path, services: list[ServiceProcess]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    config = write_config(tmp_path, http_server, db_url)
    # The feed answers as a page that lost its list: a broken endpoint, which the doctor must name.
    config.write_text(
        config.read_text("utf-8").replace("[service]\n", "[service]\ndoctor_on_start = true\n"), "utf-8"
    )
    http_server.route("/svc.rss", Resp(body="<html><body><p>We moved.</p></body></html>"))
    service = ServiceProcess(config, tmp_path, "svc", clean_env())
    services.append(service)

    line = service.wait_for_log(r"doctor: svcreg/news \w+: [^\n]+")
    assert "doctor: 0 of 1 endpoints healthy" in service.log()
    assert "feed" in line.group(0)  # what the doctor found, and its advice, on one line
    wait_until(lambda: http_server.hits("/svc.rss") >= 2, "the scheduled checks go on", log=service.log())
    assert service.terminate() == 0
