"""Parsers and cleaners never crash, and every offset they give is true.

Property-based (hypothesis): arbitrary Unicode, and text drawn from the
characters these parsers care about, through the number, quantity and time
parsers, the normaliser, the cleaner and the whole extraction pipeline.

Examples per property stay modest so that the suite stays fast; a deeper run:
``ZONGJIE_HYPOTHESIS_EXAMPLES=2000 pytest tests/test_properties.py``.
"""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from zongjie.corpus.clean import clean_text
from zongjie.corpus.normalize import _TRANSLATE, map_offset, normalize
from zongjie.corpus.structure import structure
from zongjie.corpus.text import decode_bytes
from zongjie.errors import UnsupportedFormat
from zongjie.extract.numbers import parse_number, parse_numeral, to_chinese
from zongjie.extract.quantities import find_quantities
from zongjie.extract.times import find_times

EXAMPLES = int(os.environ.get("ZONGJIE_HYPOTHESIS_EXAMPLES", "80"))
PROPS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# What these parsers look at: digits in every width, Chinese numerals and
# multipliers, units, qualifiers, masks, date words, punctuation.
REPORT_CHARS = list(
    "0123456789０１２３４５６７８９.．,，%％‰零〇○一二两三四五六七八九十百千万亿兆壹贰叁拾佰仟萬億点半负"
    "余多几约近超过以上以下以内左右分之成个百分点同比增长下降提高减少元万元亿元人家户所项公里吨亩平方米"
    "xX*＊×某年月日号季度上下半年底初末至到—–-～~、：；。！？（）()《》“”\"' \n\t"
    "全县新建村卫生室投资完成计划力争达到覆盖率企业就业"
)
report_text = st.text(alphabet=st.sampled_from(REPORT_CHARS), max_size=120)
any_text = st.one_of(st.text(max_size=200), report_text)
MASKS = ["x", "X", "xx", "XX", "xxx", "*", "**", "***", "×", "＊＊", "×××"]


# --- numbers ---------------------------------------------------------------


@PROPS
@given(any_text)
@example("9" * 400)  # overflows a float
@example("1e999")
@example("9" * 400 + "亿")
def test_number_parsers_never_raise_and_give_finite_values(s):
    for value in (parse_number(s), getattr(parse_numeral(s), "value", None)):
        assert value is None or (isinstance(value, float) and math.isfinite(value))


@PROPS
@given(st.integers(min_value=-(10**20) + 1, max_value=10**20 - 1))
@example(10**16)
@example(100000005)
@example(10)
@example(-1)
def test_chinese_numeral_round_trip(n):
    """int → 中文数字 → int, up to 亿亿; exact while a float holds the integer exactly."""
    written = to_chinese(n)
    assert not any(ch.isdigit() for ch in written)
    value = parse_number(written)
    if abs(n) <= 2**53:
        assert value == n, written
    else:
        assert value == pytest.approx(n, rel=1e-15), written


# --- quantities --------------------------------------------------------------


def _assert_spans(text, found, *, inner=()):
    for f in found:
        assert 0 <= f.start < f.end <= len(text), f
        assert text[f.start : f.end] == f.text, f
        for a, b in inner:
            start, end = getattr(f, a), getattr(f, b)
            if start is not None:
                assert f.start <= start <= end <= f.end, f


@PROPS
@given(any_text)
def test_quantities_never_raise_and_their_offsets_are_true(text):
    found = find_quantities(text)
    _assert_spans(text, found, inner=[("number_start", "number_end")])
    for q in found:
        if q.masked:
            assert q.value is None and q.value_max is None, q
        if q.value is not None:
            assert math.isfinite(q.value), q


CONTEXT = st.text(alphabet=st.sampled_from(list("全县新建村卫生室投资完成计划力争达到覆盖率企业就业的工作，、：")), max_size=12)


@PROPS
@given(CONTEXT, st.sampled_from(MASKS), st.sampled_from(["%", "％", "万元", "亿元", "家", "人", "个", "处", "项", "个百分点"]),
       st.sampled_from(["", "增长", "达到", "约", "超过", "同比增长"]), CONTEXT)
def test_a_masked_number_never_yields_a_value(before, mask, unit, lead, after):
    """x%, XX万元, ***家: blanked out in the source, so no value is ever made up."""
    text = before + lead + mask + unit + after
    for q in find_quantities(text):
        assert q.value is None and q.value_max is None, (text, q)


# --- times -------------------------------------------------------------------


@PROPS
@given(any_text, st.one_of(st.none(), st.integers(1949, 2100)),
       st.sampled_from([None, "FY", "H1", "H2", "Q1", "Q4", "other"]))
def test_times_never_raise_and_their_offsets_are_true(text, year, period):
    found = find_times(text, year, period)
    _assert_spans(text, found)
    for t in found:
        if t.masked:
            assert t.from_ is None and t.to is None, t


@PROPS
@given(st.sampled_from(["20XX年", "20xx年", "XXXX年", "20**年", "xx年", "××××年"]),
       st.sampled_from(["", "上半年", "3月", "x月", "底", "1月至6月"]), CONTEXT)
def test_a_masked_year_never_yields_a_date(year, rest, after):
    text = "到" + year + rest + after
    for t in find_times(text, 2024, "FY"):
        if t.start <= text.index(year) < t.end:
            assert t.masked and t.from_ is None and t.to is None, (text, t)


# --- normalising and cleaning --------------------------------------------------


@PROPS
@given(st.text(max_size=200))
@example("建档率８４％\u200b\x00\u3000增长")
def test_normalize_maps_every_character_back(text):
    out, runs = normalize(text)
    for i, ch in enumerate(out):
        j = map_offset(runs, i)
        assert 0 <= j < len(text)
        assert _TRANSLATE.get(ord(text[j]), text[j]) == ch


@PROPS
@given(any_text)
def test_clean_and_structure_never_raise_and_sentences_are_slices(text):
    for doc in clean_text(text):
        doc = structure(doc)
        assert doc.text.strip()
        for s in doc.sentences:
            assert 0 <= s.start <= s.end <= len(doc.text)
            assert doc.text[s.start : s.end] == s.text
        for sec in doc.sections:
            assert 0 <= sec.start <= sec.end <= len(doc.text)
        for start, end, *_ in doc.blocks:
            assert 0 <= start <= end <= len(doc.text)


@settings(max_examples=max(10, EXAMPLES // 4), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(report_text)
def test_the_whole_pipeline_grounds_every_fact(text):
    """What ingest does to a document: every fact lies in the text, and the store accepts it."""
    from zongjie.corpus.documents import read_text
    from zongjie.extract.pipeline import extract
    from zongjie.schema.store import prepare_document

    docs = read_text(text)
    assume(docs)
    for doc in docs:
        result = extract(doc, entities=False)
        facts = result.as_dict()
        for kind, items in facts.items():
            for f in items:
                if hasattr(f, "start") and hasattr(f, "end"):
                    assert 0 <= f.start <= f.end <= len(doc.text), (kind, f)
                    if isinstance(getattr(f, "text", None), str):
                        assert doc.text[f.start : f.end] == f.text, (kind, f)
        prepared = prepare_document(doc, facts)  # raises StoreError on any offset or sentence the store would refuse
        # the index words taken from extraction's cut are those of the sentence segmented alone
        assert prepare_document(doc, facts, cut=result.cut).words == prepared.words


# what jieba cuts into runs (CJK, ASCII letters and digits, +#&._%-) and what it cuts alone, line ends
SEGMENT_CHARS = [*REPORT_CHARS, *"abcXYZ+#&_", "\r\n", "\r", "家庭医生", "签约服务", "中华人民共和国", "卫生健康委员会"]


@PROPS
@given(st.lists(st.sampled_from(SEGMENT_CHARS), max_size=60).map("".join), st.lists(st.integers(0, 200), max_size=12))
def test_index_words_from_the_document_cut_are_those_of_each_sentence_alone(text, cuts):
    """``fts_texts`` reuses the document's cut only where it gives exactly ``fts_text`` of the span."""
    from zongjie.extract.segment import fts_text, fts_texts, words

    points = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    spans = list(zip(points, points[1:], strict=False)) + [(a, b) for a in points for b in points if a < b][:8]
    expected = [fts_text(text[a:b]) for a, b in spans]
    assert fts_texts(text, spans, words(text)) == expected
    assert fts_texts(text, spans) == expected
    assert fts_texts(text, spans, ["not", "its", "cut"]) == expected


@PROPS
@given(st.lists(st.sampled_from(SEGMENT_CHARS), max_size=60).map("".join), st.lists(st.integers(0, 200), max_size=12))
def test_span_words_from_the_document_cut_are_those_of_the_span_alone(text, cuts):
    """What the NER model reads: the words of each clause, whitespace included, as if cut alone."""
    from zongjie.extract.segment import span_words, words

    points = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    spans = [(a, b) for a in points for b in points if a <= b][:20]
    assert span_words(text, spans, words(text)) == [words(text[a:b]) for a, b in spans]


# --- decoding ------------------------------------------------------------------


@PROPS
@given(st.binary(max_size=400))
@example(b"\xff\xfe\x00\xd8")  # a BOM, then a lone surrogate
@example("各位代表".encode("utf-16-le")[:-1])
def test_decode_bytes_gives_text_or_says_why(data):
    try:
        text, encoding = decode_bytes(data)
    except UnsupportedFormat:
        return
    assert isinstance(text, str) and encoding
