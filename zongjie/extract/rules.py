"""Rules as data: YAML files under ``extract/rules/`` with named parts,
stable versioned ids and examples (negatives included).

A rules file looks like::

    module: zongjie.extract.quantities   # whose run_example() checks the examples
    parts:
      digits: '[0-9]+(?:\\.[0-9]+)?'
      num: '(?:{digits}|[零〇一二两三四五六七八九十百千万亿]+)'
    rules:
      - id: quantity.approx_over.v1
        regex: '(?P<num>{num})(?P<q>余|多)(?P<unit>{unit})'
        examples:
          - text: 先后投入3000余万元
            expect: {value: 30000000, unit: 元, qualifier: over}
          - text: 多次开展督导检查
            expect: null

``{name}`` inside a regex (or a part) is replaced by that part, wrapped in
a non-capturing group; other braces (``{2,3}``) are left to the regex.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class Rule:
    id: str
    regex: re.Pattern[str] | None
    source: str
    examples: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)  # everything else the rule says


@dataclass
class RuleSet:
    name: str
    module: str | None
    parts: dict[str, str]
    rules: list[Rule]
    data: dict[str, Any]  # any other top-level key (word lists…)

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def expand(pattern: str, parts: dict[str, str], _depth: int = 0) -> str:
    """Replace ``{name}`` by its part, recursively."""
    if _depth > 20:
        raise ValueError(f"parts nest too deep (a cycle?) in {pattern!r}")

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in parts:
            return m.group(0)
        return "(?:" + expand(parts[name], parts, _depth + 1) + ")"

    return _REF.sub(sub, pattern)


@functools.cache
def load(name: str) -> RuleSet:
    """Load ``extract/rules/<name>.yaml`` (cached)."""
    text = resources.files("zongjie.extract").joinpath("rules", f"{name}.yaml").read_text("utf-8")
    raw = yaml.safe_load(text) or {}
    parts = {k: str(v) for k, v in (raw.get("parts") or {}).items()}
    rules = []
    seen = set()
    for r in raw.get("rules") or []:
        rid = r["id"]
        if rid in seen:
            raise ValueError(f"duplicate rule id {rid} in {name}.yaml")
        seen.add(rid)
        src = r.get("regex")
        rx = re.compile(expand(src, parts)) if src else None
        opts = {k: v for k, v in r.items() if k not in ("id", "regex", "examples")}
        rules.append(Rule(rid, rx, src or "", r.get("examples") or [], opts))
    data = {k: v for k, v in raw.items() if k not in ("module", "parts", "rules")}
    return RuleSet(name, raw.get("module"), parts, rules, data)


def available() -> list[str]:
    """Names of every rules file shipped with the package."""
    folder = resources.files("zongjie.extract").joinpath("rules")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))
