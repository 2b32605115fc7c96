"""A fortnight of changes as the sources store them, for the digest tests.

The rows follow tracker.store.apply: a document change carries the diff headline ("Article 5 changed, Article
112a added") and a summary of "<label> <op>: <text>" lines; list items carry the feed's own title and
description. Texts are the regulators' own where a sample has them (the AI Act's Article 5 from the
EUR-Lex sample, the UN Secretary-General's message from the UN excerpt, the CAC notice's opening);
the amendment itself (Article 112a) and the Korean decree notice are made up for the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from tests.paths import SAMPLES
from tracker.store.db import make_engine, transaction
from tracker.store.models import Change

AI_ACT_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:32024R1689"
ARTICLE_5 = (
    "1. The following AI practices shall be prohibited: (a) the placing on the market, the putting into "
    "service or the use of an AI system that deploys subliminal techniques beyond a person’s consciousness."
)
CAC_TITLE = "人工智能生成合成内容标识办法（征求意见稿）"
CAC_FIRST = (
    "为了促进人工智能健康发展，规范人工智能生成合成内容标识，保护公民、法人和其他组织合法权益，维护社会公共利益，"
    "国家互联网信息办公室起草了《人工智能生成合成内容标识办法（征求意见稿）》，现向社会公开征求意见。"
)
CAC_SECOND = "公众可通过以下途径和方式提出反馈意见："
KR_TITLE = "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법 시행령 제정안 입법예고"
KR_FIRST = "과학기술정보통신부는 인공지능 기본법 시행령 제정안을 입법예고한다고 밝혔다."
UN_EXCERPT = SAMPLES / "un" / "text-excerpts" / "press.un.org_en_2024_sgsm22368.doc.htm.excerpt.txt"
HOSTILE = "<script>alert(1)</script> *bold* [click](javascript:alert(1)) <!channel> &lt;b&gt; AI rules"


def change(now: datetime, days_ago: float, **values: Any) -> Change:
    defaults: dict[str, Any] = {
        "kind": "new_item",
        "language": "en",
        "doc_type": "news",
        "relevance": "ai_other",
        "summary": "",
        "headline": "",
    }
    defaults.update(values)
    defaults.setdefault("document_key", f"{defaults['endpoint_key']}#{defaults.get('stable_id', '')}")
    return Change(detected_at=now - timedelta(days=days_ago), **defaults)


def fortnight(now: datetime) -> list[Change]:
    """What two weeks of checks produced, plus rows the digest must leave out."""
    un_text = UN_EXCERPT.read_text(encoding="utf-8")
    return [
        # EU: the AI Act changed twice in the period -> one entry naming both articles.
        change(
            now, 9, endpoint_key="eu_eurlex/ai_act", source_id="eu_eurlex", kind="document_changed",
            document_key="eu_eurlex/ai_act", title="Regulation (EU) 2024/1689 (Artificial Intelligence Act)",
            url=AI_ACT_URL, jurisdiction="EU", regulator="EUR-Lex", doc_type="law", relevance="ai_rule",
            headline="Article 5 changed", summary=f"Article 5 changed: {ARTICLE_5}", added=0, changed=1,
        ),
        change(
            now, 2, endpoint_key="eu_eurlex/ai_act", source_id="eu_eurlex", kind="document_changed",
            document_key="eu_eurlex/ai_act", title="Regulation (EU) 2024/1689 (Artificial Intelligence Act)",
            url=AI_ACT_URL, jurisdiction="EU", regulator="EUR-Lex", doc_type="law", relevance="ai_rule",
            headline="Article 5 changed, Article 112a added",
            summary=f"Article 5 changed: {ARTICLE_5}\nArticle 112a added: The Commission shall evaluate "
            "the list of prohibited practices every two years.",
            added=1, changed=1,
        ),
        # US: a rule (oldest), an enforcement action, guidance (newest) -> rule, enforcement, guidance.
        change(
            now, 11, endpoint_key="us_fedreg/documents", source_id="us_fedreg", stable_id="2026-21001",
            title="Safeguards for Automated Decision Systems; Proposed Rule",
            url="https://www.federalregister.gov/documents/2026/11/17/2026-21001/safeguards",
            jurisdiction="US", regulator="Federal Register", doc_type="proposal", relevance="ai_rule",
            summary="The agency proposes requirements for automated decision systems. Comments are due in "
            "60 days.",
        ),
        change(
            now, 5, endpoint_key="us_ftc/press", source_id="us_ftc", stable_id="ftc-ai-comply",
            title="FTC Announces Crackdown on Deceptive AI Claims and Schemes",
            url="https://www.ftc.gov/news-events/news/press-releases/2024/09/"
            "ftc-announces-crackdown-deceptive-ai-claims-schemes",
            jurisdiction="US", regulator="Federal Trade Commission", doc_type="enforcement",
            relevance="ai_enforcement",
            summary="The Federal Trade Commission is taking action against multiple companies that have "
            "relied on artificial intelligence as a way to supercharge deceptive or unfair conduct that "
            "harms consumers. The cases are part of Operation AI Comply.",
            published_at=now - timedelta(days=6),
        ),
        change(
            now, 1, endpoint_key="us_ftc/press", source_id="us_ftc", stable_id="ftc-ai-guidance",
            title="Keep your AI claims in check", url="https://www.ftc.gov/business-guidance/blog/ai-claims",
            jurisdiction="US", regulator="Federal Trade Commission", doc_type="guidance",
            relevance="ai_other", summary="Marketers should not overstate what an AI product can do.",
        ),
        change(
            now, 4, endpoint_key="cn_cac/notices", source_id="cn_cac",
            stable_id="2024-09/14/c_1728000676244628",
            title=CAC_TITLE, url="https://www.cac.gov.cn/2024-09/14/c_1728000676244628.htm",
            jurisdiction="CN", regulator="国家互联网信息办公室", language="zh", doc_type="consultation",
            relevance="ai_rule", summary=CAC_FIRST + CAC_SECOND,
        ),
        change(
            now, 6, endpoint_key="un_press/sgsm", source_id="un_press", stable_id="SG/SM/22368",
            title="Secretary-General welcomes the final report of the High-level Advisory Body on AI",
            url="https://press.un.org/en/2024/sgsm22368.doc.htm", jurisdiction="UN",
            regulator="UN Secretary-General", doc_type="report", relevance="ai_other", summary=un_text,
        ),
        change(
            now, 3, endpoint_key="kr_msit/press", source_id="kr_msit", stable_id="msit-2026-1120",
            title=KR_TITLE, url="https://www.msit.go.kr/bbs/view.do?nttSeqNo=3185000",
            jurisdiction="KR", regulator="과학기술정보통신부", language="ko", doc_type="proposal",
            relevance="ai_rule",
            summary=KR_FIRST + " 이번 제정안은 고영향 인공지능의 판단 기준 등을 담았다.",
        ),
        change(
            now, 7, endpoint_key="uk_ico/news", source_id="uk_ico", stable_id="ico-ai-guidance",
            title="Guidance on AI and data protection updated", url="https://ico.org.uk/ai-guidance",
            jurisdiction="UK", regulator="Information Commissioner's Office", doc_type="guidance",
            relevance="ai_other", summary="We have updated our guidance on AI and data protection.",
        ),
        # Left out: not about AI, outside the period, a removal.
        change(
            now, 2, endpoint_key="us_ftc/press", source_id="us_ftc", stable_id="ftc-caremark",
            title="FTC Secures Major Settlement with Caremark, Resolving Antitrust Case",
            url="https://www.ftc.gov/news-events/news/press-releases/caremark", jurisdiction="US",
            regulator="Federal Trade Commission", doc_type="enforcement", relevance="not_ai",
        ),
        change(
            now, 20, endpoint_key="eu_commission/press", source_id="eu_commission", stable_id="IP_26_0001",
            title="Commission publishes guidelines on the definition of an AI system",
            url="https://ec.europa.eu/commission/presscorner/detail/en/ip_26_0001", jurisdiction="EU",
            regulator="European Commission", doc_type="guidance", relevance="ai_rule",
        ),
        change(
            now, 3, endpoint_key="eu_commission/press", source_id="eu_commission", stable_id="IP_26_0002",
            kind="removed_item", title="Withdrawn AI notice",
            url="https://ec.europa.eu/commission/presscorner/detail/en/ip_26_0002", jurisdiction="EU",
            regulator="European Commission", doc_type="news", relevance="ai_other",
        ),
    ]  # fmt: skip


LEFT_OUT = (
    "FTC Secures Major Settlement with Caremark",
    "Commission publishes guidelines on the definition of an AI system",
    "Withdrawn AI notice",
)


def seed(engine: Engine, changes: list[Change]) -> None:
    with transaction(engine) as session:
        session.add_all(changes)


def seeded_engine(db_url: str, now: datetime) -> Engine:
    engine = make_engine(db_url)
    seed(engine, fortnight(now))
    return engine


def many_changes(now: datetime, count: int) -> list[Change]:
    """`count` relevant items with long texts, spread over the jurisdictions (for Slack's limits)."""
    jurisdictions = ["EU", "US", "CN", "UN", "KR", "JP"]
    return [
        change(
            now, 1 + i % 12, endpoint_key=f"src{i % 6}/list", source_id=f"src{i % 6}", stable_id=f"item-{i}",
            title=f"AI item {i}: " + "a very long title about artificial intelligence rules " * 6,
            url=f"https://regulator{i % 6}.example/items/{i}?a=1&b=2", jurisdiction=jurisdictions[i % 6],
            regulator="Regulator", doc_type="guidance", relevance="ai_rule",
            summary="An unusually long first sentence about AI " * 40 + ". Second sentence.",
        )
        for i in range(count)
    ]  # fmt: skip


def write_config(tmp_path: Path, db_url: str, **digest: str | bool) -> Path:
    lines = [f'[tracker]\ndatabase = "{db_url}"', "[digest]"]
    for key, value in digest.items():
        lines.append(f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value)}")
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_tracker(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "DIGEST_"))
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=environment,
    )
