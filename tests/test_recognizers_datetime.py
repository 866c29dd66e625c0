"""Microsoft Recognizers-Text Chinese DateTime specs, run through find_times.

The spec files in ``tests/specs/recognizers/`` (DateParser, DatePeriodParser,
DateTimeModel) are copied unchanged from Recognizers-Text commit
90e968ea44dc8fda3f2e1c3e4b20aa233817488d (MIT, see ``LICENSE`` there).

In scope: absolute and relative dates, months, years, half-years and
quarters, resolved with the year of the case's ``ReferenceDateTime``. Out of
scope, and not run: times of day, durations, sets, holidays, weeks and
weekdays, relative days and months (明天, 下个月: they need a reference day),
lunar and era calendars (农历, 康熙三年) and years before 1900, decades and
centuries, and ranges counted back from the reference day (近三年, 过去十年). Cases that any
reference implementation marks ``NotSupported`` are skipped.

A result passes when find_times finds the same text and resolves it to one
of the spec's values. Two conventions differ and both are accepted at a
range's end: Recognizers-Text ends a range on the day after (2009年 →
2009-01-01..2010-01-01), we on the last day (2009-12-31); for a day range
it also ends on the last day itself (一月十日到十二日 → ..01-12). A spec value
with a month and no year (XXXX-03) lists a past and a future year; ours is
the reference year, which must be one of them.

The pass rate per file is printed and has a floor at today's rate, so a
regression fails.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from zongjie.extract.times import find_times

SPECS = Path(__file__).parent / "specs" / "recognizers"

# the rate reached today, per file (rounded down): raise it when the rules improve
FLOORS = {"DateParser.json": 0.45, "DatePeriodParser.json": 0.64, "DateTimeModel.json": 0.65}

IN_SCOPE_TIMEX = re.compile(
    r"^(?:\d{4}|XXXX)(?:-\d\d){0,2}$"
    r"|^\((?:\d{4}|XXXX)-\d\d-\d\d,(?:\d{4}|XXXX)-\d\d-\d\d,P\d+[YMD]\)$"
)
OUT_OF_SCOPE_WORDS = re.compile(
    r"农历|正月|初[一二三四五六七八九十]|大年|腊月|康熙|雍正|乾隆|神龙|民国|元年|世纪|年代"
    r"|今天|明天|后天|前天|昨天|昨日|今日|明日|後天|最近|周|星期|礼拜|週|禮拜|本月|上个月|下个月|个月"
    r"|近\s*[0-9一二三四五六七八九十两]|过去|未来|前\d|后\d|上\d|下\d"
)


def _values(result: dict) -> tuple[str, str, list[tuple[str, str | None]]] | None:
    """(type, timex, [(start, end)…]) of one spec result, whatever the spec file's layout."""
    if "Value" in result:  # DateParser / DatePeriodParser
        value = result["Value"]
        timex = value.get("Timex", "")
        pairs = []
        for res in (value.get("FutureResolution") or {}, value.get("PastResolution") or {}):
            if res.get("date") == "0001-01-01":  # 2月30日: no such day
                pairs.append((None, None))
            elif "date" in res:
                pairs.append((res["date"], res["date"]))
            elif "startDate" in res:
                pairs.append((res["startDate"], res.get("endDate")))
        return result.get("Type", ""), timex, pairs
    resolution = result.get("Resolution") or {}
    values = resolution.get("values") or []
    if not values:
        return None
    pairs = []
    for v in values:
        if v.get("value") == "not resolved":  # 2月30日: no such day
            pairs.append((None, None))
        elif "value" in v:
            pairs.append((v["value"], v["value"]))
        elif "start" in v:
            pairs.append((v["start"], v.get("end")))
    return result.get("TypeName", "").rsplit(".", 1)[-1], values[0].get("timex", ""), pairs


def _in_scope(case: dict) -> bool:
    results = case.get("Results") or []
    if not results or OUT_OF_SCOPE_WORDS.search(case["Input"]):
        return False
    for r in results:
        got = _values(r)
        if got is None:
            return False
        kind, timex, _ = got
        if kind not in ("date", "daterange") or not IN_SCOPE_TIMEX.match(timex) or timex.startswith("XXXX-XX"):
            return False
        if re.match(r"\(?\d{4}", timex) and int(timex.lstrip("(")[:4]) < 1900:
            return False
    return True


def _day_before(iso: str) -> str | None:
    try:
        return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()
    except (ValueError, OverflowError):
        return None


def _passes(case: dict) -> bool:
    year = int(case["Context"]["ReferenceDateTime"][:4]) if case.get("Context") else None
    found = find_times(case["Input"], year, "FY")
    for r in case["Results"]:
        _, _, pairs = _values(r)
        want_text = r["Text"].replace(",", "，") if "，" in case["Input"] else r["Text"]
        candidates = [t for t in found if t.text == want_text or t.text == r["Text"]]
        ok = False
        for t in candidates:
            for start, end in pairs:
                ends = {end, _day_before(end)} if end and start else {None}
                if t.from_ == start and t.to in ends:
                    ok = True
        if not ok:
            return False
    return True


def _cases(name: str) -> tuple[list[dict], int]:
    cases = json.loads((SPECS / name).read_text(encoding="utf-8-sig"))
    runnable = [c for c in cases if not (c.get("NotSupported") or c.get("NotSupportedByDesign"))]
    return [c for c in runnable if _in_scope(c)], len(cases)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_recognizers_datetime_pass_rate(name):
    cases, total = _cases(name)
    assert cases, f"no in-scope cases in {name}"
    failed = [c["Input"] for c in cases if not _passes(c)]
    rate = 1 - len(failed) / len(cases)
    print(f"\n{name}: {len(cases) - len(failed)}/{len(cases)} in-scope cases pass ({rate:.1%}; {total} in the file)")
    assert rate >= FLOORS[name], f"{name}: {rate:.1%} < floor {FLOORS[name]:.0%}; failing: {failed}"
