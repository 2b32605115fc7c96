"""Where the tests find their files. Everything a test reads lives inside the repository: a clone with
nothing beside it passes its tests."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# Real recorded responses of the regulators, copied from the team's shared sample set with their
# provenance (tests/fixtures/recorded/MANIFEST.md says where each came from and how far to trust it).
SAMPLES = FIXTURES / "recorded"
