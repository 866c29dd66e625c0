"""Canonical indicators: many written names, one measure.

国内生产总值增长, 地区生产总值增长, 经济增长 and GDP增长 are one indicator
(``GDP增长``); 居民消费价格涨幅 and CPI are ``CPI涨幅``. The table is data
(``zongjie/data/indicators/synonyms.yaml``): rewrites of pseudo-original web
copies (效劳→服务) are undone, framing words (今年, 全省, 继续…) stripped,
then the name is looked up among the variants; a name not found there is
matched by cosine similarity of character n-gram TF-IDF vectors
(scikit-learn) against every variant, only when it holds one of the
indicator's ``require`` words and none of its ``exclude`` words
(国内生产总值年均增长 is not GDP增长, nor is 国内生产总值). The original name is always kept
beside the canonical one.

    >>> canonical_name("地区生产总值增长").name, canonical_name("全省地区生产总值实际增长").method
    ('GDP增长', 'synonym')
    >>> canonical_name("国内生产总值年均增长").name
    '国内生产总值年均增长'
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "DEFAULT_THRESHOLD",
    "Canonical",
    "Indicator",
    "canonical_name",
    "clean_name",
    "direction_of",
    "indicators",
    "is_generic",
    "strength_of",
]

DEFAULT_THRESHOLD = 0.75


@dataclass(frozen=True)
class Indicator:
    """One canonical indicator of the synonym table."""

    name: str
    direction: str  # floor | ceiling
    unit: str | None
    variants: tuple[str, ...]
    exclude: tuple[str, ...]
    require: tuple[str, ...] = ()


@dataclass(frozen=True)
class Canonical:
    """What a written name resolves to.

    ``name`` is the canonical indicator's name, or the cleaned written name
    when nothing matched (``method`` None); ``score`` is 1.0 for a synonym,
    the cosine similarity for a learned match.
    """

    name: str
    original: str
    method: str | None  # "synonym" | "similar" | None
    score: float
    direction: str


@functools.cache
def _table() -> dict[str, Any]:
    """The synonym table, from ``zongjie/data/indicators/synonyms.yaml``.

    Compiled by hand from the national reports 1954–2025 and the provincial
    2025/2026 reports; see the comments in the file.
    """
    text = resources.files("zongjie.data.indicators").joinpath("synonyms.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@functools.cache
def indicators() -> tuple[Indicator, ...]:
    """The canonical indicators of the synonym table, in table order."""
    return tuple(
        Indicator(
            name=item["name"],
            direction=item["direction"],
            unit=item.get("unit"),
            variants=tuple(item.get("variants", ())),
            exclude=tuple(item.get("exclude", ())),
            require=tuple(item.get("require", ())),
        )
        for item in _table()["indicators"]
    )


@functools.cache
def _by_name() -> dict[str, Indicator]:
    return {ind.name: ind for ind in indicators()}


@functools.cache
def _variant_index() -> dict[str, Indicator]:
    index: dict[str, Indicator] = {}
    for ind in indicators():
        index.setdefault(ind.name, ind)
        for variant in ind.variants:
            index.setdefault(clean_name(variant, strip=False), ind)
    return index


def clean_name(name: str, *, strip: bool = True) -> str:
    """A written name with rewrites undone and framing words stripped.

    >>> clean_name("将2024年参合率继续"), clean_name("效劳对象满意率")
    ('参合率', '服务对象满意率')
    """
    table = _table()
    out = name.strip()
    for bad, good in table["rewrites"].items():
        out = out.replace(bad, good)
    if not strip:
        return out
    return strip_ends(out, _longest_first("prefixes"), _longest_first("suffixes"), years=True)


@functools.cache
def _longest_first(key: str) -> tuple[str, ...]:
    return tuple(sorted(_table()[key], key=len, reverse=True))


def strip_ends(text: str, prefixes: Sequence[str] = (), suffixes: Sequence[str] = (), *,
               years: bool = False) -> str:
    """``text`` without ``prefixes`` and ``suffixes`` (each tried in order: give
    them longest first), again and again, never below two characters;
    ``years`` strips a year before it too (2024年参合率 frames 参合率).

    >>> strip_ends("经济增长预期目标", suffixes=("预期目标", "目标", "增长"))
    '经济'
    """
    out, changed = text, True
    while changed and out:
        changed = False
        head = out[:5]
        if years and len(out) > 5 and head[:4].isdigit() and head[4] == "年":
            out, changed = out[5:], True
            continue
        for p in prefixes:
            if out.startswith(p) and len(out) > len(p) + 1:
                out, changed = out[len(p):], True
                break
        for s in suffixes:
            if out.endswith(s) and len(out) > len(s) + 1:
                out, changed = out[: -len(s)], True
                break
    return out


@functools.cache
def _vectorizer() -> tuple[Any, Any, list[tuple[str, Indicator]]]:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError as e:  # pragma: no cover - scikit-learn is a dependency
        raise ImportError("similarity matching needs scikit-learn: pip install scikit-learn") from e
    pairs = [(variant, ind) for variant, ind in _variant_index().items()]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    matrix = vec.fit_transform([v for v, _ in pairs])
    return vec, matrix, pairs


def _excluded(name: str, ind: Indicator) -> bool:
    # 国内生产总值年均增长 is not GDP增长; 国内生产总值 (a level) is not either
    if ind.require and not any(word in name for word in ind.require):
        return True
    return any(word in name and word not in ind.name for word in ind.exclude)


@functools.lru_cache(maxsize=20000)
def canonical_name(name: str, *, threshold: float = DEFAULT_THRESHOLD) -> Canonical:
    """Resolve a written indicator name to its canonical indicator.

    Args:
        name: the name as extracted (``indicators.name``).
        threshold: least cosine similarity for a learned match.

    Returns:
        A Canonical; ``method`` None when neither the table nor the
        similarity found an indicator (``name`` is then the cleaned name).

    >>> c = canonical_name("国内生产总值增长")
    >>> c.name, c.direction
    ('GDP增长', 'floor')
    """
    cleaned = clean_name(name)
    index = _variant_index()
    for candidate in (cleaned, clean_name(name, strip=False)):
        ind = index.get(candidate)
        if ind is not None and not _excluded(candidate, ind):
            return Canonical(ind.name, name, "synonym", 1.0, ind.direction)
    if cleaned:
        vec, matrix, pairs = _vectorizer()
        scores = (matrix @ vec.transform([cleaned]).T).toarray().ravel()
        for i in scores.argsort()[::-1][:3]:
            variant, ind = pairs[i]
            if scores[i] < threshold:
                break
            if not _excluded(cleaned, ind):
                return Canonical(ind.name, name, "similar", round(float(scores[i]), 3), ind.direction)
    return Canonical(cleaned or name, name, None, 0.0, _direction_from_words(cleaned or name))


def _direction_from_words(name: str) -> str:
    words = _table()["direction_words"]
    for direction in ("ceiling", "floor"):
        if any(w in name for w in words[direction]):
            return direction
    return "floor"


def is_generic(name: str) -> bool:
    """A name too general to pair across documents: shorter than 3 characters or in ``generic_names``.

    >>> is_generic("投资"), is_generic("GDP增长"), is_generic("城镇化率")
    (True, False, False)
    """
    cleaned = clean_name(name)
    return len(cleaned) < 3 or cleaned in _table().get("generic_names", ())


def direction_of(indicator: str, clause: str = "", qualifier: str | None = None) -> str:
    """floor or ceiling for a target of ``indicator`` stated in ``clause``.

    The canonical indicator's direction, unless the clause caps the number
    (控制在, 以内, 不超过) or its qualifier is ``at_most``.

    >>> direction_of("GDP增长"), direction_of("CPI涨幅"), direction_of("能耗", "控制在3%以内")
    ('floor', 'ceiling', 'ceiling')
    >>> direction_of("城镇新增就业人数", "城镇新增就业人数不低于900万人", "at_least")
    'floor'
    """
    # 不低于900万人 is a floor, though it holds 低于
    bare = clause.replace("不低于", "").replace("不少于", "")
    if qualifier == "at_most" or any(w in bare for w in _table()["ceiling_clause_words"]):
        return "ceiling"
    if qualifier == "at_least":
        return "floor"
    ind = _by_name().get(indicator)
    return ind.direction if ind else _direction_from_words(indicator)


def strength_of(clause: str) -> str | None:
    """hard, soft or planned, from the words of a target's clause; None if none.

    >>> strength_of("确保粮食产量稳定在1.3万亿斤以上"), strength_of("力争实现更好结果")
    ('hard', 'soft')
    """
    words = _table()["strength_words"]
    for strength in ("hard", "soft", "planned"):
        if any(w in clause for w in words[strength]):
            return strength
    return None
