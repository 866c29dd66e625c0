"""Chinese and Arabic numerals: parse them to values, and write integers in Chinese.

``parse_number`` reads a numeral as written in reports and official
documents: Chinese numerals (三千, 一千零五, 三万五千, 两, 〇, financial forms
壹贰叁 and traditional 萬億), Arabic numerals (1,234.5, full-width １２３),
mixtures with multipliers (62.03万, 2.4亿, 5万4千6百), percentages
(百分之八十五, 85%, 七成), per-mille (千分之三) and fractions (三分之一).
Words of approximation inside the numeral (三千余, 十多万, 二十几万) are dropped:
the value is the number part, the qualifier is the caller's business.

``to_chinese`` writes an integer the way a Chinese document would
(10203 → 一万零二百零三), so int → Chinese → int round-trips.

Example::

    >>> parse_number("62.03万")
    620300.0
    >>> parse_numeral("百分之八十五")
    Numeral(value=85.0, unit='%')
    >>> to_chinese(10203)
    '一万零二百零三'
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import NamedTuple

__all__ = ["Numeral", "parse_number", "parse_numeral", "to_chinese", "normalise"]

_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "半": 0.5,
}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10**4, "亿": 10**8, "兆": 10**12}

# financial and traditional forms → the everyday simplified character
_FOLD = str.maketrans({
    "壹": "一", "贰": "二", "貳": "二", "弍": "二", "叁": "三", "參": "三", "肆": "四",
    "伍": "五", "陆": "六", "陸": "六", "柒": "七", "捌": "八", "玖": "九", "拾": "十",
    "佰": "百", "仟": "千", "萬": "万", "億": "亿", "兩": "两", "倆": "两", "幺": "一",
    "負": "负", "點": "点", "對": "对", "個": "个", "幾": "几", "餘": "余",
})

_APPROX = re.compile(r"[余多几来]")
_SPACE = re.compile(r"\s+")
_ARABIC = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|\.\d+|[零〇○一二两三四五六七八九半十百千万亿兆]")
_PLAIN = re.compile(
    r"(?P<base>\d+(?:\.\d*)?|\.\d+)"
    r"(?:(?P<e>[eE][+-]?\d+)|\^(?P<pow>[+-]*\d+(?:\.\d+)?)|(?P<k>[kKM]))?"
)
_MIXED_FRACTION = re.compile(r"^\s*([+-]?\d+)\s+(\d+)\s*/\s*(\d+)\s*$")
_SLASH = re.compile(r"^([+-]?\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")
_CN_DECIMAL = re.compile(r"^(?P<int>.*?)点(?P<frac>[零〇○一二两三四五六七八九]+|\d+)(?P<mult>[十百千万亿兆]*)$")
_PERCENT_SUFFIX = re.compile(r"^(?P<num>.+?)(?P<unit>%|‰|‱|个百分点|百分点)$")
_RATIO_SUFFIX = re.compile(r"^(?P<num>.+?)(?P<unit>成|折)(?P<tail>半|[一二三四五六七八九]|\d)?$")


class Numeral(NamedTuple):
    """A parsed numeral: its value and, for rates, ``%``/``‰``/``‱`` (else None)."""

    value: float
    unit: str | None = None


def normalise(s: str) -> str:
    """Fold full-width forms (NFKC), financial and traditional numerals, and spaces."""
    s = unicodedata.normalize("NFKC", s).translate(_FOLD)
    return _SPACE.sub("", s)


def parse_number(s: str | None) -> float | None:
    """The value of a numeral, or None where ``s`` is not one.

    Args:
        s: the numeral as written, without its measure word
           (``三千余``, ``62.03万``, ``百分之八十五``).

    Returns:
        The value as a float. Rates give the figure before the sign
        (百分之八十五 → 85, 七成 → 70, 千分之三 → 3); fractions give the
        quotient (三分之一 → 0.333…). Use ``parse_numeral`` for the unit.

    Example::

        >>> parse_number("三万五千"), parse_number("1,234.5"), parse_number("一切")
        (35000.0, 1234.5, None)
    """
    n = parse_numeral(s)
    return None if n is None else n.value


def parse_numeral(s: str | None) -> Numeral | None:
    """Value and rate unit of a numeral (百分之八十五 → Numeral(85.0, '%'))."""
    if not s or not isinstance(s, str):
        return None
    m = _MIXED_FRACTION.match(unicodedata.normalize("NFKC", s))
    if m:  # "1 3/5" before spaces are dropped
        whole, num, den = (float(g) for g in m.groups())
        if den == 0:
            return None
        return Numeral(whole + math.copysign(num / den, whole or 1.0))
    t = normalise(s)
    if not t:
        return None
    n = _parse_rate(t)
    return n if n is not None and math.isfinite(n.value) else None


def _parse_rate(t: str) -> Numeral | None:
    if t in ("对折", "半折"):
        return Numeral(50.0, "%")
    m = _PERCENT_SUFFIX.match(t)
    if m:
        v = _parse_signed(m.group("num"))
        if v is None:
            return None
        return Numeral(v, "%" if m.group("unit") in ("%", "个百分点", "百分点") else m.group("unit"))
    m = _RATIO_SUFFIX.match(t)
    if m:
        v = _parse_signed(m.group("num"))
        if v is None or v < 0:
            return None
        tail = m.group("tail")
        if tail:  # 七成六 = 7.6成, 三成半 = 3.5成
            if v >= 10 or v != int(v):
                return None
            v += 0.5 if tail == "半" else _digit(tail) / 10
        # 七成 = 70%; 95折 = 95%, 9.5折 = 95%; 十折 is no discount, not a rate
        if m.group("unit") == "折" and v >= 10:
            return Numeral(v, "%") if 10 < v < 100 and not tail else None
        return Numeral(v * 10, "%")
    if "分之" in t:
        return _parse_fraction(t)
    v = _parse_signed(t)
    return None if v is None else Numeral(v)


def _parse_fraction(t: str) -> Numeral | None:
    whole = 0.0
    if "又" in t:
        head, _, t = t.partition("又")
        w = _parse_signed(head)
        if w is None:
            return None
        whole = w
    den_s, _, num_s = t.partition("分之")
    num = _parse_signed(num_s)
    if num is None:
        return None
    if den_s.lstrip("负-") in ("百", "千", "万", "百万", "万万", "百万万") and not whole:
        # 百分之五 is a percentage, 千分之三 a per-mille (the rate as written)
        den = {"百": 100, "千": 1000, "万": 10000}.get(den_s.lstrip("负-"))
        if den_s.startswith(("负", "-")):
            num = -num
        if den == 100:
            return Numeral(num, "%")
        if den == 1000:
            return Numeral(num, "‰")
        d = _parse_signed("一" + den_s.lstrip("负-"))
        return Numeral(num / d * 100, "%") if d else None
    den = _parse_signed(den_s)
    if not den:
        return None
    q = num / den
    if whole:
        q = whole + math.copysign(q, whole)
    return Numeral(q)


def _parse_signed(t: str) -> float | None:
    neg = False
    while t[:1] in ("负", "-", "+", "−"):
        neg = not neg if t[0] != "+" else neg
        t = t[1:]
    v = _parse_unsigned(t)
    if v is None:
        return None
    return -v if neg else v


def _parse_unsigned(t: str) -> float | None:
    if not t:
        return None
    t = t.replace(",", "")
    m = _SLASH.match(t)
    if m:
        den = float(m.group(2))
        return float(m.group(1)) / den if den else None
    m = _PLAIN.fullmatch(t)
    if m:
        return _plain(m)
    if t[-1:] == "打":  # a dozen: 五十打 = 600
        v = _parse_unsigned(t[:-1])
        return None if v is None else v * 12
    t = _APPROX.sub("", t)
    if not t:
        return None
    m = _CN_DECIMAL.match(t)
    if m:
        head = _cn(m.group("int")) if m.group("int") else 0.0
        if head is None:
            return None
        frac = m.group("frac")
        if not frac.isdigit():
            frac = "".join(str(int(_DIGITS[c])) for c in frac)
        v = head + float("0." + frac)
        for c in m.group("mult"):
            v *= _SMALL.get(c) or _BIG[c]
        return v
    return _cn(t)


def _plain(m: re.Match[str]) -> float | None:
    base = float(m.group("base"))
    if m.group("e"):
        return float(m.group("base") + m.group("e"))  # 1e999 → inf, never an OverflowError
    if m.group("pow"):
        p = m.group("pow")
        neg = p.count("-") % 2 == 1
        e = float(p.lstrip("+-"))
        try:
            return base ** (-e if neg else e)
        except (OverflowError, ZeroDivisionError):
            return None
    if m.group("k"):
        return base * (10**6 if m.group("k") == "M" else 1000)
    return base


def _cn(t: str) -> float | None:
    """Chinese numeral, possibly mixed with Arabic digits (5万4千6百, 2千零30万)."""
    tokens = _TOKEN.findall(t)
    if not tokens or "".join(tokens) != t:
        return None
    if all(tok in _BIG or tok in "百千" for tok in tokens):
        return None  # 万, 万万: a multiplier with no number (十 alone is ten)
    units = [tok for tok in tokens if tok in _SMALL or tok in _BIG]
    if not units:
        if len(tokens) == 1:
            return float(_digit(tokens[0]))
        if all(tok in _DIGITS and tok not in "半两" for tok in tokens):
            # 二〇二三: read digit by digit
            return float("".join(str(_DIGITS[tok]) for tok in tokens))
        return None
    parts: list[tuple[float, float]] = []  # (value, magnitude) of completed big-unit groups
    section = 0.0
    number: float | None = None
    last_unit = 0.0
    zero = False
    for tok in tokens:
        if tok in _SMALL:
            u = _SMALL[tok]
            section += (number if number is not None else 1) * u
            number, last_unit, zero = None, u, False
        elif tok in _BIG:
            u = _BIG[tok]
            value = section + (number or 0)
            if value == 0 and parts:
                v, mag = parts.pop()  # 万万, 万亿: the unit multiplies what came before
                parts.append((v * u, mag * u))
            else:
                while parts and parts[-1][1] < u:
                    value += parts.pop()[0]
                parts.append((value * u, u))
            section, number, last_unit, zero = 0.0, None, u, False
        else:
            d = _digit(tok)
            if d == 0 and number is None:
                zero = True
                continue
            if number is not None:
                return None  # two numbers side by side: 三十两 is not a numeral
            number = d
    tail = 0.0
    if number is not None:
        # 一万三 = 13000, 两千四百五 = 2450: a bare last digit is one step below the last unit
        tail = number * last_unit / 10 if last_unit >= 100 and not zero and number < 10 else number
    return sum(v for v, _ in parts) + section + tail


def _digit(tok: str) -> float:
    return _DIGITS[tok] if tok in _DIGITS else float(tok)


# ---------------------------------------------------------------- writing

_CN_DIGITS = "零一二三四五六七八九"
_GROUPS = ["", "万", "亿", "万亿", "亿亿"]


def _group(n: int) -> str:
    """0 < n < 10000, with inner zeros as 零 (1005 → 一千零五)."""
    out = []
    pending_zero = False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // power % 10
        if d == 0:
            if out:
                pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_CN_DIGITS[d] + unit)
    return "".join(out)


def to_chinese(n: int) -> str:
    """An integer in Chinese numerals, as written in documents.

    Args:
        n: any integer below 10**20 in absolute value.

    Returns:
        The numeral (10203 → 一万零二百零三, 15 → 十五, 110 → 一百一十,
        -32 → 负三十二).

    Example::

        >>> to_chinese(100000005)
        '一亿零五'
    """
    if not isinstance(n, int):
        raise TypeError(f"to_chinese() takes an int, not {type(n).__name__}")
    if n < 0:
        return "负" + to_chinese(-n)
    if n == 0:
        return "零"
    if n >= 10**20:
        raise ValueError(f"{n} is too large to write with 亿亿")
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = []
    need_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or g < 1000):
            out.append("零")
        out.append(_group(g) + _GROUPS[i])
        need_zero = False
    s = "".join(out)
    # 一十五 → 十五 at the head only (一百一十 keeps its 一)
    return s[1:] if s.startswith("一十") else s
