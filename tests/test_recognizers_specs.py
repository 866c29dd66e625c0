"""Recognizers-Text Chinese specs run through our numeral parser and quantity finder.

The spec files (``tests/specs/recognizers/``, MIT, see NOTE.md there) give
inputs and the expected resolutions of Microsoft's recognizers. We map their
resolutions onto ours and report the pass rate per file:

- NumberModel and PercentModel gate (at least 90% of the cases not marked
  NotSupported); each of their cases is also a test of its own, with the
  known failures as strict xfails;
- NumberRangeModel, CurrencyModel and DimensionModel are reported only, with
  a floor at today's rate so that a regression fails.

Run as a script for the table: ``.venv/bin/python tests/test_recognizers_specs.py``.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

import pytest

from zongjie.extract.numbers import parse_number, parse_numeral
from zongjie.extract.quantities import find_quantities

SPECS = Path(__file__).parent / "specs" / "recognizers"
GATE = 0.90
# today's pass rates of the report-only files, rounded down: a regression fails
FLOORS = {"NumberRangeModel": 0.10, "CurrencyModel": 0.64, "DimensionModel": 0.45}

# their dimension units → the measure words we keep
DIMENSION_UNITS = {
    "Mu": {"亩"}, "Ton": {"吨"}, "Jin": {"斤"}, "Kilometer": {"千米", "公里"},
    "Kilogram": {"公斤", "千克"}, "Square meter": {"平方米"}, "Liter": {"升"},
}


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@cache
def load(stem: str) -> list[dict]:
    return json.loads((SPECS / f"{stem}.json").read_text(encoding="utf-8"))


def skip_reason(case: dict) -> str | None:
    for key in ("NotSupported", "NotSupportedByDesign"):
        if case.get(key):
            return f"{key}: {case[key]}"
    return None


# ---------------------------------------------------------------- one case → pass / fail / out of scope

def check_number(case: dict) -> bool:
    results = [r for r in case["Results"] if r.get("TypeName", "number") == "number"]
    if not results:
        return parse_number(case["Input"]) is None
    for r in results:
        if case.get("IgnoreResolution"):
            ok = parse_number(r["Text"]) is not None
        else:
            ok = _close(parse_number(r["Text"]), float(r["Resolution"]["value"]))
        if not ok:
            return False
    return True


def _as_percent(text: str) -> float | None:
    n = parse_numeral(text)
    if n is None or n.unit not in ("%", "‰"):
        return None
    return n.value / 10 if n.unit == "‰" else n.value


def check_percent(case: dict) -> bool:
    results = case["Results"]
    if not results:
        return _as_percent(case["Input"]) is None
    return all(_close(_as_percent(r["Text"]), float(r["Resolution"]["value"].rstrip("%"))) for r in results)


_INTERVAL = re.compile(r"^([\[(])\s*([^,]*)\s*,\s*([^\])]*)\s*([\])])$")


def _interval(q) -> tuple[float | None, float | None] | None:
    if q.value is None:
        return None
    if q.value_max is not None:
        return (q.value, q.value_max)
    return {"over": (q.value, None), "at_least": (q.value, None),
            "at_most": (None, q.value)}.get(q.qualifier)


def _overlapping(case: dict, r: dict):
    start, end = r["Start"], r["End"] + 1
    return [q for q in find_quantities(case["Input"]) if q.start < end and start < q.end]


def check_range(case: dict) -> bool:
    for r in case["Results"]:
        m = _INTERVAL.match(r["Resolution"]["value"])
        if not m:
            return False
        lo = float(m.group(2)) if m.group(2) else None
        hi = float(m.group(3)) if m.group(3) else None
        if not any((iv := _interval(q)) and _close(iv[0], lo) and _close(iv[1], hi) for q in _overlapping(case, r)):
            return False
    return bool(case["Results"]) or not any(q.qualifier or q.value_max for q in find_quantities(case["Input"]))


def check_currency(case: dict) -> bool | None:
    results = [r for r in case["Results"] if r["Resolution"].get("isoCurrency") == "CNY"
               and r["Resolution"].get("value") is not None]
    if not results:
        return None  # other currencies are out of scope
    return all(any(q.unit == "元" and _close(q.value, float(r["Resolution"]["value"]))
                   for q in _overlapping(case, r)) for r in results)


def check_dimension(case: dict) -> bool | None:
    results = [r for r in case["Results"] if r["Resolution"].get("unit") in DIMENSION_UNITS]
    if not results:
        return None  # units we do not keep (bytes, hertz, calories)
    return all(any(q.unit in DIMENSION_UNITS[r["Resolution"]["unit"]]
                   and _close(q.value, float(r["Resolution"]["value"])) for q in _overlapping(case, r))
               for r in results)


CHECKS = {
    "NumberModel": check_number,
    "PercentModel": check_percent,
    "NumberRangeModel": check_range,
    "CurrencyModel": check_currency,
    "DimensionModel": check_dimension,
}


def case_id(stem: str, i: int, case: dict) -> str:
    return f"{stem}:{i}:{case['Input'][:24]}"


def rates() -> dict[str, tuple[int, int, int, int, int]]:
    """Per spec file: (passed, run, skipped, passed_all, run_all).

    ``*_all`` count the NotSupported cases too (information only: every
    NumberRangeModel case is marked NotSupported by some implementation).
    """
    out = {}
    for stem, check in CHECKS.items():
        passed = run = skipped = passed_all = run_all = 0
        for case in load(stem):
            ok = check(case)
            if ok is None:
                skipped += 1
                continue
            run_all += 1
            passed_all += bool(ok)
            if skip_reason(case):
                skipped += 1
                continue
            run += 1
            passed += bool(ok)
        out[stem] = (passed, run, skipped, passed_all, run_all)
    return out


def _rate(passed: int, run: int) -> float:
    return passed / run if run else 1.0


def summary() -> str:
    lines = [f"{'spec file':18s} {'passed':>6s} {'run':>5s} {'rate':>6s} {'skipped':>8s}   incl. NotSupported"]
    for stem, (passed, run, skipped, passed_all, run_all) in rates().items():
        rate = f"{_rate(passed, run):6.1%}" if run else f"{'n/a':>6s}"
        lines.append(f"{stem:18s} {passed:6d} {run:5d} {rate} {skipped:8d}   "
                     f"{passed_all}/{run_all} = {_rate(passed_all, run_all):.1%}")
    return "\n".join(lines)


# ---------------------------------------------------------------- tests

def test_spec_pass_rates():
    table = rates()
    print("\n" + summary())
    for stem in ("NumberModel", "PercentModel"):
        passed, run = table[stem][:2]
        assert _rate(passed, run) >= GATE, f"{stem}: {passed}/{run} below {GATE:.0%}\n{summary()}"
    for stem, floor in FLOORS.items():
        # the floor is on all cases run (NotSupported included): NumberRangeModel has no other
        passed_all, run_all = table[stem][3:]
        assert _rate(passed_all, run_all) >= floor, f"{stem} regressed below {floor:.0%}\n{summary()}"


def _gating_cases():
    known = json.loads((SPECS / "known_failures.json").read_text(encoding="utf-8"))
    for stem in ("NumberModel", "PercentModel"):
        for i, case in enumerate(load(stem)):
            cid = case_id(stem, i, case)
            reason = skip_reason(case)
            marks = []
            if reason:
                marks.append(pytest.mark.skip(reason=reason))
            elif cid in known.get(stem, []):
                marks.append(pytest.mark.xfail(strict=True, reason="known failure (known_failures.json)"))
            yield pytest.param(stem, case, id=cid, marks=marks)


@pytest.mark.parametrize(("stem", "case"), list(_gating_cases()))
def test_gating_case(stem, case):
    assert CHECKS[stem](case), f"{case['Input']!r}: want {[r['Resolution'] for r in case['Results']]}"


if __name__ == "__main__":
    print(summary())
