"""A CAC-style list page in GB2312 that declares no charset (issue 14.3), built in the test.

Reconstructed, not recorded: the structure follows the real column page kept in
tests/fixtures/recorded/cac/trimmed/list.html (`#loadingInfoPage > li > h5 > a[title]`, `.times`, ids
`YYYY-MM/DD/c_NNN.htm`), with the <meta charset> removed, short made-up titles and a head of script and
stylesheet links. Short titles in much ASCII markup are what leaves charset detection unsure: with
charset-normalizer 3.5 this page is guessed GB18030 with 20 items and a Cyrillic code page with 21.
"""

from __future__ import annotations

TITLES = (
    "网络安全", "算法备案", "生成式人", "深度合成", "未成年人", "网络暴力", "政务应用", "标准征求",
    "委员会换", "清朗系列", "移动应用", "互联网新", "信息服务", "网站平台", "直播营销", "账号信息",
    "跟帖评论", "弹窗推送", "区块链备", "网信办部", "数据出境", "个人信息",
)  # fmt: skip
_HEAD_LINKS = '<script src="/js/jquery.min.js"></script><link rel="stylesheet" href="/css/style.css">' * 5
_ROW = (
    '<li><h5><a href="/2026-09/{day:02d}/c_179148{n:05d}.htm" title="{title}">{title}</a></h5>'
    '<div class="times">2026-09-{day:02d}</div></li>\n'
)


def cac_list_titles(count: int) -> list[str]:
    return [TITLES[n % len(TITLES)] for n in range(count)]


def cac_list_page(count: int) -> str:
    """The page with its `count` newest items, as text (encode it to serve it)."""
    rows = "".join(
        _ROW.format(n=n, day=n % 28 + 1, title=title) for n, title in enumerate(cac_list_titles(count))
    )
    return (
        f"<!DOCTYPE html><html><head><title>网信@你</title>{_HEAD_LINKS}</head><body>"
        f'<div class="main"><ul id="loadingInfoPage" class="default">{rows}</ul></div></body></html>'
    )
