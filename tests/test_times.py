"""find_times: Chinese input, the document's year and period → the times found and resolved."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zongjie.extract.facts import TimeExpr
from zongjie.extract.times import deadline_of, find_times, period_end, run_example, year_end

NA = object()  # "any value": the case does not check this field


def case(text, year, period, quote, from_, to, masked=False, kind=NA, *, id):
    return pytest.param(text, year, period, quote, from_, to, masked, kind, id=id)


CASES = [
    # --- absolute dates, months and years
    case("4月6日,全市药物政策与基本药物制度工作现场会在我区召开", 2018, "FY", "4月6日",
         "2018-04-06", "2018-04-06", kind="date", id="day-takes-doc-year"),
    case("4月6日召开", None, "FY", "4月6日", "XXXX-04-06", "XXXX-04-06", id="day-unknown-year"),
    case("2023年4月6日", 2019, "FY", "2023年4月6日", "2023-04-06", "2023-04-06", id="full-date"),
    case("二〇二三年十月一日", None, "FY", "二〇二三年十月一日", "2023-10-01", "2023-10-01", id="chinese-numerals"),
    case("发布时间:2019-02-27", 2023, "FY", "2019-02-27", "2019-02-27", "2019-02-27", id="iso-date"),
    case("市卫生局3月份下发通知", 2011, "other", "3月份", "2011-03-01", "2011-03-31", kind="period",
         id="month-fen"),
    case("我市于今年三月出台了", 2023, "H1", "今年三月", "2023-03-01", "2023-03-31", id="this-year-month"),
    case("四月份", 2023, "H1", "四月份", "2023-04-01", "2023-04-30", id="chinese-month"),
    case("自去年12月启动以来", 2023, "H1", "去年12月", "2022-12-01", "2022-12-31", id="last-year-month"),
    case("2月", 2024, "FY", "2月", "2024-02-01", "2024-02-29", id="leap-february"),
    case("《关于印发2011年全年医政工作要点的通知》", 2011, "FY", "2011年", "2011-01-01", "2011-12-31",
         id="year-in-document-title"),
    case("2024年,我局将", 2023, "H1", "2024年", "2024-01-01", "2024-12-31", id="next-year-absolute"),
    case("2023年度", 2023, "FY", "2023年度", "2023-01-01", "2023-12-31", id="year-niandu"),
    # --- ranges
    case("今年1—10月份,五支巡回医疗队", 2023, "H1", "今年1—10月份", "2023-01-01", "2023-10-31",
         id="month-range-emdash"),
    case("1-5月", None, "H1", "1-5月", "XXXX-01-01", "XXXX-05-31", id="month-range-hyphen"),
    case("5月16日—20日开展义诊", 2023, "H1", "5月16日—20日", "2023-05-16", "2023-05-20",
         kind="period", id="day-range"),
    case("5月16日至6月2日", 2023, "FY", "5月16日至6月2日", "2023-05-16", "2023-06-02", id="day-range-months"),
    case("2021—2025年", 2023, "FY", "2021—2025年", "2021-01-01", "2025-12-31", id="year-range"),
    # --- parts of a month
    case("已于今年5月下旬完工", 2023, "H1", "今年5月下旬", "2023-05-21", "2023-05-31", id="xiaxun"),
    case("7月上旬", 2023, "FY", "7月上旬", "2023-07-01", "2023-07-10", id="shangxun"),
    case("6月底前完成", 2023, "FY", "6月底前", "2023-06-30", "2023-06-30", kind="deadline", id="month-end-before"),
    # --- relative years
    case("今年全市二级以上综合医院", 2011, "other", "今年", "2011-01-01", "2011-12-31", id="jinnian"),
    case("比去年增加8.75%", 2011, "other", "去年", "2010-01-01", "2010-12-31", id="qunian"),
    case("去年全部进行培训", None, "FY", "去年", "XXXX-01-01", "XXXX-12-31", id="qunian-unknown-year"),
    case("明年", 2017, "FY", "明年", "2018-01-01", "2018-12-31", id="mingnian"),
    case("前年", 2017, "FY", "前年", "2015-01-01", "2015-12-31", id="qiannian"),
    case("比上年增长", 2024, "FY", "上年", "2023-01-01", "2023-12-31", id="shangnian"),
    # --- halves, quarters, seasons
    case("上半年,共使用国家基本药物", 2023, "H1", "上半年", "2023-01-01", "2023-06-30", id="shangbannian"),
    case("下半年工作打算", None, "H1", "下半年", "XXXX-07-01", "XXXX-12-31", id="xiabannian"),
    case("2023年卫生局上半年工作总结", 2023, "H1", "2023年卫生局上半年", "2023-01-01", "2023-06-30",
         id="year-org-half-title"),
    case("一季度", 2023, "FY", "一季度", "2023-01-01", "2023-03-31", id="q1"),
    case("2022年第四季度", 2023, "FY", "2022年第四季度", "2022-10-01", "2022-12-31", id="q4-year"),
    case("前三季度", 2023, "Q3", "前三季度", "2023-01-01", "2023-09-30", id="first-three-quarters"),
    case("一季度末", 2023, "FY", "一季度末", "2023-03-31", "2023-03-31", kind="point", id="quarter-end"),
    case("开展了春季“百万市民大清扫”活动", None, "H1", "春季", "XXXX-03-01", "XXXX-05-31", id="spring"),
    case("明年春天可投入使用", 2023, "H1", "明年春天", "2024-03-01", "2024-05-31", id="next-spring"),
    case("今年冬季", 2023, "FY", "今年冬季", "2023-12-01", "2024-02-29", id="winter-crosses-year"),
    # --- parts of a year
    case("年初,区政府召开卫生工作会议", None, "FY", "年初", "XXXX-01-01", "XXXX-03-31", id="nianchu"),
    case("在今年年初", 2023, "H1", "今年年初", "2023-01-01", "2023-03-31", id="jinnian-nianchu"),
    case("列入年终综合目标考核", 2011, "other", "年终", "2011-12-01", "2011-12-31", id="nianzhong"),
    case("年底主体可完工", 2023, "H1", "年底", "2023-12-01", "2023-12-31", id="niandi"),
    case("年内完成10个基层站所改貌建设任务", None, "FY", "年内", "XXXX-01-01", "XXXX-12-31", id="niannei"),
    case("去年底", 2023, "FY", "去年底", "2022-12-01", "2022-12-31", id="qunian-di"),
    case("年底前完成", 2023, "FY", "年底前", "2023-12-01", "2023-12-31", kind="deadline", id="before-year-end"),
    case("2025年底前", 2023, "FY", "2025年底前", "2025-12-01", "2025-12-31", kind="deadline", id="before-2025-end"),
    # --- the reporting period, cut-offs, open ends
    case("截至目前,全区组建", None, "FY", "截至目前", "XXXX-12-31", "XXXX-12-31", kind="point",
         id="jiezhi-muqian-fy"),
    case("截止目前,已为x人次", 2023, "H1", "截止目前", "2023-06-30", "2023-06-30", id="jiezhi-muqian-h1"),
    case("截至目前", 2023, "Q3", "截至目前", "2023-09-30", "2023-09-30", id="jiezhi-muqian-q3"),
    case("截至目前", 2023, "Q1", "截至目前", "2023-03-31", "2023-03-31", id="jiezhi-muqian-q1"),
    case("有的单位到现在为止,纠风工作", None, "H1", "到现在为止", "XXXX-06-30", "XXXX-06-30",
         id="dao-xianzai-weizhi"),
    case("用于传染病区项目建设,目前主体工程已完工", 2023, "H1", "目前", "2023-06-30", "2023-06-30",
         id="muqian-as-of-now"),
    case("。目前全市共有98个科室", 2011, "other", "目前", None, None, kind="point",
         id="muqian-period-unknown"),
    case("截止7月底,全市共有", 2011, "other", "截止7月底", "2011-07-31", "2011-07-31", kind="point",
         id="cutoff-month-end"),
    case("截至6月底", None, "H1", "截至6月底", "XXXX-06-30", "XXXX-06-30", id="cutoff-unknown-year"),
    case("到6月底为止", 2023, "H1", "到6月底为止", "2023-06-30", "2023-06-30", id="dao-weizhi"),
    case("今年以来,市级综合医院", 2023, "H1", "今年以来", "2023-01-01", "2023-06-30", id="since-h1"),
    case("今年以来", 2023, "FY", "今年以来", "2023-01-01", "2023-12-31", id="since-fy"),
    case("今年5月份以来,按照省卫生厅统一部署", 2011, "other", "今年5月份以来", "2011-05-01", None,
         id="since-period-unknown"),
    case("自1月份起,在7个基层医疗卫生单位", None, "FY", "自1月份起", "XXXX-01-01", None, id="onward-qi"),
    case("从今年开始利用三年时间", 2023, "H1", "从今年开始", "2023-01-01", None, id="onward-kaishi"),
    case("较去年同期缩短***天", None, "H1", "去年同期", "XXXX-01-01", "XXXX-06-30", id="same-period-h1"),
    case("较去年同期", 2023, "H1", "去年同期", "2022-01-01", "2022-06-30", id="same-period-known-year"),
    case("比去年同期提高1.6个百分点", 2025, "M1-M9", "去年同期", "2024-01-01", "2024-09-30", id="same-period-title-months"),
    case("截至目前，全市备案托育机构", 2025, "M1-M9", "截至目前", "2025-09-30", "2025-09-30", kind="point", id="now-title-months"),
    # --- two dated times joined by 至: one span across the turn of the year
    case("本统计年度（2014年11月1日至2015年10月31日）全县出生6892人", 2015, "FY", "2014年11月1日至2015年10月31日",
         "2014-11-01", "2015-10-31", kind="period", id="span-across-years"),
    # --- five-year plans
    case("十四五期间", 2023, "FY", "十四五期间", "2021-01-01", "2025-12-31", id="14th-plan"),
    case("“十三五”时期", 2023, "FY", "“十三五”时期", "2016-01-01", "2020-12-31", id="13th-plan-quoted"),
    case("十一五规划期间", 2008, "FY", "十一五规划期间", "2006-01-01", "2010-12-31", id="11th-plan"),
    # --- masked years, months and days: never resolved
    case("全面做好XXXX年各项卫生工作", None, "FY", "XXXX年", None, None, masked=True, id="masked-XXXX"),
    case("县卫生局xx年上半年工作总结", None, "H1", "xx年上半年", None, None, masked=True, id="masked-xx-half"),
    case("《五项重点改革xx年度工作安排》", 2023, "H1", "xx年度", None, None, masked=True, id="masked-niandu"),
    case("20xx年医院工作", 2023, "FY", "20xx年", None, None, masked=True, id="masked-20xx"),
    case("二〇××年工作要点", 2023, "FY", "二〇××年", None, None, masked=True, id="masked-chinese"),
    case("今年*月,卫生部召开", 2023, "H1", "今年*月", None, None, masked=True, id="masked-month"),
    case("*月**日—*月*日", 2023, "H1", "*月**日—*月*日", None, None, masked=True, id="masked-day-range"),
    case("****年*月*日起正式启动", None, "H1", "****年*月*日起", None, None, masked=True, id="masked-onward"),
]


@pytest.mark.parametrize(("text", "year", "period", "quote", "from_", "to", "masked", "kind"), CASES)
def test_find_times(text, year, period, quote, from_, to, masked, kind):
    found = [t for t in find_times(text, year, period) if t.text == quote]
    assert found, f"{quote!r} not found in {[t.text for t in find_times(text, year, period)]}"
    t = found[0]
    assert (t.from_, t.to, t.masked) == (from_, to, masked)
    if kind is not NA:
        assert t.kind == kind


NOT_TIMES = [
    # --- durations and frequencies
    pytest.param("从今年开始利用三年时间", "三年", id="duration-three-years"),
    pytest.param("坚持每周五政治学习", "每周五", id="every-friday"),
    pytest.param("每天开放", "每天", id="every-day"),
    pytest.param("已连续四年保持", "四年", id="four-years-running"),
    pytest.param("半年来,全局上下", "半年", id="half-year-since"),
    pytest.param("通过一年来的扎实工作", "一年", id="one-year-since"),
    pytest.param("近年来", "年", id="recent-years"),
    pytest.param("科室还坚持了每季度组织一次", "季度", id="every-quarter"),
    pytest.param("每年3月开展", "3月", id="every-march"),
    pytest.param("服务6个月", "6个月", id="six-months"),
    pytest.param("三年内完成", "年内", id="within-three-years"),
    # --- vague or not a time at all
    pytest.param("近期,市卫生局将组织", "近期", id="jinqi"),
    pytest.param("下一步,我们将", "下一步", id="xiayibu"),
    pytest.param("看病难是目前广大群众最为关心的问题之一", "目前", id="muqian-general"),
    pytest.param("65岁以上年龄段", "上年", id="yishang-nian"),
    pytest.param("今年中央财政", "年中", id="nian-zhongyang"),
    pytest.param("5月初步完成", "5月初", id="chubu"),
    pytest.param("春节期间", "春节", id="holiday"),
    pytest.param("较去年同期增长,同比增长5%", "同比", id="tongbi"),
    pytest.param("“十三五”规划纲要", "十三五", id="plan-name"),
    pytest.param("共计1850字", "1850", id="word-count"),
    pytest.param("增长2023.5%", "2023", id="decimal"),
]


@pytest.mark.parametrize(("text", "fragment"), NOT_TIMES)
def test_not_a_time(text, fragment):
    hits = [t.text for t in find_times(text, 2023, "FY")]
    assert not any(fragment in h for h in hits), hits


# --- the document's own year is masked: the year passed in is ignored, never guessed

def test_year_masked_ignores_year():
    (t,) = find_times("今年的业务指标", 2023, "H1", year_masked=True)
    assert (t.from_, t.to, t.masked) == ("XXXX-01-01", "XXXX-12-31", False)


# --- helpers for the commitment extractor

@pytest.mark.parametrize(("year", "want"), [(2019, "2019-12-31"), (None, "XXXX-12-31")], ids=["known", "unknown"])
def test_year_end(year, want):
    assert year_end(year) == want


@pytest.mark.parametrize(("text", "want"), [
    pytest.param("年内完成", "2023-12-31", id="niannei"),
    pytest.param("年底前", "2023-12-31", id="before-year-end"),
    pytest.param("明年春天", "2024-05-31", id="next-spring"),
    pytest.param("自1月份起", None, id="open-end"),
    pytest.param("xx年", None, id="masked"),
])
def test_deadline_of(text, want):
    (t,) = find_times(text, 2023, "FY")
    assert deadline_of(t) == want


@pytest.mark.parametrize(("period", "want"), [
    ("FY", "2023-12-31"), ("H1", "2023-06-30"), ("H2", "2023-12-31"), ("Q1", "2023-03-31"),
    ("Q2", "2023-06-30"), ("Q3", "2023-09-30"), ("Q4", "2023-12-31"), ("前三季度", "2023-09-30"),
    ("other", None), (None, None),
])
def test_period_end(period, want):
    assert period_end(2023, period) == want


def test_run_example_takes_options():
    (item,) = run_example("截至目前", year=None, period="H1")
    assert (item["from"], item["to"], item["rule"]) == ("XXXX-06-30", "XXXX-06-30", "time.now.v1")


# --- properties

@settings(max_examples=300, deadline=None)
@given(st.text(), st.one_of(st.none(), st.integers(1900, 2100)),
       st.sampled_from([None, "FY", "H1", "H2", "Q1", "Q3", "other"]))
def test_arbitrary_text_never_raises(text, year, period):
    for t in find_times(text, year, period):
        assert isinstance(t, TimeExpr)
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start:t.end] == t.text
        if t.masked:
            assert t.from_ is None and t.to is None


TIMEY = st.text(alphabet="0123456789一二三四五六七八九十〇今去明年月日号季度上下半初底末内旬春夏秋冬"
                         "截至止目前以来起前后自从xX*—-至,。的工作", max_size=40)


@settings(max_examples=500, deadline=None)
@given(TIMEY, st.one_of(st.none(), st.integers(1990, 2030)))
def test_time_like_text_resolves_consistently(text, year):
    """On text dense with time words: spans in order, masked never resolved, from <= to."""
    last = 0
    for t in find_times(text, year, "FY"):
        assert t.start >= last and text[t.start:t.end] == t.text
        last = t.end
        if t.masked:
            assert t.from_ is None and t.to is None
        if t.from_ and t.to and "XXXX" not in t.from_ + t.to:
            assert t.from_ <= t.to, t
