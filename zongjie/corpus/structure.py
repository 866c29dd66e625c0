"""A document's structure: headings, sections with a role, sentences.

Chinese official writing numbers its parts in a fixed order of markers:
一、 → （一） → 1. → （1）, with 一是/二是 enumerations inside paragraphs.
A part's role comes from its heading: 主要工作/工作成效 review the past,
存在问题 names problems, 下一步/下半年工作打算/2025年工作任务 plans. Parts
without a heading of their own take their parent's role.
"""

from __future__ import annotations

import re

from zongjie.corpus.document import Document, Section, Sentence

_CN_NUM = "一二三四五六七八九十"
# (level, pattern) in the order official writing nests them
_MARKERS = [
    (1, re.compile(rf"^[{_CN_NUM}]{{1,3}}\s*[、.．]")),
    (2, re.compile(rf"^[(（]\s*[{_CN_NUM}]{{1,3}}\s*[)）]\s*[、.]?")),
    (3, re.compile(r"^\d{1,2}\s*(?:[、.．](?!\d)|[.．](?=\d{1,2}月)|\s)")),  # 3.9月底前…: 3. and 9月
    (4, re.compile(r"^[(（]\s*\d{1,2}\s*[)）]")),
    (4, re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]")),
]
_PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+(?:部分|章|节)")

# Roles by heading words. plan first: 下半年工作打算 also contains 工作.
_ROLE_WORDS = [
    ("plan", re.compile(
        r"下一步|下半年|明年|今后|打算|思路|工作要点|要点|工作计划|(?<!行动)(?<!专项)计划(?!免疫|生育|[^，,。；;]{0,4}完成)|工作安排|工作任务|主要任务|重点任务|目标任务|"
        r"总体要求|预期目标|政策取向|工作建议|的建议|努力方向|展望|部署|重点工作|工作重点|目标")),
    ("problems", re.compile(r"问题|不足|困难|差距|挑战|教训|短板|薄弱")),
    ("review", re.compile(
        r"主要工作|工作回顾|回顾|成效|成绩|完成情况|进展|做法|经验|取得|基本情况|工作情况|主要成绩|开展情况|落实情况|执行情况")),
]
# A paragraph that opens the plan part without a heading of its own:
# 下一步,我们要针对上述问题……现提出以下几点打算:
_PLAN_OPENER = re.compile(
    r"^(?:(?:下一步|下步|今后|下半年|明年)[^。]{0,40}(?:打算|计划|安排|思路|重点|要点|工作|要|将)"
    r"|(?P<year>20\d{2})年(?:的?(?:工作打算|工作计划|工作安排|工作思路|工作要点|主要任务|重点工作|工作重点|工作任务|主要目标)))"
)

# A problem word as the object of a remedy (加快补齐学前教育短板, 着力解决…问题): under a
# plan heading such a heading plans the remedy; it names no problems part
_REMEDY = re.compile(r"补齐|补短|解决|破解|整改|弥补|克服|化解|攻克|补上|填补|改进|应对|针对")
# under a plan heading, only a heading that opens on the problems names a problems part
# (9.针对“签而不约”的问题，9月底前推出… is a plan item)
_PROBLEMS_OPEN = re.compile(r"^(?:存在|面临|当前|目前|主要|工作中)?的?(?:主要)?(?:问题|困难|不足|差距|短板|挑战)")
# under a review heading, only these make a sub-heading a plan (（一）医改重点任务稳步推进 reviews)
_STRONG_PLAN = re.compile(r"下一步|下半年|明年|今后|打算|思路|要点|工作计划|计划(?!免疫|生育|内|的)|安排|展望|努力方向")

# A heading naming a year (三、2026年主要工作), and the words that keep such a heading a review
_HEADING_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!以来)")
_STILL_REVIEW = re.compile(r"回顾|总结|成效|成绩|完成情况|执行情况|进展|取得|经验|做法|问题|不足|困难|挑战")

_SENTENCE_END = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』)）]?|\n|$)")


def heading_level(line: str) -> int | None:
    """The nesting level of a numbered heading line, or None."""
    if _PART_HEADING.match(line):
        return 0
    for level, rx in _MARKERS:
        if rx.match(line):
            return level
    return None


def _after_marker(line: str) -> str:
    """A numbered line without its marker (一、, （一）, 3., ①)."""
    line = line.lstrip()
    for _level, rx in _MARKERS:
        m = rx.match(line)
        if m:
            return line[m.end():].lstrip()
    return line


def is_paragraph(heading: str) -> bool:
    """Whether a numbered line taken for a heading is a paragraph of clauses (8.争取县局支持，年底前完成
    消毒供应室改造，把…整改到位): cut at 60 characters, or three clauses before its first full stop."""
    numbered = heading_level(heading.lstrip()) is not None
    return numbered and (len(heading) >= 60 or len(re.findall(r"[，,；;]", heading)) >= 2)


def role_of(heading: str) -> str | None:
    """What a part under this heading does: review, problems, plan, or None."""
    text = heading[:40]
    for role, rx in _ROLE_WORDS:
        if rx.search(text):
            return role
    return None


def _heading_text(line: str) -> str:
    """A numbered paragraph's heading: up to its first full stop, or the whole short line."""
    cut = re.search(r"[。：:]", line)
    if cut and cut.start() < 60:
        return line[: cut.start()]
    return line[:60]


def plans_its_year(heading: str, doc: Document) -> bool:
    """Whether a heading names a year that had not yet run when the report was
    delivered: 三、2026年主要工作 in a work report given on 2026-01-26 plans the
    year (主要工作 alone reads as a review: it does in a summary). Reports only,
    and only from the date they were delivered (``meta.published``); a heading that
    says it looks back (回顾, 成效, 问题…) keeps its role.
    """
    m = _HEADING_YEAR.search(heading[:40])
    published = doc.meta.published
    if m is None or doc.meta.doc_type != "report" or not published or _STILL_REVIEW.search(heading[:40]):
        return False
    year, (delivered, month) = int(m.group(1)), (int(published[:4]), int(published[5:7]))
    return year > delivered or (year == delivered and month <= 3)


def sections_of(doc: Document) -> list[Section]:
    """Sections from numbered headings and docx heading styles; every section has a role.

    The text before the first heading is a section of its own (level 0).
    """
    default = "review" if (doc.meta.doc_type in (None, "summary", "report", "other")) else "plan"
    sections: list[Section] = [Section(0, len(doc.text), None, 0, default)]
    if doc.blocks:
        # the title line (or an article's heading) heads the first section
        start, end, _kind, _level = doc.blocks[0]
        first = doc.text[start:end]
        if doc.article == first or (doc.meta.title and doc.meta.title in first and len(first) <= len(doc.meta.title) + 12):
            sections[0].heading, sections[0].heading_end = first, end
    stack: list[tuple[int, str]] = [(0, default)]  # (level, role) of open headings
    for start, end, kind, style_level in doc.blocks:
        line = doc.text[start:end]
        level = style_level if kind == "heading" and style_level else heading_level(line)
        opener = level is None and _PLAN_OPENER.match(line)
        if opener and opener.group("year") and doc.meta.year and int(opener.group("year")) < doc.meta.year:
            opener = None  # 2024年工作安排 in a 2025 report reviews, it does not plan
        if level is None and not opener:
            continue
        if opener:
            level = stack[-1][0] if len(stack) > 1 else 1
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent_role = stack[-1][1] if stack else default
        heading = _heading_text(line)
        role = "plan" if opener or plans_its_year(heading, doc) else (role_of(heading) or parent_role)
        under_heading = len(stack) > 1  # the parent is a heading, not the document's default
        if role == "problems" and parent_role == "plan" and (
                _REMEDY.search(heading) or not _PROBLEMS_OPEN.match(_after_marker(heading))):
            role = "plan"
        elif role == "plan" and parent_role == "review" and under_heading and not opener \
                and not _STRONG_PLAN.search(heading):
            role = "review"
        stack.append((level, role))
        sections[-1].end = start
        sections.append(Section(start, len(doc.text), heading, level, role, heading_end=start + len(heading)))
    # close each section at the next one's start
    for a, b in zip(sections, sections[1:], strict=False):
        a.end = b.start
    return [s for s in sections if s.end > s.start or s is sections[0]]


def sentences_of(doc: Document) -> list[Sentence]:
    """Sentences split at 。！？ and line ends, with offsets and their section."""
    out: list[Sentence] = []
    sec_i = 0
    sections = doc.sections
    for m in _SENTENCE_END.finditer(doc.text):
        s, e = m.start(), m.end()
        # trim surrounding whitespace from the span
        while s < e and doc.text[s].isspace():
            s += 1
        while e > s and doc.text[e - 1].isspace():
            e -= 1
        if e <= s:
            continue
        while sec_i + 1 < len(sections) and sections[sec_i + 1].start <= s:
            sec_i += 1
        out.append(Sentence(s, e, doc.text[s:e], sec_i if sections else None, doc.page_at(s)))
    return out


def structure(doc: Document) -> Document:
    """Fill ``doc.sections`` and ``doc.sentences`` (needs ``doc.meta`` for the default role)."""
    doc.sections = sections_of(doc)
    doc.sentences = sentences_of(doc)
    return doc
