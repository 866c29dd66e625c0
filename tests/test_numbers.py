"""Chinese and Arabic numerals: parse_number, parse_numeral, to_chinese."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zongjie.extract.numbers import Numeral, parse_number, parse_numeral, to_chinese

CASES = [
    # Chinese numerals
    ("十二", 12),
    ("十", 10),
    ("两", 2),
    ("〇", 0),
    ("零", 0),
    ("一千零五", 1005),
    ("三万五千", 35000),
    ("一万零二百零三", 10203),
    ("一百一十", 110),
    ("五亿零六", 500000006),
    ("四万万", 400000000),
    ("一万五千亿", 1500000000000),
    ("二〇二三", 2023),
    # abbreviated tails: the last digit is one step below the last unit
    ("一万三", 13000),
    ("两千四百五", 2450),
    ("百三", 130),
    ("半百", 50),
    # words of approximation are dropped: the number part
    ("三千余", 3000),
    ("十多万", 100000),
    ("二十几万", 200000),
    # financial and traditional forms
    ("壹佰伍拾", 150),
    ("肆佰陸拾", 460),
    ("兩千四百五", 2450),
    ("負三十二", -32),
    # Arabic numerals, full width, separators, multipliers
    ("1,234.5", 1234.5),
    ("１２３", 123),
    ("４，５６５", 4565),
    ("62.03万", 620300),
    ("2.4亿", 240000000),
    ("4.78万亿", 4780000000000),
    ("1,100万", 11000000),
    ("5万4千6百", 54600),
    ("2千零30万", 20300000),
    ("-10000", -10000),
    ("负1.1", -1.1),
    (".5", 0.5),
    ("2e5", 200000),
    ("40k", 40000),
    # decimals in Chinese
    ("十五点七", 15.7),
    ("两千万点五五四四", 20000000.5544),
    ("零点五", 0.5),
    # fractions
    ("三分之一", 1 / 3),
    ("五分之一", 0.2),
    ("一百分之二", 0.02),
    ("3又一千分之23", 3.023),
    ("负一又二分之一", -1.5),
    ("1 ３/5", 1.6),
]


@pytest.mark.parametrize(("text", "value"), CASES, ids=[c[0] for c in CASES])
def test_parse_number(text, value):
    got = parse_number(text)
    assert got is not None and math.isclose(got, value, rel_tol=1e-9), got


RATES = [
    # percentages, per-mille, 成 and 折
    ("百分之八十五", Numeral(85, "%")),
    ("85%", Numeral(85, "%")),
    ("５％", Numeral(5, "%")),
    ("3个百分点", Numeral(3, "%")),
    ("七成", Numeral(70, "%")),
    ("9.5成", Numeral(95, "%")),
    ("9.9折", Numeral(99, "%")),
    ("千分之三", Numeral(3, "‰")),
    ("10.66‰", Numeral(10.66, "‰")),
    ("百分之２．４", Numeral(2.4, "%")),
]


@pytest.mark.parametrize(("text", "numeral"), RATES, ids=[c[0] for c in RATES])
def test_parse_numeral_rates(text, numeral):
    got = parse_numeral(text)
    assert got is not None and got.unit == numeral.unit and math.isclose(got.value, numeral.value)


NOT_NUMBERS = [
    # words that hold numeral characters but are not numbers
    "一切",
    "万",
    "万万",
    "两两",
    "",
    "x",
    "xx",
    "***",
    "百分之",
    "分之",
]


@pytest.mark.parametrize("text", NOT_NUMBERS, ids=[t or "empty" for t in NOT_NUMBERS])
def test_not_numbers(text):
    assert parse_number(text) is None


WRITTEN = [
    (0, "零"),
    (10, "十"),
    (15, "十五"),
    (110, "一百一十"),
    (1005, "一千零五"),
    (10203, "一万零二百零三"),
    (100000005, "一亿零五"),
    (-32, "负三十二"),
]


@pytest.mark.parametrize(("n", "text"), WRITTEN, ids=[str(n) for n, _ in WRITTEN])
def test_to_chinese(n, text):
    assert to_chinese(n) == text


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_round_trip(n):
    assert parse_number(to_chinese(n)) == n


@given(st.text(max_size=30))
def test_parse_number_never_raises(s):
    v = parse_number(s)
    assert v is None or isinstance(v, float)
