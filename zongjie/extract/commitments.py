"""Commitments: what an organisation says it will do, by when, to what level.

Every clause of a plan part (下一步, 下半年工作打算, 2025年工作任务) is a
commitment; elsewhere only clauses under a future marker (将继续, 力争, 年内,
到2025年) are, and never retrospective ones (确保了, 已完成). Clauses are cut
at ，；。 with short lead-ins (下一步, 年内, 同时) kept with the clause they
introduce. The deadline is the end of the latest time in the clause, or, with
none, the period its plan heading names (下半年 → that year's 12-31).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from zongjie.corpus.document import Document, Section
from zongjie.corpus.structure import role_of
from zongjie.extract.facts import Commitment, Indicator
from zongjie.extract.times import find_times

RULE_PLAN = "commitment.plan_clause.v1"
RULE_MARKER = "commitment.future_marker.v1"

_CLAUSE_END = re.compile(r"[，,；;。！？!?：:\n]")
# no ^: it is used with match(text, pos), where ^ would only match at 0
_MARKER_PREFIX = re.compile(
    r"\s*(?:[一二三四五六七八九十]+是|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）][、.]?|\d+[、.．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩]|第[一二三四五六七八九十]+[,，、]?)\s*"
)
# a lead-in that is not a clause of its own: it goes with the next one
_LEAD_IN = re.compile(
    r"^(?:下一步|下步|今后|同时|此外|另外|总之|其次|首先|最后|为此|因此|近期|年内|年底前|明年|下半年|今年|积极争取|"
    r"[^，,；;]{0,20}(?:为契机|为抓手|为重点|为核心|为目标|为主线|为载体|为突破口|时间|开始|以来)|"
    r"(?:通过|按照|根据|围绕|依托|以|在|从|自|对|针对|为了|为)[^，,；;]{0,30})$"
)
_FUTURE = re.compile(
    r"(?:将|即将)(?:继续|进一步|全面|加快|加大|着力|重点|逐步|于|在|启动|开展|实施|建成|完成|组织|争取|投入|达到|实现|推进|推动|建立|出台|制定|开工|把)"
    r"|力争|争取|计划(?!生育|免疫)|拟(?:于|在|将|对)|预计|即可|可望|有望|年内|年底前|年底|明年|下半年|下一步|近期|到20\d{2}年|20\d{2}年(?:底|前)|今后|"
    r"正着力|正在抓紧|要(?:进一步|继续|加快|加强|切实|认真|全面|着力|把|在|以|按照|大力)"
)
_RETROSPECTIVE = re.compile(r"了|已经|已|业已|先后|均已|取得|曾")
_HARD = re.compile(r"确保|必须|坚决|严格控制|务必|决不|绝不")
_SOFT = re.compile(r"力争|争取|努力|力求|尽力|尽快")
_PLANNED = re.compile(r"将|计划|拟|要|预计|准备|打算")
_DELIVERABLE = re.compile(
    r"制定|出台|印发|拟定|编制|建成|完成|创建|通过|开工|竣工|完工|投入使用|纳入|实现|启动|开业|挂牌|验收|达标|招聘|引进|新增|举办|召开|开展.{0,12}(?:竞赛|调查|活动|评选)"
)


@dataclass
class _Clause:
    start: int
    end: int


def clauses(text: str, start: int, end: int) -> list[_Clause]:
    """Clauses of text[start:end]: cut at ，；。, list markers dropped, lead-ins merged forward."""
    pieces: list[_Clause] = []
    pos = start
    for m in _CLAUSE_END.finditer(text, start, end):
        pieces.append(_Clause(pos, m.start()))
        pos = m.end()
    if pos < end:
        pieces.append(_Clause(pos, end))
    out: list[_Clause] = []
    pending: int | None = None
    for c in pieces:
        s, e = c.start, c.end
        while s < e and text[s].isspace():
            s += 1
        m = _MARKER_PREFIX.match(text, s, e) if s < e else None
        if m and m.end() < e:
            s = m.end()
        if e - s <= 0:
            continue
        body = text[s:e]
        if pending is None and (len(body) <= 3 or _LEAD_IN.match(body)):
            pending = s
            continue
        out.append(_Clause(pending if pending is not None else s, e))
        pending = None
    if pending is not None:
        out.append(_Clause(pending, end))
    return out


def _checkable(text: str) -> bool:
    """A clause a later report can confirm or deny: a number, a time, a deliverable."""
    return bool(re.search(r"\d|[一二两三四五六七八九十百千万]+(?:个|家|所|项|名|人|次|座|张)", text)
                or _FUTURE_TIME.search(text) or _DELIVERABLE.search(text))


_FUTURE_TIME = re.compile(r"年内|年底|年末|月底|下半年|明年|到20\d{2}年|20\d{2}年|[一二三四五六七八九十\d]+月")
_UNIT_END = re.compile(r"[；;。！？!?\n]")


def _units(text: str, start: int, end: int) -> list[_Clause]:
    """Commitment candidates of a sentence.

    Each checkable clause stands alone (so that two promises in one sentence
    are two commitments); runs of the other clauses between semicolons stay
    together, as one general statement.
    """
    out: list[_Clause] = []
    pos = start
    bounds = [m.end() for m in _UNIT_END.finditer(text, start, end)]
    if not bounds or bounds[-1] < end:
        bounds.append(end)
    for stop in bounds:
        run: _Clause | None = None
        for c in clauses(text, pos, stop):
            if _checkable(text[c.start:c.end]):
                if run:
                    out.append(run)
                    run = None
                out.append(c)
            elif run is None:
                run = _Clause(c.start, c.end)
            else:
                run.end = c.end
        if run:
            out.append(run)
        pos = stop
    return out


def _plan_year(doc: Document) -> int | None:
    """The year a plan part is for: the next one in a full-year summary (明年工作打算)."""
    year = doc.meta.year
    if year is None:
        return None
    if doc.meta.doc_type == "summary" and doc.meta.period in ("FY", None):
        return year + 1
    return year


def _heading_deadline(doc: Document, section: Section) -> tuple[str | None, bool]:
    """The end of the period a plan heading names (下半年工作打算 → YYYY-12-31); (deadline, named)."""
    if not section.heading:
        return None, False
    times = find_times(section.heading, doc.meta.year, doc.meta.period, year_masked=doc.meta.year_masked)
    ends = [t.to for t in times if t.to]
    if ends:
        return max(ends), True
    if any(t.masked for t in times):
        return None, True
    return None, False


_THIS_YEAR = re.compile(r"^(?:今年|本年|当年|年内|年底|年末|年中|下半年)")


def _deadline(text: str, doc: Document, next_year: bool) -> tuple[str | None, bool]:
    """(deadline, has_time): the end of the latest time named in a clause.

    ``next_year``: the clause is in the plan part of a full-year summary, where
    年内 and 年底 mean the coming year (明年 still means the year after the report's).
    """
    year = doc.meta.year
    times = [t for t in find_times(text, year, doc.meta.period, year_masked=doc.meta.year_masked)
             if t.kind != "point"]
    if not times:
        return None, False
    if any(t.masked for t in times):
        return None, True
    ends = []
    for t in times:
        if not t.to:
            continue
        end = t.to
        if next_year and year is not None and _THIS_YEAR.match(t.text) and end.startswith(str(year)):
            end = str(year + 1) + end[4:]
        ends.append(end)
    return (max(ends) if ends else None), True


def find_commitments(doc: Document, indicators: list[Indicator]) -> list[Commitment]:
    """Every commitment of a document, with deadline, strength and target indicator."""
    text = doc.text
    plan_year = _plan_year(doc)
    out: list[Commitment] = []
    targets = [i for i in indicators if i.kind == "target"]
    # targets by start, for a bisect per clause (a scan of all targets per clause was quadratic:
    # minutes for a document of a million characters); ties keep the list's order
    by_start = sorted(range(len(targets)), key=lambda k: targets[k].start)
    target_starts = [targets[k].start for k in by_start]
    heading_cache: dict[int, tuple[str | None, bool]] = {}
    for s_idx, sentence in enumerate(doc.sentences):
        section = doc.sections[sentence.section] if doc.sections and sentence.section is not None else None
        in_plan = section is not None and section.role == "plan"
        in_heading = section is not None and section.heading_end is not None and sentence.start < section.heading_end
        if in_heading and (sentence.section == 0 or role_of(section.heading or "")):
            continue  # the title, or a heading that only names the part (二、下半年工作打算)
        next_year = in_plan and plan_year is not None and plan_year != doc.meta.year
        for c in _units(text, sentence.start, sentence.end):
            body = text[c.start:c.end]
            if len(body) < 4:
                continue
            if in_heading and c.start < section.heading_end and not _checkable(body):
                continue  # a heading that names a field of work (（三）全面实施公立医院改革), not a promise
            if in_plan:
                rule = RULE_PLAN
            elif _FUTURE.search(body) and not _RETROSPECTIVE.search(body):
                rule = RULE_MARKER
            else:
                continue
            deadline, has_time = _deadline(body, doc, next_year)
            if not has_time and in_plan and section is not None:
                key = id(section)
                if key not in heading_cache:
                    # the nearest plan heading above that names a period
                    heading_cache[key] = _inherited(doc, section)
                deadline = heading_cache[key][0]
            lo, hi = bisect.bisect_left(target_starts, c.start), bisect.bisect_left(target_starts, c.end)
            target = targets[min(by_start[lo:hi])] if hi > lo else None  # the first in list order, as before
            strength = "hard" if _HARD.search(body) else "soft" if _SOFT.search(body) else \
                "planned" if _PLANNED.search(body) else None
            measurable = bool(target or has_time or re.search(r"\d", body) or _DELIVERABLE.search(body))
            out.append(Commitment(
                start=c.start, end=c.end, text=body, rule=rule, measurable=measurable, deadline=deadline,
                strength=strength, sentence=s_idx,
                target=({"name": target.name, "value": target.value, "unit": target.unit,
                         "qualifier": target.qualifier} if target else None),
            ))
    return out


def _inherited(doc: Document, section: Section) -> tuple[str | None, bool]:
    """Walk up from a section to the plan headings above it; the first that names a period decides."""
    idx = doc.sections.index(section)
    level = section.level + 1
    for s in reversed(doc.sections[: idx + 1]):
        if s.level >= level or s.role != "plan":
            continue
        level = s.level
        deadline, named = _heading_deadline(doc, s)
        if named:
            return deadline, True
        if level <= 1:
            break
    return None, False
