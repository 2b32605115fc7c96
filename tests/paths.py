from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "regulator-samples"
FIXTURES = REPO / "tests" / "fixtures"
