"""One-off: regroup tracker/ by pipeline stage (issue 18). Moves files with git mv and rewrites every
import and dotted reference ("tracker.check" -> "tracker.pipeline.check") in the repository.

Run from the repository root: python3 scripts/regroup.py
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# old module (dotted, under tracker.) -> new module
MOVES: dict[str, str] = {
    # net/: talking to the regulators' servers
    "fetch": "net.fetch",
    "politeness": "net.politeness",
    "netguard": "net.guard",
    "netstream": "net.stream",
    "tls": "net.tls",
    # extract/: bytes -> decoded text -> items or blocks
    "decode": "extract.decode",
    "charset_candidates": "extract.charsets",
    "derive": "extract.derive",
    "normalise": "extract.normalise",
    # relevance/: is it about AI, and is it a rule, an enforcement action or other
    "relevance": "relevance.classifier",
    "relevance_terms": "relevance.terms",
    "relevance_meta": "relevance.meta",
    "term_matcher": "relevance.matcher",
    "judge": "relevance.judge",
    "doctype_terms": "relevance.doctype_terms",
    # diff/: what changed, and how a lawyer reads it
    "diff": "diff.core",
    "typography": "diff.typography",
    "legal_note": "diff.legal_note",
    "acts": "diff.acts",
    # store/: the database
    "models": "store.models",
    "db": "store.db",
    "store": "store.apply",
    "snapshots": "store.snapshots",
    "codec": "store.codec",
    "state_reset": "store.state_reset",
    "events": "store.events",
    # pipeline/: one check of endpoints, and what watches over it
    "check": "pipeline.check",
    "classify_response": "pipeline.classify_response",
    "detail": "pipeline.detail",
    "follow": "pipeline.follow",
    "selection": "pipeline.selection",
    "health": "pipeline.endpoint_health",
    "expectations": "pipeline.expectations",
    "staleness": "pipeline.staleness",
    "doctor": "pipeline.doctor",
}
MIGRATIONS = ("migrations", "store.migrations")  # a package moved whole
PACKAGE_DOCS = {
    "net": "net: talking to the regulators' servers.\n\nTakes a FetchRequest, gives a FetchResult: politeness "
    "(robots.txt, per-host turns), the SSRF guard, TLS, retries and size caps.",
    "relevance": "relevance: is an item about AI, and is it a rule, an enforcement action or other.\n\nTakes "
    "titles, summaries and the source's metadata, gives a Relevance with the evidence that decided it.",
    "diff": "diff: what changed between two extractions, and how a lawyer reads it.\n\nTakes two "
    "extractions, gives an ItemDiff or a DocumentDiff (typography apart) and the note an alert leads with.",
    "store": "store: the database.\n\nTakes diffs and fetch results, gives stored items, changes, snapshots "
    "and endpoint state, in one transaction per endpoint; the schema is Alembic's (store/migrations).",
    "pipeline": "pipeline: one check of endpoints, and what watches over it.\n\nTakes source declarations, "
    "gives EndpointReports: fetch -> classify -> extract -> expectations -> store -> outbox, plus endpoint "
    "health, staleness and the doctor.",
}


def git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=ROOT, check=True)


def main() -> None:
    for package, doc in PACKAGE_DOCS.items():
        init = ROOT / "tracker" / package / "__init__.py"
        init.parent.mkdir(exist_ok=True)
        if not init.exists():
            init.write_text(f'"""{doc}\n"""\n', encoding="utf-8")
            git("add", str(init))
    for old, new in MOVES.items():
        source = ROOT / "tracker" / f"{old}.py"
        target = ROOT / "tracker" / (new.replace(".", "/") + ".py")
        git("mv", str(source), str(target))
    git("mv", str(ROOT / "tracker" / "migrations"), str(ROOT / "tracker" / "store" / "migrations"))

    renames = {f"tracker.{old}": f"tracker.{new}" for old, new in MOVES.items()}
    renames[f"tracker.{MIGRATIONS[0]}"] = f"tracker.{MIGRATIONS[1]}"
    # Longest first, and never inside a longer dotted name ("tracker.store" vs "tracker.store.apply").
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(k) for k in sorted(renames, key=len, reverse=True)) + r")\b(?![\w])"
    )
    # "from tracker import check" style imports
    from_tracker = re.compile(r"^(\s*)from tracker import (\w+)(\s*(?:#.*)?)$", re.MULTILINE)
    paths_for = {old: "tracker/" + new.replace(".", "/") for old, new in MOVES.items()}
    for path in [*ROOT.glob("tracker/**/*.py"), *ROOT.glob("sources/*.py"), *ROOT.glob("tests/**/*.py"),
                 *ROOT.glob("bench/*.py"), *ROOT.glob("scripts/*.py"), *ROOT.glob("tracker/**/*.mako"),
                 ROOT / "pyproject.toml", *ROOT.glob("*.md"), *ROOT.glob("docs/*.md"), *ROOT.glob("bench/*.md"),
                 ROOT / "Dockerfile", ROOT / ".ci/run"]:
        if path.name == "regroup.py" or not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        new_text = pattern.sub(lambda m: renames[m.group(1)], text)
        new_text = from_tracker.sub(
            lambda m: (
                f"{m.group(1)}from tracker.{MOVES[m.group(2)].rsplit('.', 1)[0]} import "
                f"{MOVES[m.group(2)].rsplit('.', 1)[1]} as {m.group(2)}{m.group(3)}"
                if m.group(2) in MOVES
                else m.group(0)
            ),
            new_text,
        )
        # file paths in docs and comments: tracker/check.py -> tracker/pipeline/check.py
        for old, new_path in paths_for.items():
            new_text = re.sub(rf"\btracker/{old}\.py\b", f"{new_path}.py", new_text)
        new_text = re.sub(r"\btracker/migrations\b", "tracker/store/migrations", new_text)
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")


if __name__ == "__main__":
    main()
