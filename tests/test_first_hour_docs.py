"""What a new operator reads (issue 17, point 16): the README answers the first hour's questions, and the
package declares only data that exists."""

from __future__ import annotations

import tomllib

from tests.paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_package_data_names_only_files_that_exist() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for package, patterns in pyproject["tool"]["setuptools"]["package-data"].items():
        for pattern in patterns:
            assert list((REPO / package).glob(pattern)), f"{package}/{pattern} matches no file"


def test_the_readme_says_how_to_run_a_fast_subset_and_which_tests_are_slow() -> None:
    assert '-m "not slow"' in README and "full suite" in README
    for slow_file in ("tests/test_service.py", "tests/test_kill.py", "tests/test_alerts_crash.py"):
        assert slow_file in README
        assert "mark.slow" in (REPO / slow_file).read_text(encoding="utf-8")


def test_the_readme_says_how_to_create_the_slack_app_and_invite_the_bot() -> None:
    assert "https://api.slack.com/apps" in README and "Install to Workspace" in README
    assert "/invite @" in README and "not_in_channel" in README


def test_the_readme_explains_health_readiness_and_notices_of_unreachable_sources() -> None:
    assert "`/healthz` answers 200 as long as the process runs, on the leader and on a standby" in README
    assert "`/readyz` says whether this instance is doing its" in README
    assert "A source that has never been reached" in README and "operations notice" in README
    assert "LAW_GO_KR_OC" in README and "builtin_sources" in README
