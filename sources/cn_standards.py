"""China beyond the CAC: TC260 (全国网络安全标准化技术委员会, national cybersecurity standards, which
include the mandatory AI-content labelling standard GB 45438-2025) and MIIT (工业和信息化部).

Endpoints, formats and the evidence for each: docs/sources-evidence.md, section China.
"""

from __future__ import annotations

from tracker.specs import EndpointSpec, Expectations, FeedParser, HtmlListParser, SourceSpec
from tracker.types import DocType

ZONE = "Asia/Shanghai"
TC260 = "https://www.tc260.org.cn"

cn_tc260 = SourceSpec(
    id="cn_tc260",
    jurisdiction="CN",
    regulator="TC260 (national cybersecurity standards)",
    language="zh",
    homepage=f"{TC260}/",
    endpoints=(
        # 标准征求意见: draft national standards open for comment, the earliest sign of a standard.
        # Since the 2025 portal, rows are <div class="item"><a onclick="jumpDetail('<id>','<deadline>')">
        # title</a><span>YYYY-MM-DD</span></div>: no href, so the link is built from the id.
        EndpointSpec(
            id="drafts_for_comment",
            url=f"{TC260}/portal/suggestion",
            parser=HtmlListParser(
                item="div.item",
                link="a",
                link_attr="onclick",
                id_pattern=r"(?:jumpDetail\('|suggestion-detail/)([0-9a-f]+)",
                link_template="/portal/suggestion-detail/{id}",
                date="span",
                timezone=ZONE,
            ),
            doc_type=DocType.CONSULTATION,
            expect=Expectations(min_items=3),
        ),
    ),
)

MIIT_RSS = (
    "https://www.miit.gov.cn/api-gateway/jpaas-plugins-web-server/front/rss/getinfo"
    "?webId=8d828e408d90447786ddbe128d495e9e&columnIds={}"
)

cn_miit = SourceSpec(
    id="cn_miit",
    jurisdiction="CN",
    regulator="MIIT",
    language="zh",
    homepage="https://www.miit.gov.cn/",
    endpoints=(
        # The site's RSS plugin, by column: 政策文件 (policy documents: notices, measures, guidelines such
        # as the AI safety-governance standards guide) and 征求意见 (drafts for comment). Most concern
        # industry at large: judged per item.
        EndpointSpec(
            id="policy_documents",
            url=MIIT_RSS.format("925fa8f4afd44e53818794ed96d9876e%2C30f92eeafcfd4685984dfb793a2c5fff"),
            parser=FeedParser(id_from="link"),
            expect=Expectations(min_items=3),
        ),
        EndpointSpec(
            id="consultations",
            url=MIIT_RSS.format("ff3aac0962cb45e48e8e4da69450e847"),
            parser=FeedParser(id_from="link"),
            doc_type=DocType.CONSULTATION,
            expect=Expectations(min_items=1),
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (cn_tc260, cn_miit)
