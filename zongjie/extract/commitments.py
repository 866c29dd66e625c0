"""Commitments: what an organisation says it will do, by when, to what level.

Every clause of a plan part (下一步, 下半年工作打算, 2025年工作任务) is a
commitment; elsewhere only clauses under a future marker (将继续, 力争, 年内,
到2025年) are, and never retrospective ones (确保了, 已完成). Clauses are cut
at ，；。 with short lead-ins (下一步, 年内, 同时) kept with the clause they
introduce. The deadline is the end of the latest time in the clause, or, with
none, the period its plan heading names (下半年 → that year's 12-31).

The patterns and the two rules live in rules/commitments.yaml, with examples.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, fields
from typing import Any

from zongjie.corpus.document import Document, Section, Sentence
from zongjie.corpus.structure import is_paragraph, role_of
from zongjie.extract import rules as rules_mod
from zongjie.extract.facts import Commitment, Indicator
from zongjie.extract.indicators import looks_back, plans_from
from zongjie.extract.times import find_times

RULE_PLAN = "commitment.plan_clause.v1"
RULE_MARKER = "commitment.future_marker.v1"


@dataclass(frozen=True)
class _Rules:
    """The patterns of rules/commitments.yaml, compiled (one field per part, and the future marker)."""

    clause_end: re.Pattern[str]
    unit_end: re.Pattern[str]
    marker_prefix: re.Pattern[str]
    lead_in: re.Pattern[str]
    retrospective: re.Pattern[str]
    result_follows: re.Pattern[str]
    goal_level: re.Pattern[str]
    hard: re.Pattern[str]
    soft: re.Pattern[str]
    planned: re.Pattern[str]
    deliverable: re.Pattern[str]
    future_time: re.Pattern[str]
    cn_count: re.Pattern[str]
    this_year: re.Pattern[str]
    estimate_unless: re.Pattern[str]
    plans_follow: re.Pattern[str]
    judgement: re.Pattern[str]
    done: re.Pattern[str]
    date_only: re.Pattern[str]
    signature: re.Pattern[str]
    doc_name: re.Pattern[str]
    announces: re.Pattern[str]
    future: re.Pattern[str]


@functools.cache
def _rules() -> _Rules:
    rs = rules_mod.load("commitments")
    compiled = {f.name: re.compile(rules_mod.expand(rs.parts[f.name], rs.parts))
                for f in fields(_Rules) if f.name != "future"}
    future = rs.by_id(RULE_MARKER).regex
    assert future is not None
    return _Rules(**compiled, future=future)


@dataclass
class _Clause:
    start: int
    end: int


def clauses(text: str, start: int, end: int) -> list[_Clause]:
    """Clauses of text[start:end]: cut at ，；。, list markers dropped, lead-ins merged forward."""
    pieces: list[_Clause] = []
    pos = start
    for m in _rules().clause_end.finditer(text, start, end):
        pieces.extend(_split_goals(text, pos, m.start()))
        pos = m.end()
    if pos < end:
        pieces.extend(_split_goals(text, pos, end))
    out: list[_Clause] = []
    pending: int | None = None
    for c in pieces:
        s, e = c.start, c.end
        while s < e and text[s].isspace():
            s += 1
        m = _rules().marker_prefix.match(text, s, e) if s < e else None
        if m and m.end() < e:
            s = m.end()
        if e - s <= 0:
            continue
        body = text[s:e]
        # (以乡镇为单位…接种率保持在95%以上 names a level: a clause of its own, no lead-in)
        if pending is None and (len(body) <= 3 or (_rules().lead_in.match(body) and not _rules().goal_level.search(body))):
            pending = s
            continue
        out.append(_Clause(pending if pending is not None else s, e))
        pending = None
    if pending is not None:  # a lead-in with nothing after it is a clause after all
        out.append(_Clause(pending, pieces[-1].end))
    return out


def _split_goals(text: str, start: int, end: int) -> list[_Clause]:
    """A clause that lists two goals with their levels (力争…管理率达到70%、…签约率达到80%以上)
    is two clauses: each is a promise a later report can confirm on its own."""
    parts, pos = [], start
    for m in re.finditer("、", text[start:end]):
        cut = start + m.start()
        if _rules().goal_level.search(text, pos, cut) and _rules().goal_level.search(text, cut + 1, end):
            parts.append(_Clause(pos, cut))
            pos = cut + 1
    parts.append(_Clause(pos, end))
    return parts


def _concrete(text: str) -> bool:
    """A figure (a time alone, or the framing count of 四个年活动, is not enough)."""
    from zongjie.extract.quantities import find_quantities

    return bool(find_quantities(text))


def _checkable(text: str) -> bool:
    """A clause a later report can confirm or deny: a number, a time, a deliverable."""
    return bool(re.search(r"\d", text) or _rules().cn_count.search(text)
                or _rules().future_time.search(text) or _rules().deliverable.search(text))




def _units(text: str, start: int, end: int) -> list[_Clause]:
    """Commitment candidates of a sentence.

    Each checkable clause stands alone (so that two promises in one sentence
    are two commitments); the other clauses go with the checkable clause
    before them (中心医院启动jci认证医院创建，提升涉外门诊服务品质), or, a
    single one at the start, with the one after (加强健康教育，全面开展…宣传).
    Several lead clauses, and a stretch between semicolons with no checkable
    clause, stay together as one general statement.
    """
    out: list[_Clause] = []
    pos = start
    bounds = [m.end() for m in _rules().unit_end.finditer(text, start, end)]
    if not bounds or bounds[-1] < end:
        bounds.append(end)
    for stop in bounds:
        pieces = clauses(text, pos, stop)
        pos = stop
        marks = [_checkable(text[c.start:c.end]) for c in pieces]
        if not any(marks):
            if pieces:
                out.append(_Clause(pieces[0].start, pieces[-1].end))
            continue
        first = marks.index(True)
        units: list[_Clause] = []
        if first > 1:  # several lead clauses: a statement of their own
            units.append(_Clause(pieces[0].start, pieces[first - 1].end))
        past = False  # the last unit ended in a clause that reports the past
        for i, (c, checkable) in enumerate(zip(pieces, marks, strict=True)):
            retro = bool(_rules().retrospective.search(text, c.start, c.end))
            if i == first:  # one lead clause goes with it (加强健康教育，全面开展…宣传)
                units.append(_Clause(pieces[0].start if first == 1 else c.start, c.end))
            elif i > first and (checkable or retro != past):
                # a new promise, or the turn to (or from) what was done: 利用3年时间对…进行培训，…，今年又进行了第二轮培训
                units.append(_Clause(c.start, c.end))
            elif i > first:
                units[-1].end = c.end  # …启动jci认证医院创建，提升涉外门诊服务品质
            past = retro if i >= first else past
        out.extend(units)
    return out


def plan_year(doc: Document) -> int | None:
    """The year a plan part is for: the next one in a full-year summary (明年工作打算)."""
    year = doc.meta.year
    if year is None:
        return None
    if doc.meta.doc_type == "summary" and doc.meta.period in ("FY", None):
        return year + 1
    return year


def _heading_deadline(doc: Document, section: Section, next_year: bool = False) -> tuple[str | None, bool]:
    """The end of the period a plan heading names (下半年工作打算 → YYYY-12-31); (deadline, named).

    ``next_year``: as in ``_deadline``, 年底 in a heading of the plan part of a
    full-year summary means the coming year's end.
    """
    if not section.heading:
        return None, False
    year = doc.meta.year
    times = find_times(section.heading, year, doc.meta.period, year_masked=doc.meta.year_masked)
    ends = [_next_year_end(t.text, t.to, year) if next_year else t.to for t in times if t.to]
    if ends:
        return max(ends), True
    if any(t.masked for t in times):
        return None, True
    return None, False




def _next_year_end(text: str, end: str, year: int | None) -> str:
    """年内, 年底, 6月底前… resolved to the report's year, moved to the coming year (a time
    that names its year, 2022年 or 今年, stays)."""
    from zongjie.extract.times import names_its_year

    if year is not None and not names_its_year(text) and end.startswith(str(year)):
        return str(year + 1) + end[4:]
    return end


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
    # a deadline (3月底前) is the clause's, not a period it mentions (…2022年度城乡居民养老保险缴费);
    # a month (9月份) says more than a season (秋季灭鼠)
    deadlines = [t for t in times if t.kind == "deadline"] or [t for t in times if t.rule != "time.season.v1"]
    ends = []
    for t in deadlines or times:
        end = t.to or t.from_  # 7月1日起…试行: due when it starts
        if not end:
            continue
        ends.append(_next_year_end(t.text, end, year) if next_year else end)
    return (max(ends) if ends else None), True


def _future(doc: Document, section: Section | None, body: str) -> bool:
    """Whether a clause outside a plan part bears a future marker that looks ahead.

    到2012年 in a 2013 report looks back; 预计 in the review part of a work
    report estimates the year just ended (预计地区生产总值增长6%左右), unless
    the clause says 今年/明年.
    """
    year = doc.meta.year
    year_summed_up = doc.meta.doc_type == "summary" and doc.meta.period == "FY"
    for m in _rules().future.finditer(body):
        word = m.group(0)
        if year_summed_up and word in ("年内", "年底", "年底前"):
            continue  # 年内公开招聘硕士研究生6名 in a year's summary: within the year summed up
        y = re.search(r"((?:19|20)\d{2})年", word)
        if y and year is not None and int(y.group(1)) < year:
            continue
        if (word == "预计" and doc.meta.doc_type == "report" and section is not None
                and section.role == "review" and not _rules().estimate_unless.search(body)):
            continue
        return True
    return False


def _topic_line(doc: Document, sentence: Sentence) -> bool:
    """A short line that is one sentence with nothing to check: an unnumbered heading."""
    text = sentence.text.strip().rstrip("。.；;")
    if len(text) > 12 or _checkable(text):
        return False
    b = bisect.bisect_right(doc.blocks, sentence.start, key=lambda blk: blk[0]) - 1
    if b < 0:
        return False
    start, end = doc.blocks[b][0], doc.blocks[b][1]
    return doc.text[start:end].strip().rstrip("。.；;") == text


def find_commitments(doc: Document, indicators: list[Indicator]) -> list[Commitment]:
    """Every commitment of a document, with deadline, strength and target indicator."""
    text = doc.text
    year_planned = plan_year(doc)
    out: list[Commitment] = []
    targets = [i for i in indicators if i.kind == "target"]
    # targets by start, for a bisect per clause (a scan of all targets per clause was quadratic:
    # minutes for a document of a million characters); ties keep the list's order
    by_start = sorted(range(len(targets)), key=lambda k: targets[k].start)
    target_starts = [targets[k].start for k in by_start]
    heading_cache: dict[int, tuple[str | None, bool]] = {}
    for s_idx, sentence in enumerate(doc.sentences):
        section = doc.sections[sentence.section] if doc.sections and sentence.section is not None else None
        in_plan = section is not None and section.role == "plan" and plans_from(doc, sentence.section) <= sentence.start
        # a numbered paragraph that is a sentence of promises (8.争取县局支持，年底前完成消毒供应室改造，把…整改到位)
        # is no heading that names a part: only a short one is
        in_heading = section is not None and section.heading_end is not None and sentence.start < section.heading_end \
            and (sentence.section == 0 or not is_paragraph(section.heading or ""))
        # the title, or a heading that only names the part (二、下半年工作打算), is no promise;
        # the rest of its sentence may be (…以下几点打算：一是…；二是…)
        heading = section.heading or "" if section is not None else ""
        # (a line that opens a plan part and promises a figure is a promise too:
        # 下半年将重点做好家庭医生签约工作，签约率力争达到40%)
        name_only = in_heading and (sentence.section == 0 or (bool(role_of(heading)) and not _concrete(heading)))
        next_year = in_plan and year_planned is not None and year_planned != doc.meta.year
        if in_plan and looks_back(doc, sentence):
            continue  # 过去五年，…城镇新增就业超过6000万人 in a plan part reports the past
        if _topic_line(doc, sentence):
            continue  # 进一步落实新农合制度。 alone on its line: the topic of the paragraph below
        # 现提出以下几点打算：一是…；二是…: what follows the colon is planned
        m = _rules().plans_follow.search(text, sentence.start, sentence.end)
        listed = m.end() if m else None
        units = list(_units(text, sentence.start, sentence.end))
        marked_until = -1  # where the last commitment under a marker ended: a goal listed after it with 、 shares its marker
        for k, c in enumerate(units):
            body = text[c.start:c.end]
            if len(body) < 4:
                continue
            if name_only and c.start < section.heading_end:
                continue
            if in_heading and c.start < section.heading_end and not _checkable(body):
                continue  # a heading that names a field of work (（三）全面实施公立医院改革), not a promise
            if _rules().date_only.fullmatch(body.strip()) or _rules().announces.search(body) \
                    or _rules().signature.fullmatch(body.strip()) or _rules().doc_name.fullmatch(body.strip()):
                continue  # 2022年7月12日, XX市卫生和计划生育委员会 (a signature); 现将…汇报如下 (what follows is the report)
            strength = "hard" if _rules().hard.search(body) else "soft" if _rules().soft.search(body) else \
                "planned" if _rules().planned.search(body) else None
            if in_plan and (_rules().judgement.search(body) or (_rules().done.search(body) and strength is None)):
                continue  # 保持良好势头，是做好各项工作的基础; 党的十六大提出了…: said of the plan, not planned
            if in_plan:
                rule = RULE_PLAN
            elif (_future(doc, section, body) or (listed is not None and c.start >= listed)
                  or (marked_until >= 0 and c.start == marked_until + 1 and text[marked_until] == "、")) \
                    and not _rules().retrospective.search(body) \
                    and not (k + 1 < len(units) and _rules().result_follows.match(text, units[k + 1].start, units[k + 1].end)):
                rule = RULE_MARKER
                marked_until = c.end
            else:
                continue
            deadline, has_time = _deadline(body, doc, next_year)
            if not has_time and in_plan and section is not None:
                key = id(section)
                if key not in heading_cache:
                    # the nearest plan heading above that names a period
                    heading_cache[key] = _inherited(doc, section, next_year)
                deadline = heading_cache[key][0]
            lo, hi = bisect.bisect_left(target_starts, c.start), bisect.bisect_left(target_starts, c.end)
            target = targets[min(by_start[lo:hi])] if hi > lo else None  # the first in list order, as before
            measurable = bool(target or has_time or re.search(r"\d", body) or _rules().deliverable.search(body))
            out.append(Commitment(
                start=c.start, end=c.end, text=body, rule=rule, measurable=measurable, deadline=deadline,
                strength=strength, sentence=s_idx,
                target=({"name": target.name, "value": target.value, "unit": target.unit,
                         "qualifier": target.qualifier} if target else None),
            ))
    return out


def _inherited(doc: Document, section: Section, next_year: bool = False) -> tuple[str | None, bool]:
    """Walk up from a section to the plan headings above it; the first that names a period decides.

    The title heads a plan document (2024年工作要点): its period is the last
    resort. A part that names no period (下一步工作打算) under a title of another
    kind has none.
    """
    idx = doc.sections.index(section)
    level = section.level + 1
    for s in reversed(doc.sections[: idx + 1]):
        if s.level >= level or s.role != "plan":
            continue
        level = s.level
        deadline, named = _heading_deadline(doc, s, next_year)
        if named:
            return deadline, True
        if level <= 1 and doc.meta.doc_type != "plan":
            break
    return None, False


def run_example(text: str, **options: Any) -> list[dict[str, Any]]:
    """Every commitment of ``text`` read as a document, for tests/test_rule_examples.py."""
    from zongjie.corpus.documents import read_text
    from zongjie.extract.indicators import find_indicators
    from zongjie.extract.quantities import find_quantities

    doc = read_text(text, year=options.get("year"))[0]
    return [c.as_dict() for c in find_commitments(doc, find_indicators(doc, find_quantities(doc.text)))]


_LEGACY = {"_FUTURE": "future", "_RETROSPECTIVE": "retrospective", "_HARD": "hard", "_SOFT": "soft",
           "_PLANNED": "planned", "_DELIVERABLE": "deliverable"}


def __getattr__(name: str) -> Any:
    """The compiled patterns under the names they had before they moved to
    rules/commitments.yaml (models.roles imports _FUTURE and _RETROSPECTIVE)."""
    if name in _LEGACY:
        return getattr(_rules(), _LEGACY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
