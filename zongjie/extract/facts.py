"""The facts extraction produces. Every one is grounded: ``start``/``end``
are character offsets into the document's ``text`` and ``rule`` names the
rule (``quantity.approx_over.v1``) or model (``model:ner@1``) that made it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Quantity:
    """A number with its unit, resolved to base units.

    ``value`` is None when ``masked`` (x%, XX处, ***家): a blanked-out
    number is never guessed. ``value_max`` is the upper end of a range
    (6%-6.5%). ``comparison`` marks a change rather than a level
    (同比增长12.5% → ``increase``; 下降 → ``decrease``).
    """

    start: int
    end: int
    text: str
    value: float | None
    unit: str | None
    rule: str
    value_max: float | None = None
    qualifier: str | None = None  # over, at_least, at_most, about
    masked: bool = False
    suspect: bool = False
    comparison: str | None = None  # increase, decrease, or None for a level
    number_start: int | None = None  # where the number itself starts (for name search)
    number_end: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TimeExpr:
    """A time expression resolved against the document's year.

    ``from_``/``to`` are ``YYYY-MM-DD``; ``XXXX`` stands for the year where
    the document's year is unknown; both None where the year is masked
    (xx年), and ``to`` is None for an open end (1月份起).
    """

    start: int
    end: int
    text: str
    from_: str | None
    to: str | None
    rule: str
    masked: bool = False
    kind: str = "date"  # date, period, point (a cut-off such as 截至目前), deadline (年底前: by the end of it)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["from"] = d.pop("from_")
        return d


@dataclass
class Indicator:
    start: int
    end: int
    name: str
    value: float | None
    unit: str | None
    kind: str  # actual, target
    rule: str
    qualifier: str | None = None
    value_max: float | None = None
    masked: bool = False
    suspect: bool = False
    comparison: str | None = None
    name_start: int | None = None
    name_end: int | None = None
    sentence: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Commitment:
    start: int
    end: int
    text: str
    rule: str
    measurable: bool
    deadline: str | None = None
    strength: str | None = None  # hard, soft, planned
    target: dict[str, Any] | None = None
    sentence: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Entity:
    start: int
    end: int
    text: str
    label: str  # ORG, LOC, PER, DOC, CAMPAIGN, INDICATOR
    rule: str
    norm: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
