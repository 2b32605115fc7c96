"""Groups of built-in sources, so a team switches on a jurisdiction or a kind of regulator in one line.

Every built-in source belongs to two groups: its jurisdiction ("eu", "uk", "us", "cn", "un", "kr", "jp",
"int") and its kind ("legislation", "government", "dpa", "competition", "standards", "international").
The national data-protection authorities of EU member states (Ireland's DPC, Italy's Garante, the CNIL,
the Dutch AP) are EU sources: their jurisdiction is "EU", as their news reaches readers as EU news.

config.toml's `[groups]` sets a whole group on or off (`dpa = false`, `uk = true`); a source's own
`[sources.X] enabled` wins over any group; when two groups of one source disagree, off wins (a team that
writes `uk = true` and `dpa = false` does not want the ICO until it says `[sources.uk_ico] enabled = true`).
Sources of your own ([[custom_sources]]) belong to no group.
"""

from __future__ import annotations

from collections.abc import Mapping

from tracker.specs import SourceSpec

# What each built-in regulator is. Explicit, one line per source: a new source without a kind fails the
# declarations test, so `tracker sources` never shows a source outside every group.
KINDS: dict[str, str] = {
    # laws and legislative procedures
    "eu_eurlex": "legislation",
    "eu_ai_act": "legislation",
    "eu_parliament": "legislation",
    "us_federal_register": "legislation",
    "kr_law": "legislation",
    # governments, ministries and their AI offices
    "eu_presscorner": "government",
    "eu_ai_office": "government",
    "cn_cac": "government",
    "cn_miit": "government",
    "kr_msit": "government",
    "uk_dsit": "government",
    "uk_aisi": "government",
    "us_copyright_office": "government",
    "us_colorado_ag": "government",
    "jp_cao": "government",
    # data-protection authorities
    "eu_edpb": "dpa",
    "ie_dpc": "dpa",
    "it_garante": "dpa",
    "fr_cnil": "dpa",
    "nl_ap": "dpa",
    "uk_ico": "dpa",
    "us_cppa": "dpa",
    "jp_ppc": "dpa",
    "kr_pipc": "dpa",
    # competition and consumer protection
    "us_ftc": "competition",
    "uk_cma": "competition",
    # standards bodies
    "us_nist": "standards",
    "cn_tc260": "standards",
    # international organisations
    "un_news": "international",
    "un_press": "international",
    "un_ai_bodies": "international",
    "coe_ai": "international",
    "oecd_ai": "international",
}
KIND_NAMES: tuple[str, ...] = (
    "legislation",
    "government",
    "dpa",
    "competition",
    "standards",
    "international",
)


def jurisdiction_group(spec: SourceSpec) -> str:
    return spec.jurisdiction.strip().lower()


def groups_of(spec: SourceSpec) -> tuple[str, ...]:
    """(jurisdiction, kind) of a built-in source; () for a source of the user's own."""
    kind = KINDS.get(spec.id)
    if kind is None:
        return ()
    return (jurisdiction_group(spec), kind)


def known_groups() -> tuple[str, ...]:
    """Every group name config.toml may set: the built-in sources' jurisdictions, then the kinds."""
    from sources import builtin_sources

    jurisdictions = sorted({jurisdiction_group(s) for s in builtin_sources()})
    return (*jurisdictions, *KIND_NAMES)


def group_setting(groups: Mapping[str, bool], spec: SourceSpec) -> tuple[bool | None, str | None]:
    """What config.toml's [groups] says of this source, and which group says it: (None, None) when no group
    of the source is set; off wins over on."""
    said = [(name, groups[name]) for name in groups_of(spec) if name in groups]
    if not said:
        return None, None
    for name, value in said:
        if not value:
            return False, name
    return True, said[0][0]


def check_group_names(groups: Mapping[str, bool]) -> Mapping[str, bool]:
    """Refuse a group name no built-in source has (a typo would silently switch nothing)."""
    known = known_groups()
    unknown = sorted(set(groups) - set(known))
    if unknown:
        raise ValueError(
            f"unknown group {', '.join(repr(u) for u in unknown)}; groups are the jurisdictions "
            f"{', '.join(g for g in known if g not in KIND_NAMES)} and the kinds {', '.join(KIND_NAMES)}"
        )
    return groups
