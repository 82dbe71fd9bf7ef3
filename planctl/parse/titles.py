"""Document titles: what kind of document a title names, whether a line is a title, what a cover
notice announces, and who a title says issued it.

A title is recognised by what it is (GB/T 9704 §7.3.3: 发文机关 + 关于 + 事由 + 文种), not by how it
is set: ``…关于…的通知/意见/决定``, ``…印发《…》的通知``, a plan or scheme naming its place, period or
year, or the 《》 name a cover notice in the same file announced.

Example::

    >>> title_kind("安徽省工业互联网创新发展行动计划（2021-2023年）"), title_kind("阿坝州政务数据资源管理暂行办法")
    ('scheme', 'measures')
    >>> announced_names("关于印发支持工业互联网发展若干政策和安徽省工业互联网创新发展行动计划（2021-2023年）的通知")
    ['支持工业互联网发展若干政策', '安徽省工业互联网创新发展行动计划（2021-2023年）']
    >>> issuer_of_title("海南省农业农村厅 海南省财政厅关于印发2024-2026年海南省农机购置与应用补贴实施方案的通知")
    '海南省农业农村厅 海南省财政厅'
"""

from __future__ import annotations

import re

from planctl.cjk import words_only

# Document kinds (Document.kind): the 文种 a title ends with, longest first.
KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("规划纲要", "plan"), ("规划", "plan"), ("纲要", "plan"),
    ("行动计划", "scheme"), ("实施计划", "scheme"), ("工作计划", "scheme"), ("方案", "scheme"),
    ("指导意见", "opinion"), ("实施意见", "opinion"), ("意见", "opinion"), ("建议", "opinion"),
    ("实施细则", "measures"), ("细则", "measures"), ("办法", "measures"), ("规定", "measures"), ("条例", "measures"),
    ("规则", "measures"), ("若干政策", "measures"), ("若干措施", "measures"), ("政策措施", "measures"),
    ("措施", "measures"), ("计划", "plan"),
    ("通知", "notice"), ("通报", "notice"), ("公告", "notice"), ("通告", "notice"), ("批复", "notice"),
    ("函", "notice"),
    ("决定", "decision"), ("决议", "decision"), ("修正案", "law"),
)
KINDS = ("plan", "scheme", "opinion", "measures", "notice", "decision", "law", "document")
# A law is named by 法 (中华人民共和国湿地保护法, 民法典), never with a comma in its name; a verb's 法
# (方法, 做法, 依法, 执法, 违法 …) names no law
_LAW_RE = re.compile(r"^[^，,、；;]+(?<![方做用算写语看说想依执立司违合守非普效无手])法典?$")
# "（2021-2023年）", "（试行）", "(暂行)", "（征求意见稿）", "（2021—2025年）" after the 文种
_TRAILING_PAREN_RE = re.compile(r"[（(〔][^（）()〔〕]{1,16}[）)〕]$")
# 《A》, 《A〈B〉C》 (nested names use 〈〉)
_BOOK_TITLE_RE = re.compile(r"《([^《》]{2,80})》")
# "…印发…的通知", "…转发…的通知": a notice that issues or relays documents
_ISSUING_RE = re.compile(r"(?:印发|转发|下发|发布|颁布)(.+?)的(?:通知|决定)$")
# The organs before 关于/印发 in a title: "甘肃省人民政府办公厅关于…", "中共中央 国务院关于…"
_ISSUER_PREFIX_RE = re.compile(r"^(.{2,60}?)(?:关于|印发|转发)")
_ORG_END_RE = re.compile(
    r"(?:办公厅|办公室|人民政府|政府|委员会|领导小组|管委会|厅|局|委|部|院|署|行|中心|中央|国务院|小组)$"
)
_SENTENCE_RE = re.compile(r"[。；;！？!?]")
# "Title: …", "标题：…", "- **Title**: …": a labelled value or a list entry, not a title line
_LABEL_RE = re.compile(r"[:：]|^[-*•]")
_JOINERS = re.compile(r"和|及|、|与")


def title_kind(title: str) -> str | None:
    """The document kind a title names by its 文种, or None."""
    t = title.strip()
    while _TRAILING_PAREN_RE.search(t):
        t = _TRAILING_PAREN_RE.sub("", t).rstrip()
    t = t.rstrip("》 ")
    for word, kind in KIND_WORDS:
        if t.endswith(word):
            return kind
    return "law" if _LAW_RE.search(t) else None


def looks_like_title(text: str, max_chars: int) -> bool:
    """The shape of a title line: not too long, no sentence punctuation or label (``标题：``),
    a 文种 at the end."""
    return (
        1 < len(text) <= max_chars
        and not _SENTENCE_RE.search(text)
        and not _LABEL_RE.search(text)
        and "\t" not in text
        and title_kind(text) is not None
    )


def is_formal_title(text: str) -> bool:
    """``…关于…的X`` or ``…印发《…》的通知``: a title by its grammar alone."""
    return "关于" in text or bool(_ISSUING_RE.search(text))


def announced_names(title: str, body: str = "") -> list[str]:
    """The documents a cover notice issues or relays: the 《》 names in its title or body, else
    the 事由 of ``印发A和B的通知`` split where each part names a document kind."""
    names = [m.group(1) for m in _BOOK_TITLE_RE.finditer(f"{title}\n{body}") if title_kind(m.group(1))]
    if names:
        return list(dict.fromkeys(names))
    m = _ISSUING_RE.search(title)
    if not m:
        return []
    subject = m.group(1)
    parts = [p for p in _JOINERS.split(subject) if p]
    # "印发A和B的通知" names two documents only when each part is a document ("建设和管理办法" is one)
    if len(parts) > 1 and all(title_kind(p) for p in parts):
        return parts
    return [subject] if title_kind(subject) else []


def name_key(text: str) -> str:
    """What two spellings of one title share: its words without punctuation (``(2021—2023年)`` ≡
    ``（2021-2023年）``)."""
    return words_only(text)


def issuer_of_title(title: str) -> str:
    """The issuing organs named before ``关于``/``印发`` (spacing between joint issuers kept), or ''."""
    m = _ISSUER_PREFIX_RE.match(title.strip())
    if not m:
        return ""
    prefix = " ".join(m.group(1).split())
    return prefix if _ORG_END_RE.search(prefix) else ""


_CORE_HEAD_RE = re.compile(r"^.*?(?:关于|印发|转发)(?:印发|转发)?")
_CORE_TAIL_RE = re.compile(r"的(?:通知|决定|意见|建议|批复|函|通报|公告|通告)$")


def title_core(title: str) -> str:
    """What a title is about: without the issuer, 关于/印发 and the notice's own 文种.

        >>> title_core("包头市人民政府办公室关于印发《包头市2022年数字政府建设考评办法》的通知")
        '《包头市2022年数字政府建设考评办法》'
    """
    return _CORE_TAIL_RE.sub("", _CORE_HEAD_RE.sub("", title, count=1)) or title


# What a slug leaves out: places, years, periods, brackets, the 文种 and stock words.
_SLUG_DROP_RE = re.compile(
    r"[（(〔][^）)〕]*[）)〕]|\d+年?|[〇零一二三四五六七八九十]{2,}年|“?十[一二三四五六七八九]五”?|"
    r"^中华人民共和国|法典?$|关于|印发|进一步|加快|推进|推动|实施|加强|做好|全面|若干|有关|工作|暂行|试行|"
    r"(?:规划纲要|规划|纲要|行动计划|实施方案|方案|指导意见|实施意见|意见|建议|办法|细则|规定|条例|通知|决定|计划)$"
)


def topic_slug(core: str, words: int = 3) -> str:
    """A topic for a title no topic keyword names: the pinyin of its first words.

        >>> topic_slug("2026年中央一号文件")
        'zhongyang-yihao-wenjian'
    """
    from planctl.regions import region_table

    text = core
    region = region_table().find_in(text)
    while region is not None:
        text = text.replace(region.name, "").replace(region.short, "")
        region = region_table().find_in(text)
    han = "".join(re.findall(r"[\u4e00-\u9fff]", _SLUG_DROP_RE.sub("", _SLUG_DROP_RE.sub("", text))))
    if not han:
        return ""
    from pypinyin import lazy_pinyin  # only for titles no topic keyword names

    syllables = lazy_pinyin(han[: 2 * words])
    return "-".join("".join(syllables[k : k + 2]) for k in range(0, len(syllables), 2))


_ORGAN_END = "办公厅|办公室|人民政府|委员会|领导小组|政府|厅|局|委|部|院|署|中央|国务院"
_ORGAN_END_RE = re.compile(_ORGAN_END)


def spaced_organs(issuer: str) -> str:
    """Joint issuers whose spacing a PDF squeezed away, spaced again where one organ's name ends
    and a place or a central organ begins.

        >>> spaced_organs("海南省农业农村厅海南省财政厅"), spaced_organs("中共中央国务院")
        ('海南省农业农村厅 海南省财政厅', '中共中央 国务院')
    """
    if " " in issuer:
        return issuer
    from planctl.regions import central_organs, region_table

    cuts = []
    for m in _ORGAN_END_RE.finditer(issuer):
        rest = issuer[m.end():]
        if not rest:
            continue
        region = region_table().find_in(rest)
        starts_region = region is not None and (rest.startswith(region.name) or rest.startswith(region.short))
        organs = central_organs(rest)
        if starts_region or (organs and rest.startswith(organs[0].name)):
            cuts.append(m.end())
    out, prev = [], 0
    for cut in cuts:
        out.append(issuer[prev:cut])
        prev = cut
    out.append(issuer[prev:])
    return " ".join(part for part in out if part)
