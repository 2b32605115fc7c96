"""Link handling shared by the list extractors."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from tracker.extract.normalise import strip_tracking_query


def absolute_url(value: str, base_url: str) -> str:
    """Absolute URL; protocol-relative ones (CAC's "//www.cac.gov.cn/...") become https."""
    value = value.strip()
    if value.startswith("//"):
        return "https:" + value
    return urljoin(base_url, value)


def stable_id_for(url: str, id_pattern: str | None) -> str:
    """id_pattern's first group (or whole match) on the URL; else the URL without tracking parameters."""
    if id_pattern:
        m = re.search(id_pattern, url)
        if m is not None:
            return m.group(1) if m.groups() else m.group(0)
    return strip_tracking_query(url)


# The file types a link to a document ends in, whatever the site's file layout (attachments of a page,
# the document links a links endpoint counts beside the ones its pattern matches).
DOCUMENT_EXTENSIONS = r"pdf|docx?|xlsx?|odt|ods|odp|rtf|pptx?|zip|csv|txt|wps|ofd|epub"
