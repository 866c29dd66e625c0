"""Line an indicator up across years: the actual and the target of each period.

Every indicator fact of the store is read with its document's metadata and
placed at an (entity, period):

- the **entity** is the body or region the document speaks for: its ``org``
  normalised through the gazetteer (广东省人民政府 → 广东省, 国务院 → 全国);
- the **period** a fact speaks of: a 政府工作报告's year is the year it plans
  for, so its targets are for that year and its actual figures review the
  year before; a summary's actuals are for its own period and its targets
  for the next one (a 2023 summary plans 2024, a first-half summary the
  second half). A sentence naming one full year (2012年，…国内生产总值增长7.8%)
  speaks of that year.

Values are never mixed across units: % and 个百分点, 元 and 人 stay in
separate rows.

    >>> rows = compare(store, "国内生产总值增长", entity="全国")     # doctest: +SKIP
    >>> [(r["period"], r["actual"], r["target"]) for r in rows]   # doctest: +SKIP
    [('2012', 7.8, 7.5), ('2013', None, 7.5), ('2018', 6.6, 6.5), ('2019', None, 6.0)]
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zongjie.analysis.canonical import canonical_name, clean_name, direction_of, strength_of

__all__ = ["Fact", "compare", "entity_of", "indicator_facts", "indicator_variants", "period_of"]

_ORG_SUFFIXES = ("人民政府办公厅", "人民政府", "政府办公厅", "政府", "办公厅")
_YEAR_WORD = re.compile(r"^(\d{4})年")
_CLAUSE_END = re.compile(r"[。；;！？]")
_REPORT_TYPES = ("report", "plan")
_MAIN_TARGET_WORDS = ("预期目标", "主要目标")
# a heading over several years: 过去五年工作回顾, “十一五”时期…的回顾, “十五”期间…
_MULTI_YEAR_HEADING = re.compile(r"五年|十[一二三四五六七八九]?五|以来|期间|时期")
_SPREAD = re.compile(r"累计|五年|年均|过去|以来|期间")
# a change whose subject is the figure before it: 国内生产总值达到56.9万亿元，比上年增长7.7%
_ELIDED = re.compile(r"^(?:比上年|比去年|同比|较上年)?(?:实际)?(?:增长|下降|增加|减少)$")


@dataclass
class Fact:
    """One indicator fact, placed at an (entity, period).

    ``indicator`` is the canonical name, ``name`` the name as written;
    ``quote`` the sentence, ``clause`` the part of it that states the fact;
    ``start``/``end`` the number's offsets in the document text.
    """

    id: int
    document_id: str
    doc: str | None
    doc_year: int | None
    doc_type: str | None
    entity: str
    period: str | None
    name: str
    indicator: str
    method: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    qualifier: str | None
    kind: str
    masked: bool
    suspect: bool
    comparison: str | None
    quote: str
    clause: str
    sentence_id: int | None
    start: int
    end: int
    direction: str
    strength: str | None
    sentence_start: int = 0  # the quote's offset in the document text
    dated: bool = False  # the sentence names the period's year itself
    spread: bool = False  # the clause speaks of several years (五年累计, 年均)
    section_role: str | None = None  # review, problems, plan or other: the role of the fact's section
    multi_year: bool = False  # the section's heading speaks of several years (过去五年工作回顾, “十一五”时期)
    source: str = "indicator"  # indicator (an indicators row) or commitment (a commitments row; id is its id)
    commitment_id: int | None = None  # the measurable commitment stating this target, if any


@functools.cache
def _normalise_region(name: str) -> str | None:
    try:
        from zongjie.extract.entities import normalise_region
    except ImportError:  # pragma: no cover - the extract package ships with zongjie
        return None
    return normalise_region(name)


def entity_of(org: str | None, title: str | None = None) -> str:
    """The body or region a document speaks for.

    >>> entity_of("广东省人民政府"), entity_of("国务院"), entity_of(None, "2025年河南省政府工作报告")
    ('广东省', '全国', '河南省')
    """
    if org:
        base = org.strip()
        for suffix in _ORG_SUFFIXES:
            if base.endswith(suffix) and len(base) > len(suffix):
                base = base[: -len(suffix)]
                break
        for candidate in (base, org.strip()):
            region = _normalise_region(candidate)
            if region:
                return region
        return base
    if title:
        head = re.sub(r"^\d{4}年(度)?", "", title.strip())
        # the longest leading name the gazetteer knows: 河南省政府工作报告 → 河南省
        for n in range(min(len(head), 12), 1, -1):
            region = _normalise_region(head[:n])
            if region:
                return region
    return "未知"


def period_of(kind: str, doc_type: str | None, year: int | None, period: str | None,
              sentence_year: int | None = None) -> str | None:
    """The period a fact speaks of, as ``"2024"`` or ``"2024-H1"``.

    Args:
        kind: ``actual`` or ``target``.
        doc_type, year, period: the document's metadata.
        sentence_year: the one full year the sentence names, if any.

    >>> period_of("actual", "report", 2013, "FY"), period_of("target", "report", 2013, "FY")
    ('2012', '2013')
    >>> period_of("target", "summary", 2023, "H1"), period_of("actual", "summary", 2023, "H1")
    ('2023-H2', '2023-H1')
    """
    if year is None:
        return None
    if doc_type in _REPORT_TYPES:
        if sentence_year is not None:
            if kind == "actual" and sentence_year < year:
                return str(sentence_year)
            if kind == "target" and sentence_year >= year:
                return str(sentence_year)
        return str(year - 1 if kind == "actual" else year)
    if sentence_year is not None and (sentence_year > year if kind == "target" else sentence_year <= year):
        return str(sentence_year)
    if kind == "actual":
        return str(year) if period in (None, "FY", "other") else f"{year}-{period}"
    if period == "H1":
        return f"{year}-H2"
    return str(year + 1)


def in_documents(column: str, documents: Sequence[str] | None) -> tuple[str, list[str]]:
    """An SQL condition keeping ``column`` to ``documents`` (``AND …``; empty for all) and its parameters."""
    if documents is None:
        return "", []
    return f" AND {column} IN (SELECT value FROM json_each(?))", [json.dumps(list(documents))]


def _sentence_years(store: Any, documents: Sequence[str] | None = None) -> dict[int, int]:
    """Sentence id → the one full year its time expressions name literally (2012年), in ``documents`` (all when None)."""
    years: dict[int, set[int]] = {}
    where, params = in_documents("document_id", documents)
    for sid, text, date_from, date_to in store.db.execute(
        "SELECT sentence_id, text, date_from, date_to FROM times "
        f"WHERE sentence_id IS NOT NULL AND masked = 0 AND kind = 'period'{where}", params
    ):
        m = _YEAR_WORD.match(text or "")
        if not m or not date_from or not date_to:
            continue
        if date_from[:4] == date_to[:4] == m.group(1) and date_from[5:] == "01-01" and date_to[5:] == "12-31":
            years.setdefault(sid, set()).add(int(m.group(1)))
    return {sid: ys.pop() for sid, ys in years.items() if len(ys) == 1}


def _clause(sentence: str, sent_start: int, name_start: int | None, end: int) -> str:
    """The part of the sentence from the clause holding the name to the number."""
    left = (name_start if name_start is not None else end) - sent_start
    right = end - sent_start
    cut = 0
    for m in _CLAUSE_END.finditer(sentence, 0, max(left, 0)):
        cut = m.end()
    return sentence[cut:max(right, cut)]


def _resolve_elided(name: str | None, sid: int | None, name_start: int | None, sentence: str | None,
                    sent_start: int | None, previous: tuple[int | None, str, int]) -> str | None:
    """增长 after 国内生产总值达到56.9万亿元， is 国内生产总值增长; any other name is kept.

    Only within one sentence, right after the previous figure, with no
    clause break (；。) between them.
    """
    prev_sid, prev_name, prev_end = previous
    if not name or sid is None or prev_sid != sid or not prev_name or not _ELIDED.match(name.strip()):
        return name
    if sentence is None or sent_start is None or name_start is None:
        return name
    between = sentence[max(prev_end - sent_start, 0):max(name_start - sent_start, 0)]
    if _CLAUSE_END.search(between) or len(between) > 4:
        return name
    subject = re.sub(r"(达到|增加到|增至|为|突破|超过)$", "", clean_name(prev_name))
    return subject + name.strip()[-2:] if subject else name


def _span(sentence: str, sent_start: int, name_start: int | None, end: int) -> str:
    left = (name_start if name_start is not None else end) - sent_start
    return sentence[max(left, 0):max(end - sent_start, 0)]


def indicator_facts(store: Any, *, indicator: str | None = None, entity: str | None = None,
                    documents: Sequence[str] | None = None, kinds: Sequence[str] | None = None) -> list[Fact]:
    """Every indicator fact of the store, with canonical name, entity and period.

    Args:
        store: an open :class:`zongjie.schema.store.Store`.
        indicator: keep only facts of this indicator (any written name of it:
            国内生产总值增长 and GDP增长 select the same facts).
        entity: keep only this entity (广东, 广东省 and 广东省人民政府 agree).
        documents: keep only the facts of these documents (ids).
        kinds: keep only facts of these kinds (``target``, ``actual``).
    """
    want = canonical_name(indicator).name if indicator else None
    want_entity = _entity_arg(entity) if entity else None
    years = _sentence_years(store, documents)
    facts: list[Fact] = []
    where, params = in_documents("i.document_id", documents)
    rows = store.db.execute(
        "SELECT i.id, i.document_id, d.title, d.year, d.doc_type, d.period, d.org, i.name, i.value, "
        "i.value_max, i.unit, i.qualifier, i.kind, i.masked, i.suspect, i.comparison, s.text, s.start, "
        "i.sentence_id, i.start, i.\"end\", i.name_start, sc.role, sc.heading "
        "FROM indicators i JOIN documents d ON d.id = i.document_id "
        "LEFT JOIN sentences s ON s.id = i.sentence_id "
        "LEFT JOIN sections sc ON sc.document_id = s.document_id AND sc.idx = s.section_idx "
        f"WHERE d.duplicate_of IS NULL{where} "  # a reposted report counts once
        "ORDER BY d.year, i.document_id, i.start", params
    )
    previous: tuple[int | None, str, int] = (None, "", 0)  # sentence, name and end of the last fact
    for (fid, doc_id, title, year, doc_type, period, org, name, value, value_max, unit, qualifier, kind,
         masked, suspect, comparison, sentence, sent_start, sid, start, end, name_start, role, heading) in rows:
        written = name
        name = _resolve_elided(name, sid, name_start, sentence, sent_start, previous)
        previous = (sid, name or "", end)
        if not name or len(name.strip()) < 2:
            continue  # a figure without a name cannot be lined up with anything
        if kinds is not None and kind not in kinds:
            continue  # (after the elided name: the fact before it may be of the other kind)
        canon = canonical_name(name)
        if want is not None and canon.name != want:
            continue
        ent = entity_of(org, title)
        if want_entity is not None and ent != want_entity:
            continue
        sentence = sentence or ""
        clause = _clause(sentence, sent_start or 0, name_start, end) if sentence else ""
        sentence_year = years.get(sid)
        fact_period = period_of(kind, doc_type, year, period, sentence_year)
        facts.append(Fact(
            id=fid, document_id=doc_id, doc=title, doc_year=year, doc_type=doc_type, entity=ent,
            period=fact_period,
            name=written if written == name else f"{written} ({name})", indicator=canon.name, method=canon.method, value=value, value_max=value_max,
            unit=unit, qualifier=qualifier, kind=kind, masked=bool(masked), suspect=bool(suspect),
            comparison=comparison, quote=sentence, clause=clause, sentence_id=sid, start=start, end=end,
            # 控制在/以内 between the name and the number caps it, not words of a neighbour
            # (the name's own words do not count: 3岁以下婴幼儿托位数 is no ceiling)
            direction=direction_of(canon.name, _span(sentence, sent_start or 0, name_start, end).replace(name, ""),
                                   qualifier),
            # the clause's own words, else the sentence's lead (主要预期目标是：…)
            strength=strength_of(clause) or strength_of(_span(sentence, sent_start or 0, sent_start, end)),
            sentence_start=sent_start or 0,
            dated=sentence_year is not None and fact_period is not None and str(sentence_year) == fact_period[:4],
            spread=bool(_SPREAD.search(clause)) and not _SPREAD.search(canon.name),
            section_role=role,
            multi_year=bool(heading and _MULTI_YEAR_HEADING.search(heading)),
        ))
    return facts


def _entity_arg(entity: str) -> str:
    ent = entity_of(entity)
    return ent if ent != "未知" else entity


def _rank(fact: Fact) -> tuple:
    # a synonym before a learned match, a figure for one year before a
    # five-year total (in its clause, then under its heading), a target
    # listed among the main targets first, a sentence naming the year before one that does not,
    # a report before other documents, the earliest document, then the
    # first in the text
    return (
        fact.method != "synonym",
        fact.spread,
        fact.multi_year,
        # a target among the main targets (主要预期目标是：…) before one stated elsewhere
        fact.kind == "target" and not any(w in fact.quote for w in _MAIN_TARGET_WORDS),
        not fact.dated,
        fact.suspect,
        fact.doc_type not in _REPORT_TYPES and fact.doc_type != "summary",
        fact.doc_year if fact.doc_year is not None else 9999,
        fact.start,
    )


def best(facts: list[Fact]) -> Fact | None:
    """The fact to show for one (entity, period, unit, kind): see ``_rank``."""
    return min(facts, key=_rank) if facts else None


def _year_of(period: str) -> int:
    return int(period[:4])


def group(facts: list[Fact]) -> dict[tuple[str, str, str | None], dict[str, list[Fact]]]:
    """Facts by (entity, period, unit), then by kind."""
    out: dict[tuple[str, str, str | None], dict[str, list[Fact]]] = {}
    for f in facts:
        if f.period is None:
            continue
        out.setdefault((f.entity, f.period, f.unit), {"actual": [], "target": []})[f.kind].append(f)
    return out


def compare(store: Any, indicator: str, entity: str | None = None, year_from: int | None = None,
            year_to: int | None = None) -> list[dict[str, Any]]:
    """One row per (entity, period, unit) of an indicator: actual against target.

    Args:
        store: an open Store.
        indicator: any written name of the indicator (GDP增长, 地区生产总值增长…).
        entity: one body or region (全国, 广东…); all when None.
        year_from, year_to: bounds on the period's year, inclusive.

    Returns:
        Rows (dicts) sorted by entity and period, with ``entity``, ``period``,
        ``indicator``, ``unit``, ``actual``, ``actual_qualifier``,
        ``actual_doc``, ``actual_quote``, ``target``, ``target_max``,
        ``target_qualifier``, ``target_doc``, ``target_quote``. A period
        whose figures come in two units gives two rows: 900万人 and 9000000
        人 meet (both are stored in 人), % and 个百分点 never do.

    Example: ``compare(store, "地区生产总值增长", entity="广东")`` →
    ``[{'entity': '广东省', 'period': '2025', 'actual': 3.9, 'target': 5.0,
    'target_qualifier': 'about', 'unit': '%', …}, …]``.
    """
    facts = indicator_facts(store, indicator=indicator, entity=entity)
    rows = []
    for (ent, period, unit), kinds in group(facts).items():
        year = _year_of(period)
        if (year_from is not None and year < year_from) or (year_to is not None and year > year_to):
            continue
        actual, target = best(kinds["actual"]), best(kinds["target"])
        rows.append({
            "entity": ent,
            "period": period,
            "indicator": (actual or target).indicator,  # type: ignore[union-attr]
            "unit": unit,
            "actual": actual.value if actual else None,
            "actual_qualifier": actual.qualifier if actual else None,
            "actual_masked": actual.masked if actual else None,
            "actual_name": actual.name if actual else None,
            "actual_doc": actual.doc if actual else None,
            "actual_quote": actual.quote if actual else None,
            "target": target.value if target else None,
            "target_max": target.value_max if target else None,
            "target_qualifier": target.qualifier if target else None,
            "target_masked": target.masked if target else None,
            "target_name": target.name if target else None,
            "target_doc": target.doc if target else None,
            "target_quote": target.quote if target else None,
        })
    rows.sort(key=lambda r: (r["entity"], r["period"], r["unit"] or ""))
    return rows


def indicator_variants(store: Any, *, min_count: int = 1) -> list[dict[str, Any]]:
    """Canonical indicators of the store with the written names behind them.

    Returns:
        Rows ``{"indicator", "canonical", "facts", "documents", "variants"}``
        sorted by number of facts: ``canonical`` is True for indicators of
        the synonym table (or matched to one), ``variants`` a list of
        ``{"name", "count", "method", "score"}``, the most frequent first.

    Example: ``GDP增长`` with variants 国内生产总值增长 (8), 地区生产总值增长 (3), 经济增长 (1).
    """
    out: dict[str, dict[str, Any]] = {}
    for name, count, docs in store.db.execute(
        "SELECT name, count(*), group_concat(DISTINCT document_id) FROM indicators "
        "WHERE name IS NOT NULL GROUP BY name"
    ):
        if len(name.strip()) < 2:
            continue
        canon = canonical_name(name)
        row = out.setdefault(canon.name, {"indicator": canon.name, "canonical": False, "facts": 0,
                                          "documents": set(), "variants": []})
        row["canonical"] = row["canonical"] or canon.method is not None
        row["facts"] += count
        row["documents"].update((docs or "").split(","))
        row["variants"].append({"name": name, "count": count, "method": canon.method, "score": canon.score})
    rows = []
    for row in out.values():
        if row["facts"] < min_count:
            continue
        row["documents"] = len(row["documents"] - {""})
        row["variants"].sort(key=lambda v: (-v["count"], v["name"]))
        rows.append(row)
    rows.sort(key=lambda r: (not r["canonical"], -r["facts"], r["indicator"]))
    return rows
