"""Did they do what they said? Each target of period N against the evidence for N.

A target is an indicator fact of kind ``target`` (国内生产总值增长7.5%左右 in
the report for 2013); its evidence is the actual figure of the same
canonical indicator, entity, period and unit in a later document (the
report of 2014 reviewing 2013, or a summary of 2013), chosen as
:func:`zongjie.analysis.compare.best` chooses. The status follows the
issue's rules (:func:`judge`):

- floor targets (增长, 新增, 产量, 覆盖率, 以上/不低于) are met when the
  actual is at or above the target; ceiling targets (控制在, 以内/不超过,
  价格涨幅, 失业率, 赤字率) when it is at or below;
- a target stated as about (左右) allows 0.5 percentage points for a
  percentage and 5% of the target otherwise, on the side the direction
  permits; a range (6%-6.5%) is met at its lower end for a floor, at its
  upper end for a ceiling;
- no figure in the same unit, a blanked-out figure (x%) or a figure that
  only bounds the wrong side is ``no_evidence``: never guessed.

Beyond figures (:func:`audit`):

- a plain statement in the later report is evidence without a figure
  (:mod:`zongjie.analysis.statements`): one naming the indicator
  (物价调控目标没有完成) decides, and outweighs a figure that says otherwise;
  one that the main targets were met (主要目标任务圆满完成) decides for the
  targets listed among the main targets;
- ``partly``: a countable deliverable (所, 套, 公里…) reached in part, a
  statement of 基本完成, or a commitment of several deliverables whose parts
  fall short in part;
- measurable commitments are targets too (:func:`commitment_targets`);
- only comparable figures are evidence (:func:`_comparable`): not a
  starting point, an average or total over years, the later report's own
  plan or target list, a figure shared by several subjects, nor a flow
  against a level.

    >>> judge(target(7.5, "%"), actual(7.8, "%"))
    ('met', '7.8% is at or above the target of 7.5%')
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from zongjie.analysis.canonical import canonical_name, direction_of, is_generic, strength_of
from zongjie.analysis.compare import Fact, best, group, indicator_facts
from zongjie.analysis.statements import Statement, find_statements, mentions, statement_words

__all__ = ["STATUSES", "Figure", "actual", "audit", "judge", "save_audit", "save_canonical", "summary", "target"]

STATUSES = ("met", "not_met", "partly", "no_evidence")
UNKNOWN_ENTITY = "未知"  # what entity_of gives a document without a known body or region
ABOUT_POINTS = 0.5  # percentage points a 左右 target of a percentage allows
ABOUT_RELATIVE = 0.05  # share of the target a 左右 target of any other unit allows
_PERCENT_UNITS = ("%", "％")
# 全国没有实现年初确定的单位国内生产总值能耗降低4%左右…的目标: the figure is the
# target repeated, and the sentence says it was missed
_NOT_ACHIEVED = re.compile(r"没有实现|未能实现|未实现|没有完成|未完成|未能完成|没有达到|未达到|未能达到")


@dataclass(frozen=True)
class Figure:
    """The numbers :func:`judge` needs of a target or a result."""

    value: float | None
    unit: str | None
    qualifier: str | None = None
    value_max: float | None = None
    direction: str = "floor"
    masked: bool = False
    comparison: str | None = None
    name: str = ""
    clause: str = ""  # the words before the number in its clause


def target(value: float | None, unit: str | None, qualifier: str | None = None, value_max: float | None = None,
           direction: str = "floor", *, masked: bool = False, comparison: str | None = None) -> Figure:
    """A target figure, for :func:`judge` (and for tests)."""
    return Figure(value, unit, qualifier, value_max, direction, masked, comparison)


def actual(value: float | None, unit: str | None, qualifier: str | None = None, *, masked: bool = False,
           comparison: str | None = None, name: str = "", clause: str = "") -> Figure:
    """An actual figure, for :func:`judge`."""
    return Figure(value, unit, qualifier, None, "floor", masked, comparison, name, clause)


def _fmt(value: float, unit: str | None) -> str:
    text = f"{int(value):,}" if float(value).is_integer() and abs(value) >= 1e4 else f"{value:g}"
    return text + (unit or "")


def _target_text(t: Figure) -> str:
    if t.value_max is not None:
        return f"{_fmt(t.value, t.unit)}–{_fmt(t.value_max, t.unit)}"  # type: ignore[arg-type]
    text = _fmt(t.value, t.unit)  # type: ignore[arg-type]
    return text + ("左右" if t.qualifier == "about" else "")


def _signed(t: Figure, a: Figure) -> float:
    """The actual on the target's scale: a fall (下降2%) against a growth target is -2."""
    value = float(a.value)  # type: ignore[arg-type]
    # 回落到2.6% states a level, not a fall of 2.6
    if a.name.endswith(("到", "至")):
        return value
    if {t.comparison, a.comparison} == {"increase", "decrease"}:
        return -value
    return value


def judge(t: Figure, a: Figure | None) -> tuple[str, str]:
    """The status of one target against one result, and the reason in plain words.

    Args:
        t: the target (value, unit, qualifier, value_max, direction).
        a: the result found for the same period, or None.

    Returns:
        (status, reason): status is one of ``STATUSES``.

    >>> judge(target(5, "%", "about"), actual(3.9, "%"))
    ('not_met', '3.9% is below the target of 5%左右 (allowing 0.5 points)')
    >>> judge(target(3, "%", "about", direction="ceiling"), actual(2.1, "%"))[0]
    'met'
    """
    if t.masked or t.value is None:
        return "no_evidence", "the target's figure is blanked out in the document"
    if a is None:
        return "no_evidence", "no later document gives a figure for this period"
    if a.masked or a.value is None:
        return "no_evidence", "the later figure is blanked out in the document"
    if _NOT_ACHIEVED.search(a.clause):
        return "not_met", "the later report states that the target was not achieved"
    if (a.unit or "") != (t.unit or ""):
        return "no_evidence", f"the later figure is in {a.unit or 'no unit'}, the target in {t.unit or 'no unit'}"
    value = _signed(t, a)
    shown = _fmt(value, a.unit)
    goal = _target_text(t)
    if t.qualifier == "about":
        slack = ABOUT_POINTS if (t.unit or "") in _PERCENT_UNITS else ABOUT_RELATIVE * abs(t.value)
        allow = f" (allowing {ABOUT_POINTS:g} points)" if (t.unit or "") in _PERCENT_UNITS else " (allowing 5%)"
    else:
        slack, allow = 0.0, ""
    eps = 1e-9
    if t.direction == "ceiling":
        limit = (t.value_max if t.value_max is not None else t.value) + slack
        if a.qualifier in ("over", "at_least"):
            # 超过5% bounds the actual from below: it decides only above the limit
            if value > limit + eps:
                return "not_met", f"more than {shown} is above the ceiling of {goal}{allow}"
            return "no_evidence", f"the later figure is only 'more than {shown}', which may or may not exceed {goal}"
        if value <= limit + eps:
            return "met", f"{shown} is at or below the ceiling of {goal}{allow}"
        if a.qualifier == "at_most":
            return "no_evidence", f"the later figure is only 'at most {shown}', which may or may not exceed {goal}"
        return "not_met", f"{shown} is above the ceiling of {goal}{allow}"
    limit = t.value - slack
    if a.qualifier == "at_most":
        if value < limit - eps:
            return "not_met", f"at most {shown} is below the target of {goal}{allow}"
        return "no_evidence", f"the later figure is only 'at most {shown}', which may or may not reach {goal}"
    if value >= limit - eps:
        return "met", f"{shown} is at or above the target of {goal}{allow}"
    if a.qualifier in ("over", "at_least"):
        return "no_evidence", f"the later figure is only 'more than {shown}', which may or may not reach {goal}"
    return "not_met", f"{shown} is below the target of {goal}{allow}"


def _figure(f: Fact, direction: str) -> Figure:
    return Figure(f.value, f.unit, f.qualifier, f.value_max, direction, f.masked, f.comparison, f.name, f.clause)


def _side(f: Fact, direction: str, *, with_strength: bool) -> dict[str, Any]:
    out = {
        "value": f.value,
        "value_max": f.value_max,
        "unit": f.unit,
        "qualifier": f.qualifier,
        "direction": direction,
        "quote": f.quote,
        "doc": f.doc,
        "name": f.name,
        "document_id": f.document_id,
        "sentence_id": f.sentence_id,
        "quote_start": f.sentence_start,
        "start": f.start,
        "end": f.end,
        "indicator_id": f.id if f.source == "indicator" else None,
    }
    if with_strength:
        out["strength"] = f.strength
        out["commitment_id"] = f.commitment_id
    return out


def _statement_side(s: Statement, direction: str) -> dict[str, Any]:
    return {
        "value": None, "value_max": None, "unit": None, "qualifier": None, "direction": direction,
        "quote": s.quote, "doc": s.doc, "name": None, "document_id": s.document_id, "sentence_id": s.sentence_id,
        "quote_start": s.sentence_start, "start": s.start, "end": s.end, "indicator_id": None,
        "evidence": "statement",
    }


# units of things delivered one by one (schools, homes, kilometres of road): a target of
# these reached in part is ``partly``; people, money, tonnes and rates are measures, not deliverables
COUNT_UNITS = frozenset("个 所 套 项 家 户 座 公里 千米 处 条 间 台 张 件 批 栋 辆 块 亩 艘 架 列 场 部 类 支 只".split())


def _countable(t: Figure, a: Figure) -> str | None:
    """The reason a shortfall of a countable deliverable is ``partly``, else None."""
    if (t.unit or "") not in COUNT_UNITS or t.direction != "floor" or a.value is None or t.value is None:
        return None
    if a.unit != t.unit or a.comparison == "decrease" or a.qualifier == "at_most":
        return None
    if 0 < a.value < t.value:
        return (f"{_fmt(a.value, a.unit)} of the {_target_text(t)} delivered "
                f"({100 * a.value / t.value:.0f}%)")
    return None


# units that number a thing rather than measure it (广州白云机场三期 is a phase, not 3 期 of anything)
NOT_MEASURES = frozenset({"期", "届", "号", "版", "代", "轮"})


def _not_a_target(f: Fact) -> bool:
    """A fact the audit leaves out: a 'target' in the review of a report (预计全省地区生产总值迈上14万亿元
    looks back at last year) unless its sentence lists the main targets, a 'target' ranked right after
    its number (增长5%、居全国第六 was achieved), or a number that measures nothing."""
    if (f.unit or "") in NOT_MEASURES:
        return True
    if f.kind == "target" and _ACHIEVED.search(f.quote[max(0, f.end - f.sentence_start):][:12]):
        return True
    if f.kind == "target" and _reviewed_before(f):
        return True
    return (f.kind == "target" and f.section_role == "review" and f.doc_type in ("report", "plan")
            and not _main_target(f))


def _reviewed_before(f: Fact) -> bool:
    """The sentence states an achievement before the figure (两个年度计划都超额完成，…钢增长百分之六十五):
    a review, whatever the extractor called the figure."""
    from zongjie.analysis.statements import classify

    head = f.quote[:max(0, f.start - f.sentence_start)]
    return any(classify(c) is not None for c in re.split(r"[，。；;：:]", head) if c)


def _anonymous(entity: str) -> bool:
    """An entity that names no place: 未知, or 市卫生局 / 县卫生局 of a city or county the document never names.

    >>> _anonymous("市卫生局"), _anonymous("潞城市卫生局"), _anonymous("广东省"), _anonymous("全国")
    (True, False, False, False)
    """
    return entity == UNKNOWN_ENTITY or entity.startswith(("市", "县", "区", "镇", "乡", "我", "本"))


def _main_target(t: Fact) -> bool:
    """The target was stated among the document's main targets (主要预期目标是：…)."""
    return any(w in t.quote for w in statement_words()["main_target_words"])


def _statement_for(t: Fact, statements: list[Statement], *, specific_only: bool = False,
                   lead: str = "") -> tuple[str, str, Statement] | None:
    """The status, reason and statement a later document gives for target ``t``.

    A statement naming the target's indicator first; then, unless
    ``specific_only``, one that the main targets were met.
    """
    later = [s for s in statements if _later(s, t)]
    specific = [s for s in later if not s.general and mentions(s.context, t.indicator, t.name.split(" (")[0])]
    if specific:
        s = min(specific, key=lambda s: (s.doc_year or 9999, s.start))
        said = {"met": "was achieved", "not_met": "was not achieved", "partly": "was achieved in part"}[s.status]
        return s.status, f"no comparable figure; the later report states that the target {said}: {s.clause}", s
    general = [s for s in later if s.general and s.status == "met"]
    if general and (_main_target(t) or any(w in lead for w in statement_words()["main_target_words"])) \
            and not specific_only:
        s = min(general, key=lambda s: (s.doc_year or 9999, s.start))
        return "met", f"no comparable figure; the later report states that the main targets were met: {s.clause}", s
    return None


def audit(store: Any, entity: str | None = None, period: str | int | None = None,
          indicator: str | None = None) -> dict[str, Any]:
    """Every target of the store linked to the evidence for its period, with a status.

    Targets are indicator facts of kind ``target`` and measurable
    commitments with a target indicator and a deadline (a commitment that
    states an indicator target already found is the same target: its id and
    strength are added to it). Evidence, in order: the actual figure of the
    same canonical indicator, entity, period and unit in a later document;
    else a plain statement there that names the indicator (物价调控目标没有完成);
    else, for a target listed among the main targets, a statement that the
    main targets were met (全年主要目标任务圆满完成). A countable deliverable
    (所, 套, 公里…) reached in part is ``partly``, as is a target stated as
    基本完成.

    Args:
        store: an open Store.
        entity: one body or region (全国, 广东…); all when None.
        period: one period (2025, "2023-H2"); all when None.
        indicator: one indicator (any written name); all when None.

    Returns:
        ``{"pairs": [{"entity", "indicator", "period", "target", "result",
        "status", "reason"}, …]}``, sorted by entity, indicator and period.
        ``target`` and ``result`` carry ``value``, ``value_max``, ``unit``,
        ``qualifier``, ``direction``, ``quote``, ``doc`` (the document's
        title), the written ``name``, ``document_id``, ``sentence_id``,
        ``quote_start`` (the quote's offset) and ``start``/``end`` in the
        document text, and ``indicator_id``; ``target`` also the
        ``strength`` (hard 确保, soft 力争, planned 预期/将) and
        ``commitment_id``; ``result`` also ``evidence`` (figure or
        statement). ``result`` is None when no evidence was found.

    Example: the 广东 2025 report's 地区生产总值增长5%左右 against the 2026
    report's 3.9% gives ``{"entity": "广东省", "indicator": "GDP增长",
    "period": "2025", "status": "not_met", "reason": "3.9% is below the
    target of 5%左右 (allowing 0.5 points)", …}``.
    """
    pairs = [p for part in audit_parts(store, entity, period, indicator) for p in part]
    pairs.sort(key=lambda p: (p["entity"], p["indicator"], p["period"]))
    return {"pairs": pairs}


def iter_audit(store: Any, entity: str | None = None, period: str | int | None = None,
               indicator: str | None = None) -> Iterator[dict[str, Any]]:
    """The pairs of :func:`audit`, in the same order, one entity's at a time: what a
    caller that writes them out as they come needs to hold is one entity's pairs."""
    for part in audit_parts(store, entity, period, indicator):
        # entities come in name order, so sorting each one's pairs sorts them all
        yield from sorted(part, key=lambda p: (p["entity"], p["indicator"], p["period"]))


def audit_parts(store: Any, entity: str | None = None, period: str | int | None = None,
                indicator: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """The pairs of :func:`audit`, one entity at a time (not sorted).

    A target only ever meets evidence of its own entity, so each entity is
    audited on its own documents' facts: memory follows the largest entity,
    not the store (an archive of 100,000 documents would not fit). An
    entity that names no place gets no evidence, so only its targets are read.
    """
    want_entity = None
    if entity:
        from zongjie.analysis.compare import _entity_arg

        want_entity = _entity_arg(entity)
    for ent, documents in _entity_documents(store):
        if want_entity is None or ent == want_entity:
            yield _audit_entity(store, ent, documents, period, indicator)


def _entity_documents(store: Any) -> list[tuple[str, list[str]]]:
    """(entity, ids of its documents) for every entity of the store, reposts left out."""
    from zongjie.analysis.compare import entity_of

    out: dict[str, list[str]] = {}
    for doc_id, org, title in store.db.execute(
            "SELECT id, org, title FROM documents WHERE duplicate_of IS NULL ORDER BY rowid"):
        out.setdefault(entity_of(org, title), []).append(doc_id)
    return sorted(out.items())


def _audit_entity(store: Any, ent: str, documents: list[str], period: str | int | None,
                  indicator: str | None) -> list[dict[str, Any]]:
    anonymous = _anonymous(ent)
    kinds = ("target",) if anonymous else None  # (see audit_parts)
    facts = [f for f in indicator_facts(store, indicator=indicator, documents=documents, kinds=kinds)
             if not _not_a_target(f)]
    facts = commitment_targets(store, facts, indicator=indicator, documents=documents)
    by_place: dict[tuple[str, str | None], list[Statement]] = {}
    for st in [] if anonymous else find_statements(store, documents=documents):
        by_place.setdefault((st.entity, st.period), []).append(st)
    by_indicator: dict[str, list[Fact]] = {}
    for f in facts:
        by_indicator.setdefault(f.indicator, []).append(f)
    pairs = []
    want = str(period) if period is not None else None
    for name, fs in by_indicator.items():
        groups = group(fs)
        for (ent, per, unit), kinds in groups.items():
            if not kinds["target"] or (want is not None and per != want):
                continue
            t = best(kinds["target"])
            assert t is not None
            lead = _lead(store, t)
            if t.strength is None and lead:
                t = replace(t, strength=strength_of(lead))
            direction = t.direction
            # 投资 in one report and 投资 in the next are seldom the same figure
            generic = t.method is None and is_generic(t.name)
            evidence = [] if generic else [f for f in kinds["actual"] if _later(f, t) and _comparable(f, t)]
            if not evidence and not generic and per.endswith(("-H2", "-Q4")):
                # a target for the second half (年底前…达到85%) is met or not by the year-end figure
                # of the year's summary
                year = groups.get((ent, per[:4], unit), {"actual": []})["actual"]
                evidence = [f for f in year if _later(f, t) and _comparable(f, t)]
            a = best(evidence)
            result: dict[str, Any] | None = None
            if generic:
                status, reason = "no_evidence", f"'{t.name}' is too general a name to match across documents"
            elif _anonymous(ent):
                # two documents of unknown bodies, or of 市卫生局 of no named city, may speak for different ones
                status, reason = "no_evidence", f"the body or region of the target's document is not named ({ent})"
            else:
                if a is None:
                    # a figure in another unit is named in the reason, never compared
                    a = best([f for (e2, p2, u2), k in groups.items() if e2 == ent and p2 == per and u2 != unit
                              for f in k["actual"] if _later(f, t) and _comparable(f, t)])
                status, reason = judge(_figure(t, direction), _figure(a, direction) if a else None)
                if a is None and any(_later(f, t) for f in kinds["actual"]):
                    reason = ("the later figures are not comparable: a starting point (从…提高到), an average "
                              "over years, a plan, or a flow (新增) against a level")
                if status == "not_met" and a is not None:
                    part = _countable(_figure(t, direction), _figure(a, direction))
                    if part:
                        status, reason = "partly", part
                said = _statement_for(t, by_place.get((ent, per), []), specific_only=True)
                if said is not None and status != "no_evidence" and said[0] != status:
                    # the later report says in words that the target was (not) achieved: its own
                    # verdict outweighs a figure that may be another measure of the same name
                    status, reason, st = said
                    shown = _fmt(a.value, a.unit) if a is not None and a.value is not None else "a figure"
                    reason = reason.replace("no comparable figure; ", "") + f" (a figure found for it, {shown}, is set aside)"
                    result = _statement_side(st, direction)
                elif status != "no_evidence" and a is not None:
                    result = {**_side(a, direction, with_strength=False), "evidence": "figure"}
                else:
                    said = _statement_for(t, by_place.get((ent, per), []), lead=lead)
                    if said is not None:
                        status, reason, st = said
                        result = _statement_side(st, direction)
            pairs.append({
                "entity": ent,
                "indicator": name,
                "period": per,
                "target": _side(t, direction, with_strength=True),
                "result": result,
                "status": status,
                "reason": reason,
            })
    pairs.extend(_multi_part(store, pairs))
    return pairs


def _multi_part(store: Any, pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One pair per commitment of several countable deliverables (新建幼儿园100所、中小学50所).

    Its status comes from its parts' pairs, which stay: all met is met; some
    met and some short is partly; all evidenced parts short is not_met (the
    whole was not delivered); some met and the rest without evidence is
    no_evidence (the whole may or may not be done). Commitments none of whose
    parts has evidence give no pair.
    """
    parts: dict[int, list[dict[str, Any]]] = {}
    for p in pairs:
        t = p["target"]
        if t.get("commitment_id") and t.get("indicator_id") and (t["unit"] or "") in COUNT_UNITS:
            parts.setdefault(t["commitment_id"], []).append(p)
    out = []
    for cid, ps in parts.items():
        if len({p["indicator"] for p in ps}) < 2:
            continue
        ps.sort(key=lambda p: p["target"]["start"])  # the parts in the order the commitment lists them
        statuses = [p["status"] for p in ps]
        met = statuses.count("met")
        short = statuses.count("not_met") + statuses.count("partly")
        unknown = statuses.count("no_evidence")
        if met + short == 0:
            continue
        if met == len(ps):
            status = "met"
        elif met and short or statuses.count("partly"):
            status = "partly"
        elif short:
            status = "not_met"
        else:
            status = "no_evidence"
        row = store.db.execute("SELECT text, start, \"end\", strength FROM commitments WHERE id = ?", [cid]).fetchone()
        if row is None:
            continue
        text, start, end, strength = row
        first = ps[0]["target"]
        listed = "; ".join(f"{p['indicator']} {p['status']}" for p in ps)
        reason = (f"{met} of {len(ps)} parts met, {short} short, {unknown} without evidence ({listed})")
        evidenced = next(p["result"] for p in ps if p["result"] is not None)
        out.append({
            "entity": ps[0]["entity"],
            "indicator": text if len(text) <= 40 else text[:39] + "…",
            "period": ps[0]["period"],
            "target": {
                "value": None, "value_max": None, "unit": None, "qualifier": None, "direction": "floor",
                "quote": first["quote"], "doc": first["doc"], "name": text, "document_id": first["document_id"],
                "sentence_id": first["sentence_id"], "quote_start": first["quote_start"], "start": start,
                "end": end, "indicator_id": None, "strength": strength or first.get("strength"),
                "commitment_id": cid, "parts": [p["indicator"] for p in ps],
            },
            "result": {**evidenced, "value": None, "value_max": None, "unit": None, "qualifier": None,
                       "indicator_id": None, "evidence": "count",
                       "parts": [{"indicator": p["indicator"], "status": p["status"]} for p in ps]},
            "status": status,
            "reason": reason,
        })
    return out


def _lead(store: Any, t: Fact) -> str:
    """The lead a list of targets hangs from when it is the sentence before (…主要预期目标是：), else ''."""
    if t.sentence_id is None:
        return ""
    row = store.db.execute(
        "SELECT p.text FROM sentences s JOIN sentences p ON p.document_id = s.document_id AND p.idx = s.idx - 1 "
        "WHERE s.id = ?", [t.sentence_id]).fetchone()
    if row is None or not row[0].rstrip().endswith(("：", ":")):
        return ""
    return row[0]


def commitment_targets(store: Any, facts: list[Fact], *, indicator: str | None = None,
                       documents: Sequence[str] | None = None) -> list[Fact]:
    """``facts`` plus the measurable commitments that state a target of their own.

    A measurable commitment (with a target indicator, a value and a
    deadline) that holds an indicator target of the same document is that
    target: the target gets the commitment's id, and its strength when the
    target's own words give none. Any other becomes a target of the
    deadline's year.
    """
    from zongjie.analysis.compare import entity_of, in_documents

    want = canonical_name(indicator).name if indicator else None
    targets: dict[str, list[int]] = {}
    for i, f in enumerate(facts):
        if f.kind == "target" and f.source == "indicator":
            targets.setdefault(f.document_id, []).append(i)
    out = list(facts)
    only, params = in_documents("c.document_id", documents)
    rows = store.db.execute(
        "SELECT c.id, c.document_id, d.title, d.year, d.doc_type, d.org, c.text, c.start, c.\"end\", c.deadline, "
        "c.strength, c.target_name, c.target_value, c.target_unit, c.target, s.text, s.start, c.sentence_id "
        "FROM commitments c JOIN documents d ON d.id = c.document_id LEFT JOIN sentences s ON s.id = c.sentence_id "
        "WHERE c.measurable = 1 AND c.deadline IS NOT NULL AND c.target_value IS NOT NULL "
        "AND d.duplicate_of IS NULL "  # a reposted report counts once
        f"AND trim(coalesce(c.target_name, '')) != ''{only} ORDER BY c.id", params
    )
    for (cid, doc_id, title, year, doc_type, org, text, start, end, deadline, strength, tname, tvalue, tunit,
         tjson, sentence, sent_start, sid) in rows:
        inside = [i for i in targets.get(doc_id, ()) if start <= out[i].start and out[i].end <= end]
        if inside:
            for i in inside:
                f = out[i]
                out[i] = replace(f, commitment_id=f.commitment_id or cid, strength=f.strength or strength)
            continue
        canon = canonical_name(tname)
        if want is not None and canon.name != want:
            continue
        ent = entity_of(org, title)
        if not deadline[:4].isdigit() or (year is not None and int(deadline[:4]) < year):
            continue  # a deadline before the document is a review, not a target
        try:
            qualifier = (json.loads(tjson) or {}).get("qualifier") if tjson else None
        except ValueError:
            qualifier = None
        out.append(Fact(
            id=cid, document_id=doc_id, doc=title, doc_year=year, doc_type=doc_type, entity=ent,
            period=deadline[:4], name=tname, indicator=canon.name, method=canon.method, value=tvalue,
            value_max=None, unit=tunit, qualifier=qualifier, kind="target", masked=False, suspect=False,
            comparison=None, quote=sentence or text, clause=text, sentence_id=sid, start=start, end=end,
            direction=direction_of(canon.name, text, qualifier), strength=strength or strength_of(text),
            sentence_start=sent_start if sent_start is not None else start, source="commitment", commitment_id=cid,
        ))
    return out


# a plan in the later report (今年拟安排财政赤字9000亿元) is no result of the last one
_PLANNED = re.compile(r"今年拟|拟安排|拟按|拟发行|预期目标|力争|争取|应该|应当")
# 从2.77%提高到, 由2020年的53.2%提升到: where a change started
_STARTING = re.compile(r"[从由](?:\d{4}年(?:底|末)?的?|上年的?|“[^”]{1,6}”末的?)?$")
# 扣除房地产开发投资后，固定资产投资增长2.7%: a part of the measure, not the measure
_SUBSET = re.compile(r"扣除|剔除|不含|除去")
# an average or total over years right before the number (城镇新增就业年均超过70万人)
_YEARS = re.compile(r"年均|累计|五年|以来|期间|平均每年|每年平均")
_FLOW = ("新增", "新建", "新开工", "新引进", "新认定")
# 均超7.3万人, 分别增长: one figure for several subjects (平均, 人均 are no such thing)
_SHARED = re.compile(r"(?<![平人年])均(?!值|衡)|分别")
# the later report listing its own targets (今年经济社会发展的主要预期目标是：…粮食产量513万吨以上)
_TARGET_LIST = re.compile(r"预期目标是|预期目标为|主要目标是|主要预期目标：")
# a rank or a record is something achieved, not a target (社会消费品零售总额增长5%、居全国第六)
_ACHIEVED = re.compile(r"居全国第|居全国前|位居全国|位列全国|创历史新高|历史最好")


def _before(f: Fact, width: int = 6) -> str:
    """The few characters of the quote just before the fact's number."""
    at = f.start - f.sentence_start
    return f.quote[max(0, at - width):max(0, at)] if 0 <= at <= len(f.quote) else ""


def _comparable(result: Fact, target_fact: Fact) -> bool:
    """The result can be evidence for the target at all.

    Not a starting point (研发投入强度从2.77%提高到3.3%: 2.77% is where it
    started), not an average or total over years (年均超过70万人; 6600万人
    under 过去五年工作回顾) against a target for one year, not a plan of the later report (今年拟安排…), and a flow
    (新增46家) never against a level (企业达220家), nor a level against a flow.
    """
    if _STARTING.search(_before(result, 12)):
        return False
    if _SUBSET.search(_before(result, 20)):
        return False
    here, there = _list_position(result), _list_position(target_fact)
    if here is not None and there is not None and here != there:
        return False
    # 退役军人、残疾人新增就业均超7.3万人: a figure shared by several subjects is none of them alone
    if _SHARED.search(_before(result, 4)):
        return False
    if _YEARS.search(_before(result, 8)) and not _YEARS.search(_before(target_fact, 8)):
        return False
    if result.multi_year and not target_fact.multi_year and _total_of_years(result, target_fact):
        return False
    if _PLANNED.search(result.clause) or _TARGET_LIST.search(result.quote):
        return False
    flow_r = any(w in result.name or w in _before(result) for w in _FLOW)
    flow_t = any(w in target_fact.name or w in _before(target_fact) for w in _FLOW)
    return flow_r == flow_t


def _list_position(f: Fact) -> int | None:
    """Which figure of a 分别 list the fact is (城乡居民人均可支配收入分别增长6%和7.4%: 7.4% is the second),
    or None outside such a list."""
    head = re.split(r"[，。；;：:]", _before(f, 40))[-1]  # within the figure's own clause
    at = head.rfind("分别")
    if at < 0:
        return None
    return len(re.findall(r"\d+(?:\.\d+)?", head[at:]))


def _total_of_years(result: Fact, target_fact: Fact) -> bool:
    """A figure at least three times a yearly target, under a heading over several years
    (过去五年工作回顾: 城镇新增就业6600万人 against 1100万人 a year), is a total of those years."""
    if result.value is None or target_fact.value is None or target_fact.value <= 0:
        return False
    if result.unit != target_fact.unit or (result.unit or "") in _PERCENT_UNITS:
        return False
    return result.value >= 3 * target_fact.value


def _later(result: Fact | Statement, target_fact: Fact) -> bool:
    """The result comes from a document written after the target's."""
    if result.document_id == target_fact.document_id:
        return False
    if result.doc_year is None or target_fact.doc_year is None:
        return True
    return result.doc_year >= target_fact.doc_year


def summary(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counts of each status by entity and indicator, for a report's first table."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for p in pairs:
        row = counts.setdefault((p["entity"], p["indicator"]), dict.fromkeys(STATUSES, 0))
        row[p["status"]] += 1
    return [{"entity": e, "indicator": i, **c} for (e, i), c in sorted(counts.items())]


_AUDIT_COLUMNS = (
    "entity", "indicator", "period", "status", "reason", "evidence", "direction", "strength",
    "target_indicator_id", "target_commitment_id", "target_document_id", "target_value", "target_value_max",
    "target_unit", "target_qualifier", "target_quote", "target_start", "target_end", "result_indicator_id",
    "result_document_id", "result_value", "result_unit", "result_qualifier", "result_quote", "result_start",
    "result_end", "audited_at",
)


def _audit_row(p: dict[str, Any], at: str) -> tuple:
    t, r = p["target"], p["result"] or {}
    return (
        p["entity"], p["indicator"], p["period"], p["status"], p["reason"], r.get("evidence"), t["direction"],
        t.get("strength"), t.get("indicator_id"), t.get("commitment_id"), t["document_id"], t["value"],
        t["value_max"], t["unit"], t["qualifier"], t["quote"], t["start"], t["end"], r.get("indicator_id"),
        r.get("document_id"), r.get("value"), r.get("unit"), r.get("qualifier"), r.get("quote"), r.get("start"),
        r.get("end"), at,
    )


def save_canonical(store: Any) -> int:
    """Rewrite ``indicator_canonical``: each indicator fact's canonical indicator. Returns the rows written."""
    from zongjie.analysis.canonical import canonical_name

    written = 0
    with store._write() as conn:
        conn.execute("DELETE FROM indicator_canonical")
        names = conn.execute("SELECT id, name FROM indicators ORDER BY id")
        while chunk := names.fetchmany(10_000):  # streamed: a large store has millions
            rows = []
            for fid, name in chunk:
                c = canonical_name(name) if name and name.strip() else None
                if c is not None:
                    rows.append((fid, c.name, c.method or "none", c.score))
            conn.executemany("INSERT INTO indicator_canonical (indicator_id, canonical, method, score) "
                             "VALUES (?, ?, ?, ?)", rows)
            written += len(rows)
    return written


def save_audit(store: Any, *, wait: float = 60.0) -> dict[str, int]:
    """Audit the whole store and rewrite its ``audits`` and ``indicator_canonical`` tables.

    Both tables are derived from the facts, so they are replaced whole, each
    in one transaction, under the store's writer lock (waiting up to
    ``wait`` seconds for another writer).

    Args:
        store: a Store opened for writing.

    Returns:
        Rows written per status, and ``indicator_canonical``.
    """
    from datetime import UTC, datetime

    counts = dict.fromkeys(STATUSES, 0)
    with store.writer_lock(wait=wait):
        canonical = save_canonical(store)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        placeholders = ", ".join("?" for _ in _AUDIT_COLUMNS)
        columns = ", ".join(_AUDIT_COLUMNS)
        with store._write() as conn:
            conn.execute("DELETE FROM audits")
            for pairs in audit_parts(store):  # one entity at a time: memory follows the largest entity
                pairs.sort(key=lambda p: (p["entity"], p["indicator"], p["period"]))
                conn.executemany(f"INSERT INTO audits ({columns}) VALUES ({placeholders})",
                                 [_audit_row(p, at) for p in pairs])
                for p in pairs:
                    counts[p["status"]] += 1
    counts["indicator_canonical"] = canonical
    return counts
