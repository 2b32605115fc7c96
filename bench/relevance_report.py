"""Precision and recall of the relevance stage per label and language, on the project's labelled sets.

Reads tests/fixtures/relevance/labelled.jsonl, kinds.jsonl and languages.jsonl (hand-labelled real titles,
each with its origin; languages.jsonl holds the French, Italian, Dutch, German and Japanese ones) and
adds the recorded Federal Register and FTC responses of tests/fixtures/recorded with the metadata their
source passes (all of them not about AI). Writes bench/relevance_report.md:

    .venv/bin/python bench/relevance_report.py            # writes the report, prints the table
    .venv/bin/python bench/relevance_report.py --baseline  # also stores today's figures as the baseline

For French, Italian, Dutch, German and Japanese the `before` columns are
bench/relevance_report.languages_before.json instead: the classifier before issue 19's vocabulary for
those languages, on the same lines (written once, before that change; this script never rewrites it).

The baseline (bench/relevance_baseline.json) is what the classifier scored before issue 20's changes,
on the same lines, so every vocabulary change shows what it gains and loses against it.
"""

from __future__ import annotations

import argparse
import html
import inspect
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import feedparser

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tracker.relevance.classifier import RelevanceClassifier, guess_doc_type  # noqa: E402
from tracker.relevance.meta import SourceMeta, meta_kind  # noqa: E402
from tracker.types import DocType  # noqa: E402

RELEVANCE = REPO / "tests" / "fixtures" / "relevance"
RECORDED = REPO / "tests" / "fixtures" / "recorded"
BASELINE = REPO / "bench" / "relevance_baseline.json"
LANGUAGES_BEFORE = REPO / "bench" / "relevance_report.languages_before.json"
REPORT = REPO / "bench" / "relevance_report.md"
LABELS = ("ai_rule", "ai_enforcement", "ai_other", "not_ai")
_META_KEYS = ("url", "agency", "source")


@dataclass(frozen=True)
class Case:
    title: str
    summary: str
    language: str
    jurisdiction: str | None
    doc_type: str | None
    meta: dict[str, str]
    expected: str
    origin: str
    expected_doc_type: str | None = None  # the hand-labelled guess_doc_type answer, where there is one


def _jsonl(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").splitlines()
    cases = []
    for line in lines[1:]:  # the first line is the header
        row = json.loads(line)
        cases.append(
            Case(
                title=row["title"],
                summary=row.get("summary", ""),
                language=row.get("language") or "?",
                jurisdiction=row.get("jurisdiction"),
                doc_type=row.get("doc_type"),
                meta={k: row[k] for k in _META_KEYS if row.get(k)},
                expected=row["expected"],
                origin=f"{path.name}: {row['origin']}",
                expected_doc_type=row.get("expected_doc_type"),
            )
        )
    return cases


def _federal_register() -> list[Case]:
    """Every Federal Register result recorded, with type/subtype, agency and URL as the source passes them."""
    cases = []
    for path in sorted((RECORDED / "fedreg").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for result in data.get("results") or []:
            kind = "/".join(p for p in (result.get("type"), result.get("subtype")) if p)
            agencies = ", ".join(a.get("name", "") for a in result.get("agencies") or [] if a.get("name"))
            meta = {"url": result.get("html_url", ""), "agency": agencies, "source": "us_federal_register"}
            cases.append(
                Case(
                    result["title"],
                    result.get("abstract") or "",
                    "en",
                    "US",
                    kind or None,
                    {k: v for k, v in meta.items() if v},
                    "not_ai",
                    f"recorded: fedreg/{path.name}",
                )
            )
    return cases


def _ftc() -> list[Case]:
    feed = feedparser.parse(
        (RECORDED / "ftc" / "ftc_feed_press-release-competition_2026-07.xml").read_bytes()
    )
    cases = []
    for entry in feed.entries:
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", entry.get("summary", ""))).split())
        meta = {
            "url": entry.get("link", ""),
            "source": "us_ftc/competition",
            "agency": "Federal Trade Commission",
        }
        cases.append(
            Case(entry.title, text, "en", "US", None, meta, "not_ai", "recorded: ftc competition feed")
        )
    return cases


def cases() -> list[Case]:
    return (
        _jsonl(RELEVANCE / "labelled.jsonl")
        + _jsonl(RELEVANCE / "kinds.jsonl")
        + _jsonl(RELEVANCE / "languages.jsonl")
        + _federal_register()
        + _ftc()
    )


def predict(classifier: RelevanceClassifier, case: Case) -> str:
    """The label, passing the metadata where the classifier takes it (before issue 20 it did not)."""
    hint = case.doc_type if case.doc_type in {d.value for d in DocType} else None
    kwargs: dict[str, object] = {}
    if "meta" in inspect.signature(classifier.classify).parameters:
        from tracker.relevance.meta import SourceMeta

        regulator_type = case.doc_type if hint is None else None
        kwargs["meta"] = SourceMeta(doc_type=regulator_type or "", **case.meta)
    result = classifier.classify(
        case.title,
        case.summary,
        language=None if case.language == "?" else case.language,
        jurisdiction=case.jurisdiction,
        doc_type=DocType(hint) if hint else None,
        **kwargs,
    )
    return result.label.value


def figures(pairs: list[tuple[Case, str]]) -> dict[str, dict[str, dict[str, float]]]:
    """language ('all' too) -> label ('ai_related' too) -> precision, recall, support, predicted."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    languages = sorted({c.language for c, _ in pairs})
    for language in ["all", *languages]:
        chosen = [(c.expected, p) for c, p in pairs if language == "all" or c.language == language]
        table: dict[str, dict[str, float]] = {}
        for label in (*LABELS, "ai_related"):

            def hit(value: str, label: str = label) -> bool:
                return value != "not_ai" if label == "ai_related" else value == label

            support = sum(hit(e) for e, _ in chosen)
            predicted = sum(hit(p) for _, p in chosen)
            right = sum(hit(e) and hit(p) for e, p in chosen)
            table[label] = {
                "support": support,
                "predicted": predicted,
                "precision": round(right / predicted, 3) if predicted else float("nan"),
                "recall": round(right / support, 3) if support else float("nan"),
            }
        table["accuracy"] = {
            "value": round(sum(e == p for e, p in chosen) / len(chosen), 3),
            "n": len(chosen),
        }
        out[language] = table
    return out


def _cell(value: float) -> str:
    return "–" if value != value else f"{value:.2f}"  # NaN: no such line or no such answer


def doc_type_figures(cases: list[Case]) -> dict[str, dict[str, int]]:
    """language ('all' too) -> lines with a hand-labelled document type, and how many guess_doc_type gets."""
    out: dict[str, dict[str, int]] = {}
    for case in cases:
        if case.expected_doc_type is None:
            continue
        language = None if case.language == "?" else case.language
        # As `tracker classify` does: the source's metadata names the type first, then the words.
        hint = case.doc_type if case.doc_type in {d.value for d in DocType} else None
        meta = SourceMeta(doc_type="" if hint or case.doc_type is None else case.doc_type, **case.meta)
        named = meta_kind(meta, case.title)
        guessed = hint or (named.doc_type.value if named and named.doc_type else None)
        guessed = guessed or guess_doc_type(case.title, case.summary, language=language).value
        right = guessed == case.expected_doc_type
        for key in ("all", case.language):
            row = out.setdefault(key, {"n": 0, "right": 0})
            row["n"] += 1
            row["right"] += right
    return out


def render(
    now: dict, before: dict | None, misses: list[tuple[Case, str]], doc_types: dict | None = None
) -> str:
    lines = [
        "# Relevance: precision and recall per label and language",
        "",
        "Written by `bench/relevance_report.py` (run it after any change to the relevance terms); checked by",
        "tests/test_relevance_report.py, which asserts the floors. Lines: tests/fixtures/relevance/",
        "labelled.jsonl, kinds.jsonl, languages.jsonl, the recorded Federal Register and FTC responses with",
        "their metadata.",
        "`before` = the classifier before issue 20 (words only, no metadata), on the same lines and labels;",
        "for fr, it, nl, de and ja: before issue 19's vocabulary for those languages (languages.jsonl, the",
        "titles of their data-protection authorities and governments), on the same lines.",
        "",
    ]
    for language, table in now.items():
        acc = table["accuracy"]
        head = f"## {language} ({acc['n']} lines, accuracy {acc['value']:.2f}"
        if before and language in before:
            head += f", before {before[language]['accuracy']['value']:.2f}"
        lines += [
            head + ")",
            "",
            "| label | support | precision | recall | precision before | recall before |",
            "|---|---|---|---|---|---|",
        ]
        for label in (*LABELS, "ai_related"):
            row = table[label]
            old = (before or {}).get(language, {}).get(label)
            lines.append(
                f"| {label} | {row['support']} | {_cell(row['precision'])} | {_cell(row['recall'])} | "
                f"{_cell(old['precision']) if old else '–'} | {_cell(old['recall']) if old else '–'} |"
            )
        lines.append("")
    lines += [
        "## Document type (guess_doc_type) on the lines with a hand-labelled type",
        "",
        "| language | lines | right |",
        "|---|---|---|",
        *(f"| {lang} | {row['n']} | {row['right']} |" for lang, row in sorted((doc_types or {}).items())),
        "",
        "## Lines still labelled wrongly",
        "",
        "| expected | got | language | title | origin |",
        "|---|---|---|---|---|",
    ]
    for case, got in misses:
        title = case.title[:90].replace("|", "/")
        lines.append(
            f"| {case.expected} | {got} | {case.language} | {title} | {case.origin[:70].replace('|', '/')} |"
        )
    return "\n".join(lines) + "\n"


def run(write: bool = True, baseline: bool = False) -> dict:
    classifier = RelevanceClassifier()
    pairs = [(case, predict(classifier, case)) for case in cases()]
    now = figures(pairs)
    if baseline:
        BASELINE.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    before = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else None
    shown = dict(before or {})
    if LANGUAGES_BEFORE.exists():
        shown.update(json.loads(LANGUAGES_BEFORE.read_text(encoding="utf-8")))
    misses = [(c, p) for c, p in pairs if c.expected != p]
    if write:
        REPORT.write_text(render(now, shown, misses, doc_type_figures(cases())), encoding="utf-8")
    return {"now": now, "before": before, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="store these figures as the baseline")
    args = parser.parse_args()
    result = run(baseline=args.baseline)
    print(REPORT.read_text(encoding="utf-8"))
    print(f"{len(result['misses'])} lines labelled wrongly")


if __name__ == "__main__":
    main()
