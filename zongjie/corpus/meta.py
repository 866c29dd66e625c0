"""Document metadata: title, the year reported on, period, type, issuing body.

The year is the year a document *reports on*: the year that 今年 means in
it. For a 2013 政府工作报告 that is 2013 (it reviews 2012 and sets 2013's
targets); for 2023年上半年工作总结 it is 2023. A masked year (xx年, XXXX年)
is recorded as masked and never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from zongjie.corpus.clean import article_title
from zongjie.corpus.document import Document, Meta

_CN_DIGIT = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}

_YEAR = re.compile(r"(?<![\d])((?:19|20)\d{2})\s*年(?!代)")
_CN_YEAR = re.compile(r"([一二三四五六七八九〇零○]{4})\s*年")
_MASKED_YEAR = re.compile(r"(?:(?<![A-Za-z])(?:[xX×*＊]{2,4}|20[xX×*＊]{2}|二〇[×xX*]{2}|[某]))\s*年(?:度)?(?!代)")
_TITLE_WORDS = re.compile(r"总结|计划|报告|打算|要点|汇报|讲话|思路|安排|规划|意见|决算|预算|年报|情况")
_SITE_SUFFIX = re.compile(r"(?:范文(?:大全)?|\d+字|[(（](?:[一二三四五六七八九十]+|\d+)篇[)）]|精选\d*篇?|\d+篇)$")

# what kind of document a title names; the first that matches wins, so a
# summary with a plan part (工作总结及下半年工作计划) stays a summary
_DOC_TYPES = [
    # the congress's resolution on a report (关于政府工作报告的决议) is none of them
    ("other", re.compile(r"的(?:决议|决定)$")),
    ("summary", re.compile(r"总结|年报|工作年度报告|年度报告|决算")),
    ("report", re.compile(r"工作报告|讲话|汇报|报告|致辞|发言")),
    ("plan", re.compile(r"计划|打算|要点|安排|思路|规划|方案|预算")),
]

_ORG = re.compile(
    r"(?:[\u4e00-\u9fa5]{0,8}?(?:省|市|区|县|旗|镇|乡|自治州|州|盟))?"
    r"(?:卫生健康委员会|卫生健康委|卫健委|卫生局|卫生厅|人民政府|政府|[\u4e00-\u9fa5]{1,6}(?:局|委员会|委|厅|办公室|中心|院|所|站))"
)
_CONGRESS = re.compile(r"在(?P<region>[\u4e00-\u9fa5]{2,10}?(?:省|市|自治区))第[一二三四五六七八九十]+届人民代表大会")
_NATIONAL = re.compile(r"在第[一二三四五六七八九十]+届全国人民代表大会")
_SPEECH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日在")
_SIGNED = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*\d{1,2}\s*日")
# the opening of a work report read without its title (the sentence-aligned CSVs):
# 现在，我代表国务院，向大会报告政府工作 / 我代表省人民政府，向大会作政府工作报告
_DELIVERS = re.compile(
    r"我代表(?P<org>国务院|中华人民共和国国务院|[\u4e00-\u9fa5]{0,10}?人民政府)[，,]?\s*向(?:大会|[\u4e00-\u9fa5]{0,20}会议)"
    r"(?:作|做|报告)(?:政府工作)"
)


# 第十二届全国人民代表大会第三次会议 met in 2015: each NPC's first session and year
_NPC_SESSION = re.compile(r"第(?P<term>[一二三四五六七八九十]+)届全国人民代表大会第(?P<session>[一二三四五六七八九十]+)次会议")
_NPC_FIRST_YEAR = {1: 1954, 2: 1959, 3: 1964, 4: 1975, 5: 1978, 6: 1983, 7: 1988, 8: 1993, 9: 1998,
                   10: 2003, 11: 2008, 12: 2013, 13: 2018, 14: 2023}


def _cn_small(text: str) -> int:
    """一 … 九十九 (the numbers of congresses and sessions)."""
    tens, _, ones = text.rpartition("十")
    if "十" not in text:
        return "一二三四五六七八九".index(text) + 1
    return ("一二三四五六七八九".index(tens) + 1 if tens else 1) * 10 + ("一二三四五六七八九".index(ones) + 1 if ones else 0)


def _npc_year(text: str) -> int | None:
    """The year of a national congress session named in ``text`` (第十二届…第三次会议 → 2015)."""
    m = _NPC_SESSION.search(text)
    if not m:
        return None
    first = _NPC_FIRST_YEAR.get(_cn_small(m.group("term")))
    return first + _cn_small(m.group("session")) - 1 if first else None


def _year_of(text: str) -> int | None:
    m = _YEAR.search(text)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(text)
    if m:
        return int("".join(_CN_DIGIT[c] for c in m.group(1)))
    return None


def find_title(doc: Document, hints: dict[str, Any] | None = None) -> str | None:
    """The document's title: given by the container, the article heading, or the first title-like line."""
    if hints and hints.get("title"):
        return _SITE_SUFFIX.sub("", str(hints["title"]).strip())
    if doc.article:
        return _SITE_SUFFIX.sub("", article_title(doc.article))
    for start, end, _kind, _level in doc.blocks[:6]:
        line = doc.text[start:end].strip()
        if 4 <= len(line) <= 60 and not line.endswith(("。", "；", ";")) and _TITLE_WORDS.search(line):
            return _SITE_SUFFIX.sub("", line)
    for start, end, _kind, _level in doc.blocks[:1]:
        line = doc.text[start:end].strip()
        if len(line) <= 40 and "。" not in line:
            return line
    return None


def find_year(title: str | None, doc: Document, hints: dict[str, Any] | None = None) -> tuple[int | None, bool]:
    """(year, masked): from the container, the title, or the body's own explicit years."""
    if hints and hints.get("year"):
        try:
            return int(str(hints["year"])[:4]), False
        except ValueError:
            pass
    if title:
        if _MASKED_YEAR.search(title) and not _YEAR.search(title):
            return None, True
        year = _year_of(title)
        if year:
            return year, False
    # the speech line of a report: ——2025年1月14日在…人民代表大会上
    head = doc.text[:400]
    m = _SPEECH_DATE.search(head)
    if m:
        return int(m.group(1)), False
    year = _npc_year(title or "") or _npc_year(head)
    if year:
        return year, False
    # a body that names one year again and again reports on it (今年 = 2011 where
    # 《关于印发2011年…工作要点的通知》 is this year's plan); a lone mention proves nothing
    years = Counter(int(y) for y in _YEAR.findall(doc.text))
    if years:
        year, count = years.most_common(1)[0]
        if count >= 2 and count >= 0.6 * sum(years.values()):
            return year, False
    # the date it was signed (白岩镇人民政府 / 2019年11月13日): the year a 汇报 speaks of, unless
    # it was signed in January or February, when a year's summary is written after the year
    tail = doc.text.rstrip().rsplit("\n", 1)[-1].strip()
    m = _SIGNED.fullmatch(tail)
    if m and int(m.group(2)) > 2:
        return int(m.group(1)), False
    return None, False


def _report_title(doc: Document, year: int | None) -> str | None:
    """A work report's title from its opening sentence, where the source kept no title line.

    The sentence-aligned CSVs of the national reports start at 现在，我代表国务院，向大会报告政府工作:
    that is the 国务院's 政府工作报告 of the year the file gives.
    """
    m = _DELIVERS.search(doc.text[:400])
    if not m:
        return None
    org = "国务院" if m.group("org").endswith("国务院") else m.group("org")
    return f"{year}年{org}政府工作报告" if year else f"{org}政府工作报告"


def find_period(title: str | None, doc: Document) -> str:
    text = title or doc.text[:80]
    if re.search(r"上半年|1[-—~至到]6月|一至六月", text):
        return "H1"
    if re.search(r"下半年(?:工作)?总结", text):
        return "H2"
    m = re.search(r"(?:第)?([一二三四1234])季度", text)
    if m and not re.search(r"前三季度", text):
        return "Q" + str("一二三四1234".index(m.group(1)) % 4 + 1)
    if re.search(r"阶段性|前三季度|\d{1,2}[-—~至到]\d{1,2}月|月份|月度|周|旬", text):
        return "other"
    return "FY"


_CN_MONTH = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"十一": 11}
_MONTH_SPAN = re.compile(r"(?:^|[^\d])(1|一)\s*[-—~至到]\s*(1[01]|[2-9]|十一|[二三四五六七八九十])\s*月")


def covered_months(title: str | None) -> str | None:
    """The months an ``other`` period covers, where its title says (前三季度 → ``M1-M9``,
    1—10月 → ``M1-M10``): what 截至目前 and 去年同期 resolve against."""
    text = title or ""
    if "前三季度" in text:
        return "M1-M9"
    m = _MONTH_SPAN.search(text)
    if m:
        last = m.group(2)
        return f"M1-M{int(last) if last.isdigit() else _CN_MONTH[last]}"
    return None


def find_doc_type(title: str | None, doc: Document) -> str:
    text = title or doc.text[:80]
    for name, rx in _DOC_TYPES:
        if rx.search(text):
            return name
    return "other"


def find_org(title: str | None, doc: Document) -> str | None:
    """The issuing body: from the title, lengthened by a fuller name in the body (市卫生局 → 潞城市卫生局)."""
    head = doc.text[:600]
    if _NATIONAL.search(head):
        return "国务院"
    m = _DELIVERS.search(head)
    if m and (not title or m.group("org").endswith("国务院")):
        return "国务院" if m.group("org").endswith("国务院") else m.group("org")
    m = _CONGRESS.search(head)
    if m:
        return m.group("region") + "人民政府"
    org = None
    if title and "国务院" in title:
        return "国务院"
    if title:
        bare = re.sub(r"(?:(?:19|20)\d{2}|[xX×*]{2,4})\s*年度?|[上下]半年|第?[一二三四]季度|全年|年度|某", " ", title)
        for piece in bare.split():
            m = _ORG.search(piece)
            if m:
                org = m.group(0)
                break
    if org in ("政府", "人民政府"):
        # 洪泽区人民政府 on its own line above 2023年政府信息公开工作年度报告: the body is named there
        m = re.search(r"[\u4e00-\u9fa5]{1,10}?(?:省|市|区|县|旗|镇|乡)人民政府", head)
        # (本报告由)淮安市洪泽区人民政府: the name starts after the last function word
        return re.sub(r"^.*[由在向对和与及经受全各本我该的了把将为是]", "", m.group(0)) if m else None
    if not org:
        return None
    core = org.lstrip("省市区县")
    fuller = Counter(
        m.group(0) for m in re.finditer(r"[\u4e00-\u9fa5]{1,6}" + re.escape(core), doc.text)
        if m.group(0).endswith(org) and len(m.group(0)) > len(org) and not re.match(r"[xX×*]", m.group(0))
    )
    # only a place name before the body's own name, not a verb phrase (我局 / 向区卫生局)
    for name, _n in fuller.most_common():
        prefix = name[: -len(org)]
        if re.fullmatch(r"[\u4e00-\u9fa5]{2,3}", prefix) and not re.search(r"[在向对和与及经由受全各本我该的了]", prefix):
            return name
    return org


def find_published(doc: Document, furniture_dates: list[str]) -> str | None:
    if furniture_dates:
        return furniture_dates[0]
    m = _SPEECH_DATE.search(doc.text[:400])
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def describe(doc: Document, hints: dict[str, Any] | None = None, furniture_dates: list[str] | None = None) -> Meta:
    """All of a document's metadata.

    >>> from zongjie.corpus.clean import clean_text
    >>> d = clean_text("2023年卫生局上半年工作总结\\n今年以来……")[0]
    >>> m = describe(d); (m.title, m.year, m.period, m.doc_type)
    ('2023年卫生局上半年工作总结', 2023, 'H1', 'summary')
    """
    title = find_title(doc, hints)
    year, masked = find_year(title, doc, hints)
    if title is None:
        title = _report_title(doc, year)
    return Meta(
        title=title,
        year=year,
        year_masked=masked,
        period=find_period(title, doc),
        doc_type=find_doc_type(title, doc),
        org=find_org(title, doc),
        published=find_published(doc, furniture_dates or []),
    )


__all__ = ["describe", "find_title", "find_year", "find_period", "find_doc_type", "find_org"]
