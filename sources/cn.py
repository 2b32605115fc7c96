"""China: Cyberspace Administration of China (CAC, 国家互联网信息办公室).

Endpoints and formats: docs/sources.md, section China. Column pages show only their first 20 rows
statically, so lists come from the JsonList API; the 网信@你 consultation column is read as a page.
New items are completed from their detail page: a consultation such as the minors' online-safety draft
names AI only in its body (article 5), so details are fetched for every new item, not only for titles
that already look relevant.
"""

from __future__ import annotations

from tracker.specs import DetailSpec, EndpointSpec, HtmlListParser, JsonListParser, SourceSpec

CAC = "https://www.cac.gov.cn"
ZONE = "Asia/Shanghai"  # pubtime "2026-09-18 17:00:00" carries no offset

DETAIL = DetailSpec(
    title="h1.title",
    date="#pubtime",  # "2026年09月18日 17:00"
    date_format="%Y年%m月%d日 %H:%M",
    body=".main-content #BodyLabel, .TRS_Editor",  # current template, then the older one
    attachments='a[href*="downloadfile.jsp"]',
    only_relevant=False,
)

# channelCode -> (endpoint id, column page the browser would be on, for the Referer)
CHANNELS = {
    "A093702": ("wxfb", "wxzw/wxfb"),  # 网信发布
    # 政策法规 by sub-channel: each lists its own documents. [verify live] whether the parent A093703
    # also answers them all; watching the parent as well would announce every document twice.
    "A09370301": ("zcfg_laws", "wxzw/zcfg"),  # 法律
    "A09370302": ("zcfg_admin_regulations", "wxzw/zcfg"),  # 行政法规
    "A09370303": ("zcfg_department_rules", "wxzw/zcfg"),  # 部门规章
    "A09370304": ("zcfg_judicial_interpretations", "wxzw/zcfg"),  # 司法解释
    "A09370305": ("zcfg_normative_documents", "wxzw/zcfg"),  # 规范性文件
    "A09370306": ("zcfg_policy_documents", "wxzw/zcfg"),  # 政策文件
}

JSON_LIST = JsonListParser(
    items_path="list",
    id_field="infourl",  # "//www.cac.gov.cn/2026-09/18/c_1791482017777471.htm"
    title_field="topic",
    url_field="infourl",
    date_field="pubtime",
    timezone=ZONE,
)


def _json_list(channel: str, endpoint_id: str, column: str) -> EndpointSpec:
    return EndpointSpec(
        id=endpoint_id,
        url=f"{CAC}/cms/JsonList",
        method="POST",
        form={"channelCode": channel, "perPage": "20", "pageno": "1"},
        headers={"Referer": f"{CAC}/{column}/{channel}index_1.htm", "X-Requested-With": "XMLHttpRequest"},
        parser=JSON_LIST,
        detail=DETAIL,
    )


cn_cac = SourceSpec(
    id="cn_cac",
    jurisdiction="CN",
    regulator="CAC",
    language="zh",
    homepage=CAC,
    endpoints=(
        *(_json_list(code, eid, column) for code, (eid, column) in CHANNELS.items()),
        # 网信@你: public consultations (征求意见), the earliest sign of a new rule.
        EndpointSpec(
            id="consultations",
            url=f"{CAC}/hdfw/wxan/A093802index_1.htm",
            parser=HtmlListParser(
                item="#loadingInfoPage > li",
                link="h5 > a",
                title_attr="title",  # the link text may be cut short; the attribute is whole
                date=".times",
                timezone=ZONE,
                id_pattern=r"(\d{4}-\d{2}/\d{2}/c_\d+)\.htm",
            ),
            detail=DETAIL,
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (cn_cac,)
