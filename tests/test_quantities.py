"""find_quantities: spans, base-unit values, units, qualifiers, masks and exclusions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zongjie.extract.quantities import find_quantities


def one(text):
    qs = find_quantities(text)
    assert len(qs) == 1, [(q.text, q.value, q.unit) for q in qs]
    return qs[0]


FOUND = [
    # (text, quoted span, value, unit, qualifier)
    # multipliers are applied; the unit is the measure word after them
    ("建档62.03万人", "62.03万人", 620300, "人", None),
    ("先后投入3000余万元", "3000余万元", 30000000, "元", "over"),
    ("投入三千余万元", "三千余万元", 30000000, "元", "over"),
    ("完成投资2.39亿元", "2.39亿元", 239000000, "元", None),
    ("糖尿病1.2万人", "1.2万人", 12000, "人", None),
    ("接种4.8万人次", "4.8万人次", 48000, "人次", None),
    ("健康短信90526万条,", "90526万条", 905260000, "条", None),
    # Chinese numerals with measure words
    ("组织八支宣讲团", "八支", 8, "支", None),
    ("两轮共接种适龄儿童", "两轮", 2, "轮", None),
    ("课程三期。", "三期", 3, "期", None),
    # rates
    ("建档率84%", "84%", 84, "%", None),
    ("发证率 96.1% ;", "96.1%", 96.1, "%", None),
    ("系统管理率89. 46%", "89. 46%", 89.46, "%", None),
    ("死亡率为9. 38‰", "9. 38‰", 9.38, "‰", None),
    ("覆盖率达到百分之八十五", "百分之八十五", 85, "%", None),
    ("七成群众", "七成", 70, "%", None),
    ("比上年下降3个百分点", "3个百分点", 3, "个百分点", None),
    ("下降到35微克/立方米", "35微克/立方米", 35, "微克/立方米", None),
    ("实际利用外资2.5亿美元", "2.5亿美元", 250000000, "美元", None),
    ("分别控制在92.68/十万和", "92.68/十万", 92.68, "/十万", None),
    # qualifiers, before and after the number
    ("近40人参加", "近40人", 40, "人", "about"),
    ("约300人", "约300人", 300, "人", "about"),
    ("罚款金额接近20万元", "接近20万元", 200000, "元", "about"),
    ("培训1800余人次", "1800余人次", 1800, "人次", "over"),
    ("宣传画900余套", "900余套", 900, "套", "over"),
    ("检测13万余人", "13万余人", 130000, "人", "over"),
    ("合格率93%以上。", "93%以上", 93, "%", "at_least"),
    ("不低于1万人", "不低于1万人", 10000, "人", "at_least"),
    ("开展活动不少于12次。", "不少于12次", 12, "次", "at_least"),
    ("至少有1个病区", "至少有1个病区"[:-2], 1, "个", "at_least"),
    ("控制在5%以内,", "5%以内", 5, "%", "at_most"),
    ("超过200家", "超过200家", 200, "家", "over"),
    ("100人左右", "100人左右", 100, "人", "about"),
    # per head and per-unit denominators
    ("达到了年人均300元", "300元", 300, "元/人", None),
    ("人均享受补助款1352元", "1352元", 1352, "元/人", None),
    ("共监督检查 2133户/次,", "2133户/次", 2133, "户/次", None),
    # the core measure word: 病种 → 种, 大项 → 项
    ("112病种的临床路径", "112病种", 112, "种", None),
    # the unit named by the thing counted, or by the money talked about
    ("对全市17万农民进行体检", "17万", 170000, "人", None),
    ("区财政安排200万用于配套", "200万", 2000000, "元", None),
    # a count with its unit left out
    ("共征集论文8,向学会推荐", "8", 8, None, None),
]


@pytest.mark.parametrize(("text", "span", "value", "unit", "qualifier"), FOUND, ids=[c[0] for c in FOUND])
def test_found(text, span, value, unit, qualifier):
    q = one(text)
    assert q.text == span and text[q.start:q.end] == span
    assert math.isclose(q.value, value) and q.unit == unit and q.qualifier == qualifier
    assert not q.masked


def test_list_lends_its_unit():
    qs = find_quantities("其中A类32家、B类65、C类28家")
    assert [(q.value, q.unit) for q in qs] == [(32, "家"), (65, "家"), (28, "家")]


def test_range():
    q = one("GDP增长6%-6.5%")
    assert (q.value, q.value_max, q.unit) == (6, 6.5, "%")
    q = one("每年举办3至5个培训班")
    assert (q.value, q.value_max, q.unit) == (3, 5, "个")


MASKED = [
    # blanked-out numbers: masked, value None, never guessed, never dropped
    ("参合率达x%", "%", None),
    ("优惠率达x.x%", "%", None),
    ("检查医疗机构***家", "家", None),
    ("采购基本药物x万元", "元", None),
    ("销售xx.x万元", "元", None),
    ("投入*万元", "元", None),
    ("宣传单****余份", "份", "over"),
    ("节约医疗费用*,***余万元", "元", "over"),
    ("治理乱贴乱画*万多处", "处", "over"),
    ("覆盖全市社区的**%以上", "%", "at_least"),
    ("罚款金额接近**万元", "元", "about"),
    ("医技人员按x元/人年预算", "元/人年", None),
    ("救助XX人次", "人次", None),
    ("共有＊＊家", "家", None),
    ("出动××人", "人", None),
]


@pytest.mark.parametrize(("text", "unit", "qualifier"), MASKED, ids=[c[0] for c in MASKED])
def test_masked(text, unit, qualifier):
    q = one(text)
    assert q.masked and q.value is None and q.unit == unit and q.qualifier == qualifier


NOTHING = [
    # dates and years
    "2023年卫生工作",
    "4月6日召开",
    "发布时间:2024-04-15 09:00:02",
    "1—10月份兑现",
    "xx年上半年",
    "从****年*月*日起",
    # ordinals and list markers
    "第一批示范",
    "第3篇 总结",
    "第二轮培训",
    "(三)加强监管",
    "1、加强监管",
    "九届七次全委会",
    # fixed names and slogans
    "深入开展“三好一满意”活动",
    "市120指挥调度中心",
    "301医院",
    "“十三五”规划",
    "按照“1、2、7”的总体思路",
    "加强七个体系建设",
    "提升两项能力",
    "抓住一个重点",
    "三基三严训练",
    "浙大附属义乌医院二期工程开工",
    "健康素养66条和",
    # population definitions and thresholds
    "65岁及以上老年人",
    "0-6岁儿童健康管理",
    "6岁以下儿童",
    "补助在1万元以上的",
    "开展50万元以下采购",
    # web furniture, phone and document numbers
    "1850字",
    "热度:13",
    "查看人数:25",
    "页数:17页",
    "举报电话:0538-1234567",
    "QQ:12345678",
    "鲁卫发〔2023〕5号",
    # percentages inside titles
    "《关于降低药价15%的通知》",
    # masks that are names, Latin words and multiplication signs
    "xx卫生工作",
    "xx人民医院",
    "vix项目",
    "人感染h7n9禽流感",
    "面积3×4",
    # numeral characters that are words
    "千方百计",
    "一起开展",
    "多次开展督导检查",
    "一是加强领导",
    "几十万群众",
    "数十家企业",
]


@pytest.mark.parametrize("text", NOTHING)
def test_nothing(text):
    assert find_quantities(text) == []


COMPARISON = [
    ("同比增长12.5%", "increase"),
    ("比上年下降3个百分点", "decrease"),
    ("增加3家", "increase"),
    ("较去年同期缩短2天", "decrease"),
    ("覆盖率84%", None),
    ("一季度实现增加值近80亿元", None),
]


@pytest.mark.parametrize(("text", "comparison"), COMPARISON, ids=[c[0] for c in COMPARISON])
def test_comparison(text, comparison):
    assert one(text).comparison == comparison


SUSPECT = [
    ("直报率20230%", True),
    ("收入增长120%", False),
    ("直报率98%", False),
]


@pytest.mark.parametrize(("text", "suspect"), SUSPECT, ids=[c[0] for c in SUSPECT])
def test_suspect(text, suspect):
    q = one(text)
    assert q.suspect is suspect and q.value is not None


def test_offsets_and_number_span():
    text = "截至目前,全区组建服务团队108个,已签定协议11210户。"
    qs = find_quantities(text)
    assert [text[q.number_start:q.number_end] for q in qs] == ["108", "11210"]
    assert [q.rule for q in qs] == ["quantity.count.v1", "quantity.count.v1"]


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,%万亿余多约近以上下内xX*×某第年月日人个元“”《》、,。 十二三两百千一分之成") ), max_size=40)
       | st.text(max_size=40))
def test_never_raises(text):
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start:q.end] == q.text
        assert q.number_start is not None and q.start <= q.number_start < q.number_end <= q.end
        if q.masked:
            assert q.value is None and q.value_max is None
        else:
            assert q.value is not None
