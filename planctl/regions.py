"""The region table (dictionaries/regions.tsv), the central organs (dictionaries/central.tsv),
the topic table (dictionaries/topics.tsv) and the departments' names (dictionaries/departments.tsv).

Example::

    >>> region_table().find_in("武威市“十四五”就业促进规划").pinyin
    'wuwei'
    >>> region_table().get("甘肃").level
    'province'
    >>> [o.pinyin for o in central_organs("中共中央 国务院关于实施乡村振兴战略的意见")]
    ['zhonggongzhongyang', 'guowuyuan']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from planctl.paths import dictionaries_dir


@dataclass(frozen=True)
class Region:
    """One administrative division."""

    name: str
    """Full name: ``甘肃省``, ``临夏回族自治州``."""
    short: str
    """Name without its suffix: ``甘肃``, ``临夏``."""
    pinyin: str
    """Pinyin of the short name, no tones or spaces: ``gansu``."""
    level: str
    """``province``, ``city`` (prefecture level) or ``county``."""
    parent: str
    """Full name of the parent division, empty for provinces."""
    abbr: str
    """Province 简称 used in 文号 (``甘``); empty below province level."""
    adcode: str
    """Six-digit administrative code."""


class RegionTable:
    """Lookup by name, short name, pinyin; search inside a title."""

    def __init__(self, regions: list[Region]) -> None:
        self.regions = regions
        self.by_name = {r.name: r for r in regions}
        self._by_alias: dict[str, list[Region]] = {}
        for r in regions:
            for key in {r.name, r.short, r.pinyin}:
                self._by_alias.setdefault(key.lower(), []).append(r)
        self.by_abbr = {r.abbr: r for r in regions if r.abbr}

    @cached_property
    def _search_re(self) -> re.Pattern[str]:
        """Full names of all levels; short names only above county level (county short names such
        as 城关, 新区 are too common as words). Compiled on first use: 3,500 alternatives take a
        fifth of a second, which a diff read from the cache does not need."""
        names = {r.name for r in self.regions}
        names |= {r.short for r in self.regions if r.level != "county" and len(r.short) >= 2}
        return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))

    def lookup(self, alias: str) -> list[Region]:
        """All regions an alias may mean, higher levels first (``yichun`` → 伊春市, 宜春市 …)."""
        order = {"province": 0, "city": 1, "county": 2}
        return sorted(self._by_alias.get(alias.strip().lower(), []), key=lambda r: (order[r.level], r.adcode))

    def get(self, alias: str) -> Region | None:
        """The single highest-level region for ``alias``, or None."""
        found = self.lookup(alias)
        return found[0] if found else None

    def find_in(self, text: str) -> Region | None:
        """The first region named in ``text`` (leftmost, longest name), preferring higher levels."""
        m = self._search_re.search(text)
        if not m:
            return None
        word = m.group(0)
        exact = self.by_name.get(word)
        return exact or self.get(word)

    def with_descendants(self, region: Region) -> list[str]:
        """``region``'s full name and those of every division under it (甘肃省 → 武威市, 凉州区 …)."""
        names = [region.name]
        frontier = {region.name}
        while frontier:
            below = [r.name for r in self.regions if r.parent in frontier]
            names.extend(below)
            frontier = set(below)
        return names

    def from_doc_number(self, doc_number: str) -> Region | None:
        """``甘政办发〔2021〕92号`` → 甘肃省 (by the province 简称 that opens it)."""
        return self.by_abbr.get(doc_number[:1]) if doc_number else None


def _read_tsv(path: Path) -> list[list[str]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            rows.append(line.rstrip("\n").split("\t"))
    return rows


@lru_cache(maxsize=1)
def region_table() -> RegionTable:
    """The shipped region table, loaded once."""
    rows = _read_tsv(dictionaries_dir() / "regions.tsv")
    return RegionTable([Region(*(row + [""] * (7 - len(row)))[:7]) for row in rows])


@lru_cache(maxsize=1)
def topic_table() -> list[tuple[str, str]]:
    """(keyword, slug) pairs in priority order."""
    return [(row[0], row[1]) for row in _read_tsv(dictionaries_dir() / "topics.tsv") if len(row) >= 2]


# Words that contain topic keywords without being about them: 人民政府 holds 民政.
_ORGAN_WORDS_RE = re.compile(r"人民政府|政府办公厅|政府办公室")


def find_topic(text: str) -> str:
    """The topic slug of a title, or empty: ``甘肃省“十四五”就业促进规划`` → ``employment``."""
    text = _ORGAN_WORDS_RE.sub("|", text)
    for keyword, slug in topic_table():
        if keyword in text:
            return slug
    return ""


@dataclass(frozen=True)
class Organ:
    """A central Party or State organ (国务院, 财政部 …)."""

    name: str
    pinyin: str


@lru_cache(maxsize=1)
def _organs() -> tuple[dict[str, Organ], re.Pattern[str]]:
    """The organs by name, and a pattern finding their names (longest first)."""
    organs = {row[0]: Organ(row[0], row[1]) for row in _read_tsv(dictionaries_dir() / "central.tsv") if len(row) >= 2}
    names = sorted(organs, key=len, reverse=True)
    return organs, re.compile("|".join(map(re.escape, names)) or "$^")


def central_organs(text: str) -> list[Organ]:
    """The central organs ``text`` names, in order (longest names first where they overlap)."""
    by_name, pattern = _organs()
    return list(dict.fromkeys(by_name[m.group(0)] for m in pattern.finditer(text)))


def central_organ(text: str) -> bool:
    """Whether ``text`` names a central organ, or the centre itself (``中央一号文件``, ``党中央``)."""
    return bool(central_organs(text)) or "中央" in text


@dataclass(frozen=True)
class DepartmentTable:
    """Government departments by every name people write (dictionaries/departments.tsv): a name
    is known by its ending, so ``省人社厅`` is 人社厅 with the prefix 省."""

    families: tuple[tuple[str, ...], ...]
    """Each department's names: full form first, then the other levels' forms and abbreviations."""

    @cached_property
    def _endings(self) -> list[tuple[str, int]]:
        """Every name with its department, longest first (人力资源社会保障局 before 保障局)."""
        return sorted(((name, k) for k, names in enumerate(self.families) for name in names),
                      key=lambda e: -len(e[0]))

    def split(self, name: str) -> tuple[str, tuple[str, ...]] | None:
        """``name`` as (prefix, the names of its department), or None for a name not in the table:
        ``省人社厅`` → ``("省", ("人力资源和社会保障厅", …, "人社厅", …))``."""
        name = name.strip()
        for ending, k in self._endings:
            if name.endswith(ending):
                return name[: len(name) - len(ending)], self.families[k]
        return None

    def aliases(self, name: str) -> list[str]:
        """``name`` and every other name of its department, each with ``name``'s prefix
        (``人社厅`` → 人社厅, 人力资源和社会保障厅, 人社局 …); just ``name`` when unknown."""
        found = self.split(name)
        if found is None:
            return [name]
        prefix, names = found
        return list(dict.fromkeys([name, *(prefix + n for n in names)]))


@lru_cache(maxsize=1)
def department_table() -> DepartmentTable:
    """The shipped table of department names and abbreviations, loaded once.

    >>> department_table().aliases("人社厅")[:3]
    ['人社厅', '人力资源和社会保障厅', '人力资源社会保障厅']
    >>> department_table().split("武威市住建局")[0]
    '武威市'
    """
    rows = _read_tsv(dictionaries_dir() / "departments.tsv")
    return DepartmentTable(tuple(tuple(c.strip() for c in row if c.strip()) for row in rows if row and row[0].strip()))
