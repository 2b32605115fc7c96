"""The digest's look, once: inline `style` attributes in the e-mail, the same rules as classes on the web.

Mail clients (Gmail, Outlook) drop <style> blocks and external sheets, so the e-mail carries every rule
inline; the web view's Content-Security-Policy forbids inline styles, so there the elements get classes
and /static/digest.css is generated from this same table. Layout tables, no floats, no web fonts, no
shorthand that Outlook misreads.
"""

from __future__ import annotations

from markupsafe import Markup

FONT = (
    "-apple-system, 'Segoe UI', 'Apple SD Gothic Neo', 'Malgun Gothic', 'NanumGothic', 'Noto Sans KR', "
    "'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', Roboto, Helvetica, Arial, sans-serif"
)
INK, MUTED, RULE, ACCENT, PAPER = "#1f2937", "#6b7280", "#e5e7eb", "#1d4ed8", "#ffffff"

STYLES: dict[str, str] = {
    "page": "margin:0;padding:0;background-color:#f3f4f6;",
    "outer": "width:100%;background-color:#f3f4f6;",
    "outer-cell": "padding:24px 12px;",
    "card": f"width:100%;max-width:680px;background-color:{PAPER};border:1px solid {RULE};",
    "body": f"padding:28px 32px;font-family:{FONT};color:{INK};font-size:15px;line-height:1.6;",
    "kicker": f"margin:0 0 4px 0;font-size:12px;letter-spacing:0.06em;text-transform:uppercase;"
    f"color:{MUTED};",
    "h1": f"margin:0 0 12px 0;font-size:24px;line-height:1.3;font-weight:700;color:{INK};",
    "opening": f"margin:0 0 20px 0;font-size:15px;color:{INK};",
    "empty": f"margin:0;font-size:15px;color:{MUTED};",
    "glance": f"width:100%;border-collapse:collapse;margin:0 0 28px 0;font-size:14px;"
    f"border:1px solid {RULE};",
    "glance-caption": f"text-align:left;font-weight:700;font-size:13px;color:{MUTED};padding:0 0 6px 0;",
    "glance-th": f"text-align:right;padding:8px 10px;background-color:#f9fafb;border-bottom:1px solid {RULE};"
    f"font-weight:600;color:{MUTED};font-size:12px;",
    "glance-th-first": f"text-align:left;padding:8px 10px;background-color:#f9fafb;"
    f"border-bottom:1px solid {RULE};font-weight:600;color:{MUTED};font-size:12px;",
    "glance-name": f"text-align:left;padding:7px 10px;border-bottom:1px solid {RULE};",
    "glance-n": f"text-align:right;padding:7px 10px;border-bottom:1px solid {RULE};"
    "font-variant-numeric:tabular-nums;",
    "glance-zero": f"text-align:right;padding:7px 10px;border-bottom:1px solid {RULE};color:#c0c4cc;",
    "glance-total": "text-align:right;padding:7px 10px;font-weight:700;",
    "glance-total-name": "text-align:left;padding:7px 10px;font-weight:700;",
    "h2": f"margin:28px 0 4px 0;padding:0 0 6px 0;font-size:18px;line-height:1.3;font-weight:700;"
    f"color:{INK};border-bottom:2px solid {INK};",
    "entry": f"margin:0;padding:16px 0;border-bottom:1px solid {RULE};",
    "badge": f"display:inline-block;margin:0 0 6px 0;padding:1px 8px;font-size:11px;font-weight:700;"
    f"letter-spacing:0.04em;color:{PAPER};background-color:{ACCENT};border-radius:3px;",
    "badge-amended": f"display:inline-block;margin:0 0 6px 0;padding:1px 8px;font-size:11px;font-weight:700;"
    f"letter-spacing:0.04em;color:{PAPER};background-color:#b45309;border-radius:3px;",
    "h3": f"margin:0 0 4px 0;font-size:16px;line-height:1.4;font-weight:700;color:{INK};",
    "title-link": f"color:{INK};text-decoration:none;",
    "meta": f"margin:0 0 8px 0;font-size:13px;color:{MUTED};",
    "translation": f"margin:0 0 8px 0;font-size:14px;color:{INK};",
    "what-changed": f"margin:0 0 8px 0;font-size:14px;color:{INK};",
    "extract": f"margin:0 0 8px 0;padding:2px 0 2px 12px;border-left:3px solid {RULE};font-size:14px;"
    f"color:#374151;",
    "extract-p": "margin:0;",
    "summary": f"margin:0 0 8px 0;font-size:14px;color:{INK};",
    "links": "margin:0;font-size:14px;",
    "link": f"color:{ACCENT};text-decoration:underline;",
    "label": f"color:{MUTED};",
    "footer": f"padding:16px 32px 24px 32px;font-family:{FONT};font-size:12px;line-height:1.5;color:{MUTED};"
    f"border-top:1px solid {RULE};",
}


class Styler:
    """`s("h1")` in a template: ' style="…"' for e-mail (inline=True), ' class="d-h1"' for the web view.

    `extra` adds semantic classes ("entry", "source") that tests and readers may select by.
    """

    def __init__(self, inline: bool) -> None:
        self.inline = inline

    def __call__(self, name: str, extra: str = "") -> Markup:
        css = STYLES[name]  # a typo is an error, not an unstyled element
        if self.inline:
            cls = f' class="{extra}"' if extra else ""
            return Markup(f'{cls} style="{css}"')
        return Markup(f' class="{(extra + " ") if extra else ""}d-{name}"')


def stylesheet() -> str:
    """The web view's digest.css: the same rules as classes."""
    return "".join(f".d-{name}{{{css}}}\n" for name, css in STYLES.items())
