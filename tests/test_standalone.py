"""A clone with nothing beside it passes its tests: nothing under tests/ reads outside the repository,
and every recording the manifest lists is in the repository."""

from __future__ import annotations

import re

from tests.paths import REPO, SAMPLES

# Ways a test could reach the team's shared folder beside the repository (the folder names are spelled
# in pieces so that this file does not name them itself).
_SHARED, _SAMPLES = "sha" + "red", "regulator" + "-samples"
_OUTSIDE = re.compile(
    rf"""\.\./{_SHARED}|["']{_SHARED}["']|["']{_SAMPLES}["']|{_SAMPLES}|parent\.parent\.parent"""
)


def test_no_test_reads_outside_the_repository() -> None:
    offenders = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        if path.name == "test_standalone.py":
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if _OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []
    assert SAMPLES.is_relative_to(REPO)


def test_every_recording_the_manifest_names_is_in_the_repository() -> None:
    manifest = (SAMPLES / "MANIFEST.md").read_text("utf-8")
    # The first column of each table row names a file (its origin, in another column, does not).
    named = {name for name in re.findall(r"^\| `([^`]+)`", manifest, re.MULTILINE) if "*" not in name}
    assert len(named) >= 10
    files = {p.name for p in SAMPLES.rglob("*") if p.is_file()}
    missing = {name for name in named if name.rsplit("/", 1)[-1] not in files}
    assert missing == set()
