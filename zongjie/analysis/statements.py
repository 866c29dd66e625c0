"""Plain statements that targets were or were not achieved, as audit evidence without a figure.

节能减排、物价调控目标没有完成 (the 2012 report on 2011) says the price
target was missed; 全年经济社会发展主要目标任务圆满完成 says the main targets
were met. The words are data (``zongjie/data/indicators/statements.yaml``,
with examples that the tests run): a clause is a statement when it holds an
achievement verb and an object (目标, 任务, 计划, 指标), no hedge (确保完成 is
a promise, 预计可以完成 a forecast), no other horizon (五年, 规划) and no vague
share (部分…未能实现 does not say which). Vague wording (保持较低水平,
多年来最低) holds no such verb and is never evidence.

    >>> classify("节能减排、物价调控目标没有完成")
    ('not_met', False)
    >>> classify("全年经济社会发展主要目标任务圆满完成")
    ('met', True)
    >>> classify("确保全面完成全年目标任务") is None
    True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from zongjie.analysis.canonical import strip_ends

__all__ = ["Statement", "classify", "find_statements", "mentions", "statement_words"]

_CLAUSE = re.compile(r"[^，。；;！？!?：:]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# stems shorter than this, or among these, name nothing in particular
_STOP_STEMS = {"经济", "发展", "社会", "工作", "建设", "生产", "增长", "总值", "总额", "水平", "目标", "任务", "指标"}
_STEM_ENDS = tuple(sorted(("实际增长", "增长率", "增长", "增速", "涨幅", "上涨", "下降", "降低", "减少", "增加", "提高",
                          "预期目标", "目标", "人数"), key=len, reverse=True))


@functools.cache
def statement_words() -> dict[str, Any]:
    """The statement lexicon, from ``zongjie/data/indicators/statements.yaml`` (compiled by hand
    from the review parts of the national reports 1954–2025 and the provincial 2025/2026 reports)."""
    text = resources.files("zongjie.data.indicators").joinpath("statements.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str]]:
    words = statement_words()
    status_of = {v: status for status, verbs in words["verbs"].items() for v in verbs}
    verbs = re.compile("|".join(sorted(map(re.escape, status_of), key=len, reverse=True)))
    hedges = re.compile("|".join(words["hedges"]))
    return verbs, status_of, hedges


@dataclass(frozen=True)
class Statement:
    """One statement clause of a document, placed at an (entity, period) like an actual figure."""

    status: str  # met | not_met | partly
    general: bool  # speaks of the main targets as a whole
    clause: str
    context: str  # the clause, and the one before it when the clause names nothing itself
    document_id: str
    doc: str | None
    doc_year: int | None
    doc_type: str | None
    entity: str
    period: str | None
    quote: str
    sentence_id: int
    sentence_start: int
    start: int
    end: int


def classify(clause: str) -> tuple[str, bool] | None:
    """(status, general) of a clause, or None when it is no statement of achievement.

    >>> classify("粮食总产量达77亿斤、超额完成任务")
    ('met', False)
    >>> classify("城镇调查失业率保持在较低水平") is None
    True
    """
    words = statement_words()
    verbs, status_of, hedges = _patterns()
    m = verbs.search(clause)
    if m is None or not any(o in clause for o in words["objects"]):
        return None
    if hedges.search(clause[: m.start()]):
        return None
    if any(w in clause for w in words["other_horizons"]):
        return None
    status = status_of[m.group(0)]
    # 部分完成 is partly; 部分…未能实现 does not say which targets
    share = clause.replace(m.group(0), "")
    if any(w in share for w in words["uncertain_share"]):
        return None
    general = any(w in clause for w in words["general"]) and _leftover(clause, framing=True) <= 2
    return status, general


def _leftover(clause: str, *, framing: bool = False) -> int:
    """CJK characters of a clause once verbs, objects and general (and framing) words are taken out."""
    words = statement_words()
    rest = clause
    groups = [sorted((v for vs in words["verbs"].values() for v in vs), key=len, reverse=True),
              words["general"], words["objects"], ["预期", "年初", "确定的", "全年", "年度", "去年", "今年"]]
    if framing:
        groups.append(sorted(words["general_framing"], key=len, reverse=True))
    for group in groups:
        for w in group:
            rest = rest.replace(w, "")
    return len(_CJK.findall(rest))


def find_statements(store: Any, *, documents: Sequence[str] | None = None) -> list[Statement]:
    """Every statement clause of the store (of ``documents`` only, if given), with its entity and period.

    The period is the one a figure in the same sentence would speak of
    (:func:`zongjie.analysis.compare.period_of`): a report's review speaks
    of the year before it.
    """
    from zongjie.analysis.compare import _sentence_years, entity_of, in_documents, period_of

    words = statement_words()
    verbs = [v for vs in words["verbs"].values() for v in vs]
    where = " OR ".join("s.text LIKE ?" for _ in verbs)
    years = None
    out: list[Statement] = []
    only, params = in_documents("s.document_id", documents)
    rows = store.db.execute(
        "SELECT s.id, s.text, s.start, d.id, d.title, d.year, d.doc_type, d.period, d.org FROM sentences s "
        f"JOIN documents d ON d.id = s.document_id WHERE d.duplicate_of IS NULL AND ({where}){only} "
        "ORDER BY d.year, d.id, s.start",
        [f"%{v}%" for v in verbs] + params,
    )
    for sid, text, sent_start, doc_id, title, year, doc_type, period, org in rows:
        ent = entity_of(org, title)
        clauses = list(_CLAUSE.finditer(text))
        for i, m in enumerate(clauses):
            clause = m.group(0).strip()
            found = classify(clause)
            if found is None:
                continue
            if years is None:
                years = _sentence_years(store, documents)
            status, general = found
            context = clause
            if _leftover(clause) < 4 and i > 0:
                context = clauses[i - 1].group(0) + "，" + clause
            out.append(Statement(
                status=status, general=general, clause=clause, context=context, document_id=doc_id, doc=title,
                doc_year=year, doc_type=doc_type, entity=ent,
                period=period_of("actual", doc_type, year, period, years.get(sid)),
                quote=text, sentence_id=sid, sentence_start=sent_start,
                start=sent_start + m.start(), end=sent_start + m.end(),
            ))
    return out


def _stem(name: str) -> str:
    """The name without the words of change or aim at its end: 经济增长预期目标 → 经济."""
    return strip_ends(name, suffixes=_STEM_ENDS)


@functools.cache
def _keys(indicator: str, written: str) -> tuple[str, ...]:
    """Words that name a target of ``indicator`` (written ``written``) in a statement."""
    from zongjie.analysis.canonical import _by_name, _table, clean_name

    generic = set(_table().get("generic_names", ()))

    names = {clean_name(written), indicator}
    ind = _by_name().get(indicator)
    if ind is not None:
        names.update(clean_name(v, strip=False) for v in ind.variants)
    keys = set()
    for name in names:
        stem = _stem(name)
        if len(stem) >= 2 and stem not in _STOP_STEMS and stem not in generic:
            keys.add(stem)
    return tuple(sorted(keys, key=len, reverse=True))


def mentions(statement_text: str, indicator: str, written: str) -> bool:
    """The statement names the target's indicator (any written name of it).

    A name inside another measure's name does not count: the indicator's
    ``exclude`` words (能耗 for GDP增长) next to it make it that other measure.

    >>> mentions("节能减排、物价调控目标没有完成", "CPI涨幅", "居民消费价格涨幅")
    True
    >>> mentions("节能减排、物价调控目标没有完成", "GDP增长", "国内生产总值增长")
    False
    >>> mentions("没有实现年初确定的单位国内生产总值能耗降低4%左右的目标", "GDP增长", "国内生产总值增长")
    False
    """
    exclude = _exclude(indicator)
    for key in _keys(indicator, written):
        for m in re.finditer(re.escape(key), statement_text):
            around = statement_text[max(0, m.start() - 4):m.end() + 6]
            if not any(w in around and w not in key for w in exclude):
                return True
    return False


@functools.cache
def _exclude(indicator: str) -> tuple[str, ...]:
    from zongjie.analysis.canonical import _by_name

    ind = _by_name().get(indicator)
    return tuple(ind.exclude) + ("单位",) if ind is not None else ()
