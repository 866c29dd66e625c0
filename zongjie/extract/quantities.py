"""Find quantities in text and resolve them to base units.

Finding and resolving are separate steps, as in Recognizers-Text: the rules
in ``rules/quantities.yaml`` find spans (``_find``), and ``parse_quantity``
turns each span into a ``Quantity``: value with the multiplier applied
(62.03万人 → 620300 人), unit as written, qualifier (余 → over, 以上 →
at_least, 以内 → at_most, 约 → about), masked (x%, ***家 → value None,
never guessed), suspect (直报率20230%), comparison (同比增长12.5% →
increase) and the rule id that made it.

Spans that rules with ``action: exclude`` mark (dates, ordinals, numbers in
quoted slogans and 《》 titles, ages, web furniture, phone and document
numbers) lend their numbers to no quantity.

Example::

    >>> [(q.value, q.unit, q.qualifier) for q in find_quantities("先后投入3000余万元")]
    [(30000000.0, '元', 'over')]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zongjie.extract import rules
from zongjie.extract.facts import Quantity
from zongjie.extract.numbers import parse_numeral

__all__ = ["find_quantities", "parse_quantity", "run_example", "Span"]

_MULT = {"万亿": 10**12, "千万": 10**7, "百万": 10**6, "十万": 10**5, "亿": 10**8, "万": 10**4,
         "千": 1000, "百": 100}
_MASK = re.compile(r"[xX*＊×某]")
_CLAUSE_BREAK = re.compile(r"[,，。;；:：!！?？\n]")
_WINDOW = 16  # characters of clause looked at on either side


@dataclass(frozen=True)
class Span:
    """A match of one rule: where it is, before its value is resolved."""

    start: int
    end: int
    rule: str
    match: re.Match[str]


@dataclass
class _Compiled:
    extract: list[rules.Rule]
    exclude: list[rules.Rule]
    unit_fold: dict[str, str]
    qualifiers: dict[str, str]
    per_head: re.Pattern[str]
    per_head_share: re.Pattern[str]
    per_head_any: re.Pattern[str]
    per_unit: re.Pattern[str]
    growth: re.Pattern[str]
    change_max: float
    comparison: list[tuple[str, re.Pattern[str]]]
    mask_guard: re.Pattern[str] | None
    before: dict[str, re.Pattern[str]]
    after: dict[str, re.Pattern[str]]
    across: frozenset[str]


@functools.cache
def _compiled() -> _Compiled:
    rs = rules.load("quantities")
    extract = [r for r in rs.rules if r.options.get("action", "extract") == "extract"]
    exclude = [r for r in rs.rules if r.options.get("action") == "exclude"]
    data = rs.data
    before = {r.id: re.compile(r.options["context_before"]) for r in extract if "context_before" in r.options}
    after = {r.id: re.compile(r.options["context_after"]) for r in extract if "context_after" in r.options}
    # context_before read across the commas of the sentence, not within the clause
    across = frozenset(r.id for r in extract if r.options.get("context_sentence"))
    return _Compiled(
        extract=extract,
        exclude=exclude,
        unit_fold={str(k): str(v) for k, v in (data.get("unit_fold") or {}).items()},
        qualifiers={str(k): str(v) for k, v in (data.get("qualifiers") or {}).items()},
        per_head=re.compile(data["per_head_before"]), per_unit=re.compile(data["per_unit_before"]),
        per_head_share=re.compile(data["per_head_share_before"]), per_head_any=re.compile(data["per_head_any_before"]),
        growth=re.compile(data["growth_before"]),
        change_max=float(data.get("change_max_percent", 1000)),
        comparison=[(k, re.compile(v)) for k, v in (data.get("comparison_before") or {}).items()],
        mask_guard=re.compile(data["mask_guard"]) if data.get("mask_guard") else None,
        before=before, across=across,
        after=after,
    )


def _clause_before(text: str, pos: int, window: int = _WINDOW) -> str:
    left = text[max(0, pos - window):pos]
    parts = _CLAUSE_BREAK.split(left)
    return parts[-1]


def _sentence_before(text: str, pos: int, window: int = 40) -> str:
    """The sentence before ``pos``, across its commas (性别比为108.7，比上年下降2.9)."""
    left = text[max(0, pos - window):pos]
    return re.split(r"[。;；!！?？\n]", left)[-1]


def _clause_after(text: str, pos: int) -> str:
    return _CLAUSE_BREAK.split(text[pos:pos + _WINDOW], maxsplit=1)[0]


def _excluded(text: str, c: _Compiled) -> tuple[bytearray, list[Span]]:
    blocked = bytearray(len(text))
    hits = []
    for rule in c.exclude:
        if rule.regex is None:
            continue
        for m in rule.regex.finditer(text):
            s, e = m.span()
            if e > s:
                blocked[s:e] = b"\x01" * (e - s)
                hits.append(Span(s, e, rule.id, m))
    return blocked, hits


def _find(text: str, c: _Compiled, blocked: bytearray) -> list[Span]:
    """Candidate spans, overlaps resolved: earlier rule first, then the longer match."""
    cands = []
    for prio, rule in enumerate(c.extract):
        if rule.regex is None:
            continue
        for m in rule.regex.finditer(text):
            ns, ne = m.span("num")
            if ne <= ns or any(blocked[ns:ne]):
                continue
            if "num2" in m.re.groupindex and m.group("num2") is not None:
                s2, e2 = m.span("num2")
                if any(blocked[s2:e2]):
                    continue
            if rule.id in c.before or rule.id in c.after:
                b = c.before.get(rule.id)
                a = c.after.get(rule.id)
                left = (_sentence_before if rule.id in c.across else _clause_before)(text, m.start())
                ok = (b is not None and b.search(left)) or \
                     (a is not None and a.search(_clause_after(text, m.end())))
                if not ok:
                    continue
            cands.append((prio, -(m.end() - m.start()), m.start(), Span(m.start(), m.end(), rule.id, m)))
    cands.sort(key=lambda t: t[:3])
    taken = bytearray(len(text))
    out = []
    for _, _, _, span in cands:
        if any(taken[span.start:span.end]):
            continue
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
        out.append(span)
    out.sort(key=lambda sp: sp.start)
    return out


def _group(m: re.Match[str], name: str) -> str | None:
    return m.group(name) if name in m.re.groupindex else None


def _value(num: str, mult: str | None) -> tuple[float | None, str | None, bool]:
    """(value, rate unit from the numeral itself, masked)."""
    if _MASK.search(num) and not any(ch.isdigit() for ch in num if ch not in "×"):
        return None, None, True
    n = parse_numeral(num)
    if n is None:
        return None, None, False
    v = n.value
    if mult:
        # in decimal: 149.2 × 10^8 is 14920000000, not 14919999999.999998
        v = float(Decimal(repr(v)) * _MULT[mult])
    return v, n.unit, False


def parse_quantity(text: str, span: Span) -> Quantity | None:
    """Resolve one found span to a ``Quantity`` (None where the number does not parse).

    Args:
        text: the whole text the span was found in (its context is read).
        span: a match of one of the extraction rules.

    Returns:
        The quantity with offsets into ``text``.

    Example::

        >>> q = find_quantities("保持群众参合率100%")[0]
        >>> q.value, q.unit, q.rule
        (100.0, '%', 'quantity.percent.v1')
    """
    c = _compiled()
    m = span.match
    rule = next(r for r in c.extract if r.id == span.rule)
    num = m.group("num")
    mult = _group(m, "mult") or _group(m, "mult2")
    if rule.options.get("round"):
        # 近千公里, 千余人: a bare 千 is a number only with 近/余 around it
        if not (_group(m, "pre") or _group(m, "approx")):
            return None
        value, rate_unit, masked = _MULT[num], None, False
    else:
        value, rate_unit, masked = _value(num, mult)
    if value is None and not masked:
        return None
    if masked and c.mask_guard and _group(m, "unit") and c.mask_guard.match(text, m.start("unit")):
        return None  # xx人民医院: a masked name, not a masked number
    value_max = None
    if _group(m, "num2"):
        value_max, _, masked2 = _value(m.group("num2"), mult)
        if masked2:
            masked, value = True, None
        elif value is not None and mult:
            # 3至5万人: the multiplier after the second number covers both
            first_mult = m.group(0)[m.start("num") - m.start() + len(num):m.start("num2") - m.start()]
            if not any(k in first_mult for k in _MULT):
                value *= _MULT[mult]
    unit = rule.options.get("unit") or _group(m, "unit") or rate_unit
    before = _clause_before(text, m.start())
    if rule.options.get("unit_from_name"):
        # 总诊疗人次1086.4万: the unit the name ends in
        said = next((w for w in rule.options["unit_from_name"] if before.rstrip("为达到是共").endswith(w)), None)
        unit = rule.options["unit_from_name"].get(said) if said else None
    if unit:
        unit = c.unit_fold.get(unit, unit)
    if rate_unit and not _group(m, "unit"):
        unit = rate_unit
    per = _group(m, "per")
    if per and unit:
        unit += per
    if unit == "元" and (c.per_head.search(before) or c.per_head_share.search(_sentence_before(text, m.start(), 60))):
        unit = "元/人"
    elif unit and unit not in ("%", "人", "人次", "岁", "倍") and "/" not in unit and c.per_head_any.search(before):
        unit = f"{unit}/人"  # 人均监管对象80余家 → 家/人
    elif unit and unit != "%" and (per := c.per_unit.search(_clause_before(text, m.start(), 24))) \
            and (per.group(1) or per.group(2)) != unit:
        unit = f"{unit}/{per.group(1) or per.group(2)}"  # 平均每所不足6人 → 人/所, 次均费用56.8元 → 元/次
    if rule.options.get("require_unit_neighbours"):
        unit = None  # filled from the list's neighbours by find_quantities
    qualifier = None
    for g in ("approx", "approx2", "pre", "post"):
        word = _group(m, g)
        if word:
            qualifier = c.qualifiers.get(word, qualifier)
    comparison = None
    for kind, rx in c.comparison:
        if rx.search(before):
            comparison = kind
            break
    suspect = False
    if value is not None:
        if unit == "%" and value > 100:
            if comparison is None and not c.growth.search(before):
                suspect = True  # a rate above 100% that is no change: 直报率20230%
            elif comparison == "decrease" or value > c.change_max:
                suspect = True  # nothing falls by more than all of it; 增长20230% is absurd
        elif unit == "‰" and value > 1000:
            suspect = True
        elif unit in ("人", "人次", "名") and value > 2e9:
            suspect = True
    start, end = span.start, span.end
    return Quantity(
        start=start, end=end, text=text[start:end], value=None if masked else value, unit=unit,
        rule=span.rule, value_max=None if masked else value_max, qualifier=qualifier, masked=masked,
        suspect=suspect, comparison=comparison, number_start=m.start("num"), number_end=m.end("num"),
    )


def _fill_list_units(text: str, qs: list[Quantity]) -> list[Quantity]:
    """A unitless count inside a 、-list takes the unit both neighbours share.

    A unitless number before 、 that is in no such list is a list marker
    (…管理1、我们…) and is dropped.
    """
    out = []
    for i, q in enumerate(qs):
        if q.rule != "quantity.bare.v1":
            out.append(q)
            continue
        prev = qs[i - 1] if i > 0 else None
        nxt = qs[i + 1] if i + 1 < len(qs) else None
        if prev and nxt and prev.unit and prev.unit == nxt.unit:
            gaps = (text[prev.end:q.start], text[q.end:nxt.start])
            if all("、" in g and len(g) <= 8 and not _CLAUSE_BREAK.search(g) for g in gaps):
                q.unit = prev.unit
        if q.unit is None and text[q.end:q.end + 1] == "、":
            continue
        out.append(q)
    return out


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in reading order.

    Args:
        text: a document's text (offsets refer to it as given).

    Returns:
        Quantities with ``start``/``end`` (the whole span, qualifiers included),
        ``number_start``/``number_end``, resolved value and unit, and rule id.

    Example::

        >>> [(q.text, q.value, q.unit) for q in find_quantities("建档62.03万人,建档率84%")]
        [('62.03万人', 620300.0, '人'), ('84%', 84.0, '%')]
    """
    if not text:
        return []
    c = _compiled()
    blocked, _ = _excluded(text, c)
    out = []
    for span in _find(text, c, blocked):
        q = parse_quantity(text, span)
        if q is not None:
            out.append(q)
    return _fill_list_units(text, out)


def run_example(text: str, **_: Any) -> list[dict[str, Any]]:
    """Everything the rules make of ``text``, for the rule-example tests.

    Quantities come as ``Quantity.as_dict()``; spans that exclusion rules
    marked come as ``{"rule", "start", "end", "text", "excluded": True}``.
    """
    c = _compiled()
    items: list[dict[str, Any]] = [q.as_dict() for q in find_quantities(text)]
    _, hits = _excluded(text, c)
    items += [{"rule": h.rule, "start": h.start, "end": h.end, "text": text[h.start:h.end], "excluded": True}
              for h in hits]
    return items
