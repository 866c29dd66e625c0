"""Time expressions: find them, then resolve them against the document's year.

The patterns live in ``rules/times.yaml``; this module runs them (one
leftmost-longest pass over the core rules, then the 截至/以来/起/前
modifiers around each hit) and turns the named parts into ``YYYY-MM-DD``
ends. The conventions are those of the gold GUIDELINES ("Times"):

- relative expressions take the document's year (今年 → year, 去年 → year-1);
  where that year is unknown, ``XXXX`` stands for it and offsets are lost;
- cut-offs (截至X, 目前 meaning "as of now") are one day, the day X ends;
  截至目前 is the last day of the reporting period (``period``);
- masked years, months or days (xx年, 今年*月) are never resolved;
- durations and frequencies (三年, 每季度, 半年来) are not times.

Example::

    >>> [(t.text, t.from_, t.to) for t in find_times("今年5月份,截至目前", 2018, "FY")]
    [('今年5月份', '2018-05-01', '2018-05-31'), ('截至目前', '2018-12-31', '2018-12-31')]
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from zongjie.extract import rules as rules_mod
from zongjie.extract.facts import TimeExpr

__all__ = ["find_times", "year_end", "deadline_of", "period_end", "run_example"]

UNKNOWN = "XXXX"
_YEAR_RULE = "time.year.v1"
_YEAR_GROUPS = ("y", "ycn", "ym", "yr")
_RANGE_GROUPS = ("m2", "d2", "y2")
_MASK = frozenset("xX×＊*ｘＸ")
_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_REL_YEAR = {"今": 0, "本": 0, "去": -1, "上": -1, "明": 1, "来": 1, "下": 1, "前": -2, "后": 2}
_SEASON = {"春": (3, 5), "夏": (6, 8), "秋": (9, 11), "冬": (12, 2)}
_MPART = {"上旬": (1, 10), "初": (1, 10), "中旬": (11, 20), "中": (11, 20), "下旬": (21, 31),
          "上中旬": (1, 20), "中下旬": (11, 31)}
# the month the reporting period ends in
_PERIOD_END = {"FY": 12, "H1": 6, "H2": 12, "Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12,
               "Q1-Q3": 9, "前三季度": 9, "上半年": 6, "下半年": 12, "全年": 12}
# the months of a period a title names (M1-M9 for 前三季度): meta.covered_months
_MONTHS_KEY = re.compile(r"M(\d{1,2})-M(\d{1,2})")
# a month, and the leap-year question, where the year is unknown
_ANY_YEAR = 2001


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class _Modifier:
    id: str
    effect: str  # cutoff, since, onward, after, before
    prefix: re.Pattern[str] | None  # matched ending just before the core
    suffix: re.Pattern[str] | None  # matched starting just after the core
    require: str  # prefix, suffix or both
    only_ranges: bool  # only around a range (5月至7月)


@dataclass(frozen=True)
class _Core:
    id: str
    regex: re.Pattern[str]
    kind: str | None  # a fixed kind, else the resolver's
    year_prefix: bool  # a year core just before joins it (今年 + 5月份)
    org_gap: bool  # ... even across an organisation's name (2023年卫生局 + 上半年)


@dataclass(frozen=True)
class _Rules:
    cores: tuple[_Core, ...]
    modifiers: tuple[_Modifier, ...]
    anchors: re.Pattern[str]
    window: int
    org_gap: re.Pattern[str]


@functools.cache
def _rules() -> _Rules:
    rs = rules_mod.load("times")
    cores = []
    modifiers = []
    for rule in rs.rules:
        opts = rule.options
        if rule.regex is not None:
            cores.append(_Core(rule.id, rule.regex, opts.get("kind"), bool(opts.get("year_prefix")),
                               bool(opts.get("org_gap"))))
            continue
        effect = opts["modifier"]
        prefix = opts.get("prefix")
        suffix = opts.get("suffix")
        modifiers.append(_Modifier(
            rule.id, effect,
            # a prefix is matched against the text before the core, so it is anchored at the end
            re.compile(f"(?:{rules_mod.expand(prefix, rs.parts)})$") if prefix else None,
            re.compile(rules_mod.expand(suffix, rs.parts)) if suffix else None,
            require=opts.get("require", "suffix"),
            only_ranges=bool(opts.get("only_ranges")),
        ))
    return _Rules(tuple(cores), tuple(modifiers), re.compile(rs.data["anchors"]), int(rs.data["window"]),
                  re.compile(rules_mod.expand(rs.parts["org_gap"], rs.parts)))


# ---------------------------------------------------------------- numbers and dates


def _cn_int(s: str) -> int:
    """A small number written in digits or Chinese numerals (十二 → 12, 二〇二三 → 2023)."""
    s = s.translate(_FULLWIDTH).strip()
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)
    n = 0
    for ch in s:
        n = n * 10 + _CN_DIGIT[ch]
    return n


def _is_masked(s: str | None) -> bool:
    return bool(s) and any(ch in _MASK for ch in s)


def _last_day(year: int | None, month: int) -> int:
    return calendar.monthrange(year if year is not None else _ANY_YEAR, month)[1]


def _fmt(year: int | None, month: int, day: int) -> str:
    y = UNKNOWN if year is None else f"{year:04d}"
    return f"{y}-{month:02d}-{day:02d}"


def _month_end(year: int | None, month: int) -> str:
    return _fmt(year, month, _last_day(year, month))


def period_end(year: int | None, period: str | None) -> str | None:
    """The last day of a reporting period, or None where the period is unknown.

    Args:
        year: the document's year (None → ``XXXX``).
        period: ``FY``, ``H1``, ``H2``, ``Q1``..``Q4`` (also ``Q1-Q3``/前三季度).

    Example: ``period_end(2023, "H1")`` → ``'2023-06-30'``; ``period_end(None, "FY")`` →
    ``'XXXX-12-31'``; ``period_end(2023, "other")`` → None.
    """
    month = _PERIOD_END.get((period or "").strip().upper()) or _PERIOD_END.get((period or "").strip())
    if month is None and (named := _named_months(period)):
        month = named[1]
    return _month_end(year, month) if month else None


def _named_months(period: str | None) -> tuple[int, int] | None:
    """The first and last month of a period key a title named (M1-M9 for 前三季度: meta.covered_months)."""
    span = _MONTHS_KEY.fullmatch((period or "").strip().upper())
    return (int(span.group(1)), int(span.group(2))) if span else None


def year_end(year: int | None) -> str:
    """The last day of a year: ``year_end(2019)`` → ``'2019-12-31'``, ``year_end(None)`` → ``'XXXX-12-31'``."""
    return _fmt(year, 12, 31)


def deadline_of(time: TimeExpr) -> str | None:
    """The last day a time expression covers, or None for an open end or a masked year.

    Example: 年底前 (2023) → ``'2023-12-31'``; 自1月份起 → None.
    """
    return time.to


# ---------------------------------------------------------------- resolving


class _Masked(Exception):
    """A masked part (xx年, *月): the expression is not resolved."""


class _Unresolved(Exception):
    """Nothing in the text or the document fixes the date (目前 with period 'other')."""


@dataclass
class _Span:
    from_: tuple[int | None, int, int] | None  # (year, month, day)
    to: tuple[int | None, int, int] | None
    kind: str


def _year_of(g: dict[str, str | None], year: int | None) -> int | None:
    if g.get("ym"):
        raise _Masked
    if g.get("y"):
        return _cn_int(g["y"])
    if g.get("ycn"):
        return _cn_int(g["ycn"])
    rel = g.get("yr")
    if rel:
        return None if year is None else year + _REL_YEAR[rel[0]]
    return year


def _day_span(y: int | None, m: int, d: int) -> tuple[tuple[int | None, int, int], ...]:
    if m < 1 or m > 12 or d < 1 or d > _last_day(y, m):
        raise _Unresolved
    return ((y, m, d),)


def _resolve(g: dict[str, str | None], year: int | None, period: str | None) -> _Span:
    """Turn a core match's named groups into a span (raises _Masked / _Unresolved)."""
    if any(_is_masked(v) for k, v in g.items() if k != "dsep"):
        raise _Masked
    if g.get("now"):
        end = period_end(year, period)
        if end is None:
            raise _Unresolved
        y, m, d = _parse_iso(end)
        return _Span((y, m, d), (y, m, d), "point")
    if g.get("fyp"):
        n = _cn_int(g["fyp"])
        start = {1: 1953, 2: 1958}.get(n, 1966 + 5 * (n - 3))
        end = 1962 if n == 2 else start + 4
        return _Span((start, 1, 1), (end, 12, 31), "period")
    if g.get("y2"):
        y1, y2 = _cn_int(g["y"]), _cn_int(g["y2"])
        return _Span((y1, 1, 1), (y2, 12, 31), "period")

    y = _year_of(g, year)
    if g.get("half"):
        lo, hi = (1, 6) if g["half"].startswith("上") else (7, 12)
        if g.get("hpart"):
            return _Span((y, hi, _last_day(y, hi)), (y, hi, _last_day(y, hi)), "point")
        return _Span((y, lo, 1), (y, hi, _last_day(y, hi)), "period")
    if g.get("q") or g.get("qh") or g.get("qn"):
        if g.get("qn"):
            lo, hi = 1, 3 * _cn_int(g["qn"])
        else:
            q = 1 if g.get("qh") else _cn_int(g["q"])
            lo, hi = 3 * q - 2, 3 * q
        if g.get("hpart"):
            return _Span((y, hi, _last_day(y, hi)), (y, hi, _last_day(y, hi)), "point")
        return _Span((y, lo, 1), (y, hi, _last_day(y, hi)), "period")
    if g.get("season"):
        lo, hi = _SEASON[g["season"]]
        y_hi = y + 1 if (hi < lo and y is not None) else y
        return _Span((y, lo, 1), (y_hi, hi, _last_day(y_hi, hi)), "period")
    if g.get("ypart"):
        part = g["ypart"]
        lo, hi = {"初": (1, 3), "中": (6, 7), "内": (1, 12)}.get(part, (12, 12))
        return _Span((y, lo, 1), (y, hi, _last_day(y, hi)), "period")
    if g.get("nmon"):
        hi = _cn_int(g["nmon"])
        return _Span((y, 1, 1), (y, hi, _last_day(y, hi)), "period")
    if g.get("m1"):
        m1 = _cn_int(g["m1"])
        m2 = _cn_int(g["m2"]) if g.get("m2") else None
        if g.get("d1"):
            (lo,) = _day_span(y, m1, _cn_int(g["d1"]))
            if not g.get("d2"):
                return _Span(lo, lo, "date")
            # 12月28日至1月3日 ends in the next year
            y2 = _next_if_before(y, (m2 or m1, _cn_int(g["d2"])), lo[1:])
            (hi,) = _day_span(y2, m2 or m1, _cn_int(g["d2"]))
            return _Span(lo, hi, "period")
        if not 1 <= m1 <= 12 or (m2 is not None and not 1 <= m2 <= 12):
            raise _Unresolved
        last = m2 or m1
        y_last = _next_if_before(y, (last, 1), (m1, 1))  # 11月至2月 ends in the next year
        part = g.get("mpart")
        if part in ("底", "末"):
            end = (y_last, last, _last_day(y_last, last))
            return _Span(end if m2 is None else (y, m1, 1), end, "point" if m2 is None else "period")
        if part and m2 is None:
            lo, hi = _MPART[part]
            return _Span((y, m1, lo), (y, m1, min(hi, _last_day(y, m1))), "period")
        return _Span((y, m1, 1), (y_last, last, _last_day(y_last, last)), "period")
    return _Span((y, 1, 1), (y, 12, 31), "period")


def _same_period(g: dict[str, str | None], year: int | None, period: str | None) -> _Span:
    """去年同期: the reporting period one year earlier (the whole year where the period is unknown)."""
    y = _year_of(g, year)
    p = (period or "").strip().upper()
    months = {"H1": (1, 6), "H2": (7, 12), "Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12),
              "Q1-Q3": (1, 9)}.get(p) or _named_months(p) or (1, 12)
    return _Span((y, months[0], 1), (y, months[1], _last_day(y, months[1])), "period")


def _this_quarter(g: dict[str, str | None], year: int | None, period: str | None) -> _Span:
    """本季度: the quarter a quarterly report covers (unresolved in any other report)."""
    p = (period or "").strip().upper()
    if p not in ("Q1", "Q2", "Q3", "Q4"):
        raise _Unresolved
    y = _year_of(g, year)
    first = 3 * int(p[1]) - 2
    return _Span((y, first, 1), (y, first + 2, _last_day(y, first + 2)), "period")


def _next_if_before(y: int | None, end: tuple[int, int], start: tuple[int, int]) -> int | None:
    """The year of a range's end: the next one where the end's (month, day) comes before the start's."""
    return y + 1 if y is not None and end < start else y


def _parse_iso(s: str) -> tuple[int | None, int, int]:
    y, m, d = s.split("-")
    return (None if y == UNKNOWN else int(y)), int(m), int(d)


def _iso(t: tuple[int | None, int, int] | None) -> str | None:
    return None if t is None else _fmt(*t)


def _after(t: tuple[int | None, int, int]) -> tuple[int | None, int, int]:
    """The day after (a year offset is lost where the year is unknown)."""
    y, m, d = t
    nxt = date(y if y is not None else _ANY_YEAR, m, d) + timedelta(days=1)
    return (nxt.year if y is not None else None), nxt.month, nxt.day


def _apply(effect: str, span: _Span, year: int | None, period: str | None) -> _Span:
    if effect == "span":
        return span
    if effect == "cutoff":
        return _Span(span.to, span.to, "point")
    if effect == "since":
        end = period_end(year, period)
        start = _iso(span.from_)
        # the reporting period must end after X starts (compare MM-DD where a year is unknown)
        if end is not None and start is not None:
            a, b = (start, end) if start[:4] != UNKNOWN and end[:4] != UNKNOWN else (start[5:], end[5:])
            if a > b:
                end = None
        return _Span(span.from_, _parse_iso(end) if end else None, "period")
    if effect == "onward":
        return _Span(span.from_, None, "period")
    if effect == "after":
        return _Span(None if span.to is None else _after(span.to), None, "period")
    if effect == "before":
        # 年底前 → 12-01..12-31, 9月底前 → 09-30: the time the deadline names, as the held-apart
        # annotators read GUIDELINES.md (年底 → 12-01..12-31; 截止7月底 → 07-31); kind says "by"
        return _Span(span.from_, span.to, "deadline")
    raise ValueError(f"unknown modifier effect {effect!r}")


# ---------------------------------------------------------------- finding


@dataclass
class _Hit:
    start: int
    end: int
    rule: str
    kind: str | None
    groups: dict[str, str | None]


def _windows(text: str, rules: _Rules) -> list[tuple[int, int]]:
    """Stretches of text around the anchors (年, 月, 目前…), merged where they overlap."""
    out: list[tuple[int, int]] = []
    w = rules.window
    for m in rules.anchors.finditer(text):
        lo, hi = max(0, m.start() - w), min(len(text), m.end() + w)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _cores(text: str) -> list[_Hit]:
    """Every core match, leftmost-longest without overlaps (earlier rules win ties), with
    each year core joined to the core that follows it where that rule allows."""
    rules = _rules()
    hits: list[tuple[int, int, int, _Hit]] = []
    windows = _windows(text, rules)
    for order, core in enumerate(rules.cores):
        for lo, hi in windows:
            for m in core.regex.finditer(text, lo, hi):
                if m.end() > m.start():
                    hits.append((m.start(), -m.end(), order,
                                 _Hit(m.start(), m.end(), core.id, core.kind, m.groupdict())))
    hits.sort(key=lambda h: h[:3])
    chosen: list[_Hit] = []
    last_end = -1
    for start, _neg_end, _order, hit in hits:
        if start >= last_end:
            chosen.append(hit)
            last_end = hit.end
    by_id = {core.id: core for core in rules.cores}
    joined: list[_Hit] = []
    for hit in chosen:
        prev = joined[-1] if joined else None
        core = by_id[hit.rule]
        if prev is not None and prev.rule == _YEAR_RULE and core.year_prefix:
            gap = text[prev.end:hit.start]
            if not gap.strip() or (core.org_gap and rules.org_gap.fullmatch(gap)):
                groups = dict(hit.groups)
                groups.update({k: v for k, v in prev.groups.items() if k in _YEAR_GROUPS})
                joined[-1] = _Hit(prev.start, hit.end, hit.rule, hit.kind, groups)
                continue
        # a bare 底/内 (三年内) is only a time right after a year
        if hit.groups.get("ypart") and not hit.groups.get("yc"):
            continue
        joined.append(hit)
    return joined


def find_times(text: str, year: int | None, period: str | None = None, *,
               year_masked: bool = False) -> list[TimeExpr]:
    """Find the time expressions in ``text`` and resolve them against the document's year.

    Args:
        text: the document's clean text (offsets are into it).
        year: the year the document reports on, or None where unknown (→ ``XXXX``).
        period: the reporting period (``FY``, ``H1``, ``H2``, ``Q1``..``Q4``, ``other``), which
            fixes 截至目前 and 今年以来.
        year_masked: the document's own year is blanked out (xx年上半年工作总结); ``year`` is
            then ignored, as a masked year is never guessed.

    Returns:
        TimeExprs in text order. ``kind`` is ``date`` (one day), ``period`` or ``point``
        (a cut-off); ``masked`` ones have ``from_``/``to`` None, and ``to`` is None for an
        open end (1月份起).

    Example::

        >>> [(t.text, t.from_, t.to, t.kind) for t in find_times("截止7月底", 2011)]
        [('截止7月底', '2011-07-31', '2011-07-31', 'point')]
    """
    if year_masked:
        year = None
    rules = _rules()
    cores = _cores(text)
    out: list[TimeExpr] = []
    prev_end = 0
    for i, hit in enumerate(cores):
        next_start = cores[i + 1].start if i + 1 < len(cores) else len(text)
        start, end, rule, effect = hit.start, hit.end, hit.rule, None
        is_range = any(hit.groups.get(k) for k in _RANGE_GROUPS)
        for mod in rules.modifiers:
            if mod.only_ranges and not is_range:
                continue
            s, e = start, end
            pm = mod.prefix.search(text, max(prev_end, start - 4), start) if mod.prefix else None
            if pm:
                s = pm.start()
            sm = mod.suffix.match(text, end, next_start) if mod.suffix else None
            if sm:
                e = sm.end()
            if (mod.require in ("suffix", "both") and not sm) or (mod.require in ("prefix", "both") and not pm):
                continue
            start, end, rule, effect = s, e, mod.id, mod.effect
            break
        masked = False
        try:
            if hit.rule == "time.same_period.v1":
                span = _same_period(hit.groups, year, period)
            elif hit.rule == "time.this_quarter.v1":
                span = _this_quarter(hit.groups, year, period)
            else:
                span = _resolve(hit.groups, year, period)
            if effect:
                span = _apply(effect, span, year, period)
            from_, to, kind = _iso(span.from_), _iso(span.to), hit.kind or span.kind
            if effect:
                kind = span.kind
        except _Masked:
            from_, to, kind, masked = None, None, "period", True
        except _Unresolved:
            from_, to, kind = None, None, hit.kind or "point"
        out.append(TimeExpr(start, end, text[start:end], from_, to, rule, masked=masked, kind=kind))
        prev_end = end
    return _join_spans(text, out)


RULE_SPAN = "time.span.v1"
_SPAN_SEP = re.compile(r"\s*(?:至|到|[-－—–~～]{1,2})\s*")


def _join_spans(text: str, times: list[TimeExpr]) -> list[TimeExpr]:
    """Two times that each name their year, joined by 至 (2014年11月1日至2015年10月31日, a
    statistical year across the turn of the year), are one span from the first to the second."""
    out: list[TimeExpr] = []
    for t in times:
        prev = out[-1] if out else None
        if prev and prev.from_ and t.to and not (prev.masked or t.masked) and prev.from_ <= t.to \
                and names_its_year(prev.text) and names_its_year(t.text) \
                and _SPAN_SEP.fullmatch(text, prev.end, t.start):
            out[-1] = TimeExpr(prev.start, t.end, text[prev.start:t.end], prev.from_, t.to, RULE_SPAN, kind="period")
            continue
        out.append(t)
    return out


# ---------------------------------------------------------------- rule examples


# a year named in the expression itself: it is not moved to the plan's year
_OWN_YEAR = re.compile(r"(?:19|20)\d{2}|[0-9０-９]{2,4}年|[今明去前本当次上]年|[xX×*＊]{2,4}年|[一二三四五六七八九〇零]{2,4}年")


def names_its_year(text: str) -> bool:
    """Whether a time expression names its year (2022年, 今年, 明年), not only a part of one (6月底前)."""
    return bool(_OWN_YEAR.search(text))


def in_plan_year(doc, times: list[TimeExpr]) -> list[TimeExpr]:
    """Move the times of a full-year summary's plan part to the year it plans.

    Under 2022年工作计划 in a 2021 summary, 年内, 上半年 and 6月底前 are of
    2022, as the commitments' deadlines are (GUIDELINES: 年底 in the plan
    part of a full-year summary means the coming year); a time that names its
    year (2022年, 今年, 明年) stays as it is.
    """
    from zongjie.extract.commitments import plan_year
    from zongjie.extract.indicators import plans_from

    year, planned = doc.meta.year, plan_year(doc)
    if year is None or planned is None or planned == year or not doc.sections:
        return times
    old, new = str(year), str(planned)
    for t in times:
        i = next((k for k, s in enumerate(doc.sections) if s.start <= t.start < s.end), None)
        if i is None or doc.sections[i].role != "plan" or plans_from(doc, i) > t.start or names_its_year(t.text):
            continue
        if (t.from_ or old).startswith(old) and (t.to or old).startswith(old):
            t.from_ = new + t.from_[4:] if t.from_ else None
            t.to = new + t.to[4:] if t.to else None
    return times


def run_example(text: str | dict[str, Any], *, year: int | None = 2023, period: str | None = "FY",
                **_: Any) -> list[dict[str, Any]]:
    """Run one rules-file example: every time found, as a dict with ``from``/``to``/``rule``.

    ``text`` may be the example itself; its optional ``year``/``period`` keys then override
    the defaults (2023, FY).
    """
    if isinstance(text, dict):
        year = text.get("year", year)
        period = text.get("period", period)
        text = text["text"]
    return [t.as_dict() for t in find_times(text, year, period)]
