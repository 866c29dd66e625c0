"""Every example of every rule in every rules file (extract/rules/*.yaml), one case each.

A rules file names its ``module``; that module's ``run_example(text, **options)``
returns every item it makes of ``text`` as a dict with a ``rule`` key. An
example's other keys (``year``, ``period``…) are passed on as options.

- ``expect: {…}``: some item from that rule has every key and value given
  (numbers within a relative 1e-6, nested dicts by their given keys);
- ``expect: null``: no item from that rule.
"""

from __future__ import annotations

import importlib
import math
from typing import Any

import pytest

from zongjie.extract import rules


def _cases():
    for name in rules.available():
        rs = rules.load(name)
        for rule in rs.rules:
            for i, ex in enumerate(rule.examples):
                yield pytest.param(rs.module, rule.id, ex, id=f"{rule.id}[{i}]:{ex.get('text')}")


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and _same(v, got[k]) for k, v in want.items())
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got or want == got
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(want, got, rel_tol=1e-6, abs_tol=1e-9)
    if want is None or got is None:
        return want is got
    return want == got or str(want) == str(got)  # YAML reads 2023-05-01 as a date


@pytest.mark.parametrize(("module", "rule_id", "example"), list(_cases()))
def test_rule_example(module, rule_id, example):
    if not module:
        pytest.skip("rules file names no module")
    try:
        run_example = importlib.import_module(module).run_example
    except (ImportError, AttributeError) as exc:
        pytest.skip(f"{module}.run_example not available: {exc}")
    options = {k: v for k, v in example.items() if k not in ("text", "expect")}
    items = [it for it in run_example(example["text"], **options) if it.get("rule") == rule_id]
    expect = example.get("expect")
    if expect is None:
        assert not items, f"{rule_id} should make nothing of {example['text']!r}, made {items}"
    else:
        assert any(_same(expect, it) for it in items), \
            f"{rule_id} on {example['text']!r}: want {expect}, got {items}"
