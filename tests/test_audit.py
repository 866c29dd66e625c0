"""Canonical indicators, cross-year comparison and the target audit.

The store is built at test time from the bundled real reports
(zongjie/data/samples): the national 政府工作报告 of 2012, 2013, 2018 and
2019, 广东's 2025 report (.docx) and its 2026 report (CSV row).
"""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from zongjie.analysis.audit import actual, audit, judge, target
from zongjie.analysis.canonical import canonical_name, clean_name, direction_of, strength_of
from zongjie.analysis.compare import compare, entity_of, period_of
from zongjie.ingest import ingest
from zongjie.schema.store import Store

SAMPLES = resources.files("zongjie.data") / "samples"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of the national 2012/2013/2018/2019 reports and 广东 2025/2026."""
    path = tmp_path_factory.mktemp("audit") / "zongjie.db"
    with Store(path) as s:
        ingest(
            [
                str(SAMPLES / "national" / "政府工作报告-2012-2013-2018-2019.jsonl"),
                str(SAMPLES / "provincial" / "2025年广东省政府工作报告.docx"),
                str(SAMPLES / "provincial" / "2026_广东省_政府工作报告.csv"),
            ],
            s,
            entities=False,
        )
    s = Store(path, readonly=True)
    yield s
    s.close()


# ---------------------------------------------------------------- canonical names

@pytest.mark.parametrize(
    ("name", "canonical", "method"),
    [
        # the synonym table
        ("国内生产总值增长", "GDP增长", "synonym"),
        ("地区生产总值增长", "GDP增长", "synonym"),
        ("经济增长", "GDP增长", "synonym"),
        ("GDP增长", "GDP增长", "synonym"),
        ("居民消费价格涨幅", "CPI涨幅", "synonym"),
        ("物价涨幅", "CPI涨幅", "synonym"),
        ("CPI", "CPI涨幅", "synonym"),
        ("调查失业率", "城镇调查失业率", "synonym"),
        ("新增城镇就业", "城镇新增就业", "synonym"),
        ("地方一般公共预算收入增长", "一般公共预算收入增长", "synonym"),
        ("粮食总产量", "粮食产量", "synonym"),
        ("居民人均可支配收入实际增长", "居民人均可支配收入增长", "synonym"),
        ("参合率", "新农合参合率", "synonym"),
        # framing words stripped
        ("将2024年参合率继续", "新农合参合率", "synonym"),
        ("居民消费价格涨幅回落到", "CPI涨幅", "synonym"),
        ("赤字率拟按", "赤字率", "synonym"),
        # the learned fallback
        ("城镇调查失业率平均值", "城镇调查失业率", "similar"),
        ("经济增长预期目标定", "GDP增长", "similar"),
        # negatives: a level, an average, a different population
        ("国内生产总值", "国内生产总值", None),
        ("国内生产总值年均增长", "国内生产总值年均增长", None),
        ("农村居民人均可支配收入增长", "农村居民人均可支配收入增长", None),
        ("单位国内生产总值能耗下降", "单位GDP能耗下降", "synonym"),  # not GDP增长
        ("单位地区生产总值能耗降低", "单位GDP能耗下降", "synonym"),
        ("规模工业增加值增长", "规上工业增加值增长", "synonym"),
        ("外贸进出口总额增长", "进出口总额增长", "synonym"),
        ("民间投资增长", "民间投资增长", None),
        ("户籍人口城镇化率", "户籍人口城镇化率", None),
    ],
    ids=lambda v: str(v),
)
def test_canonical_name(name, canonical, method):
    c = canonical_name(name)
    assert (c.name, c.method, c.original) == (canonical, method, name)


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("效劳对象满意率", "服务对象满意率"),
        ("根本公共卫生服务", "基本公共卫生服务"),
        ("方案生育率", "计划生育率"),
        ("平安生产事故", "安全生产事故"),
    ],
)
def test_pseudo_original_rewrites(written, clean):
    assert clean_name(written) == clean


@pytest.mark.parametrize(
    ("indicator", "span", "qualifier", "direction"),
    [
        ("GDP增长", "国内生产总值增长7.5%", "about", "floor"),
        ("城镇新增就业", "城镇新增就业900万人以上", "at_least", "floor"),
        ("粮食产量", "粮食产量", None, "floor"),
        ("CPI涨幅", "居民消费价格涨幅3%左右", "about", "ceiling"),
        ("城镇调查失业率", "城镇调查失业率5.5%左右", "about", "ceiling"),
        ("赤字率", "赤字率拟按2.8%", None, "ceiling"),
        ("城镇登记失业率", "城镇登记失业率控制在4.6%以内", "at_most", "ceiling"),
        ("单位能耗", "单位能耗控制在3%", None, "ceiling"),
        ("家庭医生签约覆盖率", "家庭医生签约覆盖率达到85%", None, "floor"),
    ],
)
def test_direction(indicator, span, qualifier, direction):
    assert direction_of(indicator, span, qualifier) == direction


@pytest.mark.parametrize(
    ("clause", "strength"),
    [
        ("确保粮食产量稳定在1.3万亿斤以上", "hard"),
        ("严格控制新增债务", "hard"),
        ("力争地区生产总值增长5%", "soft"),
        ("今年经济社会发展的主要预期目标是：国内生产总值增长7.5%左右", "planned"),
        ("国内生产总值增长7.5%", None),
    ],
)
def test_strength(clause, strength):
    assert strength_of(clause) == strength


# ---------------------------------------------------------------- entities and periods

@pytest.mark.parametrize(
    ("org", "title", "entity"),
    [
        ("广东省人民政府", None, "广东省"),
        ("广东省政府", None, "广东省"),
        ("国务院", None, "全国"),
        (None, "2025年河南省政府工作报告", "河南省"),
        # counties (GB/T 2260): by full name, never by a short name that is a word
        ("宁县人民政府", None, "宁县"),
        (None, "宁县卫生局2012年工作总结", "宁县"),
        (None, "和县卫生局2012年工作总结", "和县"),
        (None, "公安工作总结", "未知"),
    ],
)
def test_entity_of(org, title, entity):
    assert entity_of(org, title) == entity


@pytest.mark.parametrize(
    ("kind", "doc_type", "year", "period", "sentence_year", "expected"),
    [
        ("target", "report", 2013, "FY", None, "2013"),  # a report plans its own year
        ("actual", "report", 2013, "FY", None, "2012"),  # and reviews the year before
        ("actual", "report", 2013, "FY", 2012, "2012"),
        ("actual", "report", 2018, "FY", 2013, "2013"),  # 2013年以来… names its year
        ("target", "report", 2021, "FY", 2025, "2025"),  # 到2025年… a five-year target
        ("actual", "summary", 2023, "FY", None, "2023"),
        ("target", "summary", 2023, "FY", None, "2024"),
        ("actual", "summary", 2023, "H1", None, "2023-H1"),
        ("target", "summary", 2023, "H1", None, "2023-H2"),
        ("actual", "report", None, "FY", None, None),
    ],
)
def test_period_of(kind, doc_type, year, period, sentence_year, expected):
    assert period_of(kind, doc_type, year, period, sentence_year) == expected


# ---------------------------------------------------------------- status rules

@pytest.mark.parametrize(
    ("t", "a", "status"),
    [
        # floor: at or above
        pytest.param(target(7.5, "%"), actual(7.8, "%"), "met", id="floor-above"),
        pytest.param(target(7.5, "%"), actual(7.5, "%"), "met", id="floor-equal"),
        pytest.param(target(7.5, "%"), actual(7.4, "%"), "not_met", id="floor-below"),
        pytest.param(target(900e4, "人", "at_least"), actual(1266e4, "人"), "met", id="floor-people"),
        # about: 0.5 points for %, 5% relative otherwise, on the permitted side
        pytest.param(target(6.5, "%", "about"), actual(6.6, "%"), "met", id="about-above"),
        pytest.param(target(6.5, "%", "about"), actual(6.0, "%"), "met", id="about-0.5-below"),
        pytest.param(target(5, "%", "about"), actual(3.9, "%"), "not_met", id="about-1.1-below"),
        pytest.param(target(100, "万吨", "about"), actual(95, "万吨"), "met", id="about-relative-5pc"),
        pytest.param(target(100, "万吨", "about"), actual(94, "万吨"), "not_met", id="about-relative-6pc"),
        # ceiling: at or below
        pytest.param(target(3, "%", "about", direction="ceiling"), actual(2.1, "%"), "met", id="ceiling-below"),
        pytest.param(target(3, "%", "about", direction="ceiling"), actual(3.5, "%"), "met", id="ceiling-about-0.5"),
        pytest.param(target(3, "%", "about", direction="ceiling"), actual(3.6, "%"), "not_met", id="ceiling-about-over"),
        pytest.param(target(4.6, "%", "at_most", direction="ceiling"), actual(4.1, "%"), "met", id="ceiling-at-most"),
        pytest.param(target(4.6, "%", "at_most", direction="ceiling"), actual(4.7, "%"), "not_met", id="ceiling-exceeded"),
        # ranges: lower end for floors, upper end for ceilings
        pytest.param(target(6, "%", None, 6.5), actual(6.1, "%"), "met", id="range-floor-in"),
        pytest.param(target(6, "%", None, 6.5), actual(5.9, "%"), "not_met", id="range-floor-below"),
        pytest.param(target(2, "%", None, 3, "ceiling"), actual(2.9, "%"), "met", id="range-ceiling-in"),
        pytest.param(target(2, "%", None, 3, "ceiling"), actual(3.2, "%"), "not_met", id="range-ceiling-above"),
        # bounds on the result
        pytest.param(target(30, "%"), actual(30, "%", "over"), "met", id="over-floor"),
        pytest.param(target(30, "%"), actual(20, "%", "over"), "no_evidence", id="over-below-floor"),
        pytest.param(target(3, "%", direction="ceiling"), actual(4, "%", "over"), "not_met", id="over-above-ceiling"),
        pytest.param(target(3, "%", direction="ceiling"), actual(2, "%", "over"), "no_evidence", id="over-below-ceiling"),
        # a fall against a growth target; a level reached by a fall
        pytest.param(target(5, "%", comparison="increase"), actual(2, "%", comparison="decrease"), "not_met",
                     id="fall-against-growth"),
        pytest.param(target(4, "%", "about", direction="ceiling"),
                     actual(2.6, "%", comparison="decrease", name="居民消费价格涨幅回落到"), "met", id="fell-to-level"),
        # a plain statement that the target was missed, with the target repeated as its figure
        pytest.param(target(4, "%", "about", comparison="decrease"),
                     actual(4, "%", "about", comparison="decrease", clause="全国没有实现年初确定的单位国内生产总值能耗降低"),
                     "not_met", id="stated-not-achieved"),
        # never guessed
        pytest.param(target(None, "%", masked=True), actual(7, "%"), "no_evidence", id="masked-target"),
        pytest.param(target(7.5, "%"), actual(None, "%", masked=True), "no_evidence", id="masked-result"),
        pytest.param(target(7.5, "%"), None, "no_evidence", id="no-result"),
        pytest.param(target(7.5, "%"), actual(0.3, "个百分点"), "no_evidence", id="other-unit"),
        pytest.param(target(14e12, "元"), actual(7.8, "%"), "no_evidence", id="yuan-vs-percent"),
    ],
)
def test_judge(t, a, status):
    got, reason = judge(t, a)
    assert got == status
    assert reason


# ---------------------------------------------------------------- real reports

def _pair(pairs, entity, indicator, period):
    found = [p for p in pairs if (p["entity"], p["indicator"], p["period"]) == (entity, indicator, period)]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("entity", "period", "target_value", "qualifier", "result_value", "status", "target_doc", "result_doc"),
    [
        # 2012 report: 国内生产总值增长7.5%; 2013 report: 国内生产总值增长7.8%
        ("全国", "2012", 7.5, None, 7.8, "met",
         "2012年中华人民共和国国务院政府工作报告", "2013年中华人民共和国国务院政府工作报告"),
        # 2018 report: 国内生产总值增长6.5%左右; 2019 report: 国内生产总值增长6.6%
        ("全国", "2018", 6.5, "about", 6.6, "met",
         "2018年中华人民共和国国务院政府工作报告", "2019年中华人民共和国国务院政府工作报告"),
        # 广东 2025: 地区生产总值增长5%左右; 广东 2026: 地区生产总值增长3.9%
        ("广东省", "2025", 5.0, "about", 3.9, "not_met", "2025年广东省政府工作报告", "2026年广东省政府工作报告"),
    ],
    ids=["national-2012-met", "national-2018-met", "guangdong-2025-not-met"],
)
def test_gdp_targets_of_real_reports(store, entity, period, target_value, qualifier, result_value, status,
                                     target_doc, result_doc):
    pair = _pair(audit(store, entity=entity)["pairs"], entity, "GDP增长", period)
    assert pair["status"] == status
    assert pair["target"]["value"] == target_value
    assert pair["target"]["qualifier"] == qualifier
    assert pair["target"]["unit"] == "%"
    assert pair["target"]["direction"] == "floor"
    assert pair["target"]["doc"] == target_doc
    assert pair["result"]["value"] == result_value
    assert pair["result"]["doc"] == result_doc
    assert f"{result_value:g}%" in pair["result"]["quote"]
    assert f"{target_value:g}%" in pair["target"]["quote"]
    assert pair["reason"]


def test_audit_json_shape(store):
    pairs = audit(store, period=2025)["pairs"]
    assert pairs
    for p in pairs:
        assert set(p) == {"entity", "indicator", "period", "target", "result", "status", "reason"}
        assert p["period"] == "2025"
        assert {"value", "value_max", "unit", "qualifier", "direction", "quote", "doc", "strength"} <= set(p["target"])
        if p["result"] is None:
            assert p["status"] == "no_evidence"
        else:
            assert {"value", "value_max", "unit", "qualifier", "direction", "quote", "doc"} <= set(p["result"])
            assert p["result"]["unit"] == p["target"]["unit"]


def test_audit_ceiling_on_real_reports(store):
    # 2018 report: 居民消费价格涨幅3%左右; 2019 report: 居民消费价格上涨2.1%
    pair = _pair(audit(store, entity="国务院")["pairs"], "全国", "CPI涨幅", "2018")
    assert (pair["target"]["direction"], pair["result"]["value"], pair["status"]) == ("ceiling", 2.1, "met")


def test_compare_lines_up_years(store):
    rows = compare(store, "地区生产总值增长", entity="全国", year_from=2012, year_to=2018)
    got = [(r["period"], r["actual"], r["target"], r["target_qualifier"]) for r in rows if r["unit"] == "%"]
    assert got == [
        ("2012", 7.8, 7.5, None),
        ("2013", None, 7.5, "about"),
        ("2017", 6.9, None, None),
        ("2018", 6.6, 6.5, "about"),
    ]


def test_compare_resolves_an_elided_subject():
    from zongjie.analysis.compare import _resolve_elided

    sentence = "国内生产总值达到56.9万亿元，比上年增长7.7%。"
    prev = (7, "国内生产总值达到", sentence.index("元") + 1)
    assert _resolve_elided("比上年增长", 7, sentence.index("比"), sentence, 0, prev) == "国内生产总值增长"
    assert _resolve_elided("比上年增长", 8, sentence.index("比"), sentence, 0, prev) == "比上年增长"  # other sentence
    assert _resolve_elided("城镇新增就业", 7, sentence.index("比"), sentence, 0, prev) == "城镇新增就业"


def test_compare_never_mixes_units(store):
    rows = compare(store, "GDP增长")
    keys = [(r["entity"], r["period"], r["unit"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert {r["unit"] for r in rows} == {"%"}  # 国内生产总值 in 元 is a level, not growth


# ---------------------------------------------------------------- export and command line

def test_html_report_escapes_document_text():
    from zongjie.analysis.export import audit_html

    evil = '<script>alert("x")</script>增长7.5%'
    side = {"value": 7.5, "value_max": None, "unit": "%", "qualifier": None, "direction": "floor",
            "strength": None, "quote": evil, "doc": "<b>报告</b>", "quote_start": 100, "start": 100 + evil.index("7.5%"), "end": 100 + len(evil)}
    page = audit_html({"pairs": [{"entity": "全国", "indicator": "GDP<增长>", "period": "2012", "target": side,
                                  "result": None, "status": "no_evidence", "reason": "no <later> document"}]})
    assert "<script>" not in page and "<b>报告</b>" not in page and "GDP<增长>" not in page
    assert "&lt;script&gt;" in page and "<mark>7.5%</mark>" in page
    assert "http" not in page  # nothing loaded from the network


def _run(*args):
    from click.testing import CliRunner

    from zongjie.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("command", ["indicators", "compare", "audit"])
def test_help_has_a_chinese_example(command):
    result = _run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert re.search(r"[\u4e00-\u9fff]", result.output.split("Example", 1)[1])


def test_cli_audit_json(store):
    result = _run("audit", "--db", store.path, "--entity", "广东", "--period", "2025", "--format", "json")
    assert result.exit_code == 0
    pair = _pair(json.loads(result.output)["pairs"], "广东省", "GDP增长", "2025")
    assert (pair["target"]["value"], pair["result"]["value"], pair["status"]) == (5.0, 3.9, "not_met")


def test_cli_compare_table(store):
    result = _run("compare", "国内生产总值增长", "--db", store.path, "--entity", "全国", "--from", "2018", "--to", "2018")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2 and "6.6" in lines[1] and "≈6.5" in lines[1]


def test_cli_audit_html_and_xlsx(store, tmp_path):
    html_path, xlsx_path = tmp_path / "审计.html", tmp_path / "审计.xlsx"
    assert _run("audit", "--db", store.path, "--format", "html", "-o", html_path).exit_code == 0
    assert "not met" in html_path.read_text("utf-8")
    assert _run("audit", "--db", store.path, "--format", "xlsx", "-o", xlsx_path).exit_code == 0
    assert xlsx_path.read_bytes()[:2] == b"PK"


def test_cli_without_a_store(tmp_path):
    result = _run("audit", "--db", tmp_path / "none.db")
    assert result.exit_code != 0 and "zongjie ingest" in result.output


# ---------------------------------------------------------------- statements, deliverables, commitments

def test_statement_examples_of_the_data_file():
    """Every example of zongjie/data/indicators/statements.yaml, negatives included."""
    from zongjie.analysis.statements import classify, statement_words

    examples = statement_words()["examples"]
    assert len(examples) >= 15 and any(e["expect"] is None for e in examples)
    for ex in examples:
        expect = (ex["expect"]["status"], ex["expect"]["general"]) if ex["expect"] else None
        assert classify(ex["text"]) == expect, ex["text"]


@pytest.mark.parametrize(
    ("statement", "indicator", "written", "named"),
    [
        ("节能减排、物价调控目标没有完成", "CPI涨幅", "居民消费价格涨幅", True),
        ("节能减排、物价调控目标没有完成", "GDP增长", "国内生产总值增长", False),
        ("地区生产总值、投资、进出口等预期性指标未达到年初目标", "GDP增长", "地区生产总值增长", True),
        ("去年我国进出口总额出现下降，预期增长目标未能实现", "进出口总额增长", "进出口总额增长", True),
        ("城镇新增就业79.8万人、超额完成年度任务", "城镇新增就业", "新增就业", True),
        ("城镇新增就业79.8万人、超额完成年度任务", "城镇调查失业率", "城镇调查失业率", False),
    ],
)
def test_a_statement_names_its_indicator(statement, indicator, written, named):
    from zongjie.analysis.statements import mentions

    assert mentions(statement, indicator, written) is named


ZHENGZHOU_2024 = (
    "2024年郑州市政府工作报告\n\n一、2024年主要目标\n"
    "今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，居民消费价格涨幅3%左右，"
    "城镇新增就业10万人以上，进出口总额增长5%。\n今年要新建改扩建中小学20所。年底前建成幼儿园10所、养老服务站30个。\n"
)
ZHENGZHOU_2025 = (
    "2025年郑州市政府工作报告\n\n一、2024年工作回顾\n"
    "过去一年，全年经济社会发展主要目标任务圆满完成。地区生产总值增长5.1%。"
    "受外部需求减弱影响，进出口总额出现下降，预期增长目标未能实现。新建改扩建中小学12所。建成幼儿园12所、养老服务站20个。"
    "城镇调查失业率保持在较低水平。\n"
)


@pytest.fixture(scope="module")
def stated(tmp_path_factory):
    """Two reports of one city, ingested for real: targets for 2024, then the review of 2024."""
    folder = tmp_path_factory.mktemp("stated")
    (folder / "2024.txt").write_text(ZHENGZHOU_2024, "utf-8")
    (folder / "2025.txt").write_text(ZHENGZHOU_2025, "utf-8")
    path = tmp_path_factory.mktemp("stated-store") / "zongjie.db"
    with Store(path) as s:
        ingest([str(folder)], s, entities=False)
    return path


def test_plain_statements_are_evidence_and_vague_words_are_not(stated):
    with Store(stated, readonly=True) as s:
        pairs = {p["indicator"]: p for p in audit(s, entity="郑州")["pairs"]}
    # a figure decides where there is one, even against the general statement
    assert (pairs["GDP增长"]["status"], pairs["GDP增长"]["result"]["evidence"]) == ("not_met", "figure")
    # 预期增长目标未能实现 names 进出口总额 in the clause before it
    trade = pairs["进出口总额增长"]
    assert (trade["status"], trade["result"]["evidence"]) == ("not_met", "statement")
    assert trade["result"]["value"] is None and "预期增长目标未能实现" in trade["reason"]
    with Store(stated, readonly=True) as s:
        text = s.document(trade["result"]["document_id"])["text"]
    assert text[trade["result"]["start"]:trade["result"]["end"]] == "预期增长目标未能实现"
    # the main targets were met (主要目标任务圆满完成): evidence for those listed as main targets
    for name in ("CPI涨幅", "城镇新增就业"):
        assert (pairs[name]["status"], pairs[name]["result"]["evidence"]) == ("met", "statement"), name
    # 城镇调查失业率保持在较低水平 is vague: no pair gets it as evidence
    assert not any("较低水平" in (p["result"] or {}).get("quote", "") and p["result"]["evidence"] == "statement"
                   and p["indicator"] == "城镇调查失业率" for p in pairs.values())


def test_a_countable_deliverable_reached_in_part_is_partly(stated):
    with Store(stated, readonly=True) as s:
        (pair,) = [p for p in audit(s, entity="郑州市")["pairs"] if "中小学" in p["indicator"]]
    assert (pair["target"]["value"], pair["result"]["value"], pair["target"]["unit"]) == (20, 12, "所")
    assert pair["status"] == "partly" and "60%" in pair["reason"]
    # the commitment stating it (今年要…) is the same target: its id and strength are recorded
    assert pair["target"]["commitment_id"] is not None and pair["target"]["strength"] == "planned"


def test_a_commitment_of_several_deliverables_is_partly_when_some_fall_short(stated):
    # 年底前建成幼儿园10所、养老服务站30个 → 幼儿园12所 (met), 养老服务站20个 (partly)
    with Store(stated, readonly=True) as s:
        pairs = audit(s, entity="郑州市")["pairs"]
    (whole,) = [p for p in pairs if p["target"].get("parts")]
    assert whole["status"] == "partly" and whole["result"]["evidence"] == "count"
    assert {(x["indicator"], x["status"]) for x in whole["result"]["parts"]} == {
        ("建成幼儿园", "met"), ("养老服务站", "partly")}
    assert "1 of 2 parts met" in whole["reason"]
    # the parts keep their own pairs
    assert {p["indicator"] for p in pairs} >= {"建成幼儿园", "养老服务站"}


def test_judge_keeps_rates_and_people_as_floors_not_deliverables():
    from zongjie.analysis.audit import _countable

    assert _countable(target(20, "所"), actual(12, "所")) is not None
    assert _countable(target(900e4, "人"), actual(850e4, "人")) is None  # 新增就业 below target: not_met
    assert _countable(target(5, "%"), actual(4, "%")) is None
    assert _countable(target(20, "所"), actual(0, "所")) is None  # nothing delivered: not_met


def test_save_audit_writes_the_tables(stated, tmp_path):
    import shutil

    from zongjie.analysis.audit import save_audit

    path = tmp_path / "copy.db"
    shutil.copy(stated, path)
    with Store(path) as s:
        counts = save_audit(s)
        rows = s.db.execute("SELECT indicator, status, evidence, strength, target_commitment_id, result_quote "
                            "FROM audits ORDER BY indicator").fetchall()
        canon = dict(s.db.execute("SELECT i.name, c.canonical FROM indicator_canonical c "
                                  "JOIN indicators i ON i.id = c.indicator_id").fetchall())
    assert (counts["met"], counts["not_met"], counts["partly"], counts["no_evidence"]) == (3, 2, 3, 0)
    assert len(rows) == 8 and {r[2] for r in rows} == {"figure", "statement", "count"}
    assert canon["地区生产总值增长"] == "GDP增长"
    # saved twice: rewritten, not appended
    with Store(path) as s:
        save_audit(s)
        assert s.db.execute("SELECT count(*) FROM audits").fetchone()[0] == 8


def test_documents_of_unknown_bodies_are_never_paired(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("2024年工作报告\n\n今年的主要预期目标是：粮食产量达到1000万吨。\n", "utf-8")
    (folder / "b.txt").write_text("2025年工作报告\n\n一、2024年工作回顾\n过去一年，粮食产量达到1200万吨。\n", "utf-8")
    with Store(tmp_path / "z.db") as s:
        ingest([str(folder)], s, entities=False)
        pairs = audit(s)["pairs"]
    assert pairs and all(p["status"] == "no_evidence" for p in pairs if p["entity"] == "未知")


# ---------------------------------------------------------------- charts

@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_cli_compare_chart(store, tmp_path, suffix):
    pytest.importorskip("matplotlib", reason="charts need the chart extra")
    path = tmp_path / f"国内生产总值{suffix}"
    result = _run("compare", "GDP增长", "--db", store.path, "--entity", "全国", "--chart", path)
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    if suffix == ".png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    elif suffix == ".svg":
        assert b"<svg" in data and b"<path" in data  # text drawn as paths: the same on any machine
    else:
        page = data.decode("utf-8")
        assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<?xml" not in page
        assert "<td>7.8</td>" in page and "<td>7.5</td>" in page  # 2012: actual and target
        assert "http://" not in page.split("<svg", 1)[0]  # nothing fetched from the network


def test_chart_places_periods_and_breaks_gaps():
    from zongjie.analysis.chart import _gapped, period_x

    assert [period_x(p) for p in ("2012", "2023-H1", "2023-H2")] == [2012.0, 2023.25, 2023.75]
    xs, ys = _gapped([(2012.0, 7.8), (2013.0, 7.7), (2017.0, 6.9)])
    assert xs[:2] == [2012.0, 2013.0] and ys[2] != ys[2] and xs[-1] == 2017.0  # a NaN between 2013 and 2017


def test_chart_uses_a_cjk_font_when_the_machine_has_one():
    pytest.importorskip("matplotlib", reason="charts need the chart extra")
    import shutil
    import subprocess

    from zongjie.analysis.chart import cjk_font

    if not shutil.which("fc-list") or "WenQuanYi" not in subprocess.run(
            ["fc-list"], capture_output=True, text=True).stdout:
        pytest.skip("no WenQuanYi font here (make system-deps installs fonts-wqy-microhei)")
    assert cjk_font() == "WenQuanYi Micro Hei"


def test_chart_refuses_nothing_and_unknown_suffixes(tmp_path):
    pytest.importorskip("matplotlib", reason="charts need the chart extra")
    from zongjie.analysis.chart import chart

    with pytest.raises(ValueError, match="nothing to chart"):
        chart([], tmp_path / "x.png")
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.html"):
        chart([{"indicator": "GDP增长"}], tmp_path / "x.pdf")


# ---------------------------------------------------------------- demo

def test_demo_ends_with_a_cross_year_table_and_an_audit_summary(tmp_path):
    db = tmp_path / "演示.db"
    result = _run("demo", "--db", db)
    assert result.exit_code == 0, result.output
    out = result.output
    compare_part = out.split("$ zongjie compare GDP增长", 1)[1].split("$ zongjie audit", 1)[0]
    assert re.search(r"全国\s+2012\s+7\.8\s+7\.5 %", compare_part)
    assert re.search(r"广东省\s+2025\s+3\.9\s+≈5 %", compare_part)
    audit_part = out.split("$ zongjie audit", 1)[1]
    assert re.search(r"广东省\s+2025\s+GDP增长.*not_met", audit_part)
    assert re.search(r"全国\s+2018\s+GDP增长.*met", audit_part)
    assert "Summary by entity" in audit_part and re.search(r"\d+ targets: \d+ met", audit_part)
    with Store(db, readonly=True) as s:  # saved for serve and export
        assert s.db.execute("SELECT count(*) FROM audits WHERE status = 'not_met'").fetchone()[0] >= 1


@pytest.mark.parametrize(
    ("target_quote", "result_quote", "comparable"),
    [
        ("全年研发投入强度达【3.3%左右】", "研发投入强度从【2.77%】提高到3.3%左右", False),  # a starting point
        ("城镇新增就业【65万人】", "城镇新增就业年均【超过70万人】", False),  # an average over five years
        ("其中中央财政赤字【8500亿元】", "今年拟安排财政赤字9000亿元，其中中央财政赤字【7000亿元】", False),  # a plan
        ("高新技术“精英行动”企业达【220家】", "新增【46家】高新技术“精英行动”企业", False),  # a flow against a level
        ("新增公园【120座】", "PM2.5年均浓度为26.3微克/立方米，新增公园【127座】", True),  # 年均 of another figure
        ("粮食产量达【436亿斤】", "粮食总产达【446.1亿斤】", True),
        ("城镇新增就业【50万人】以上", "退役军人、残疾人新增就业均超【7.3万人】", False),  # shared by several subjects
        ("城镇调查失业率【5.5%】以内", "城镇调查失业率平均为【5.2%】", True),  # 平均 is not 均
        ("常住人口城镇化率达到【58%】左右", "常住人口城镇化率从2020年的【53.2%】提升到2025年的57%", False),  # a start
        ("固定资产投资增长【5%】左右", "扣除房地产开发投资后，固定资产投资增长【2.7%】", False),  # a part of it
        ("城乡居民人均可支配收入分别增长【8%】和10%", "城乡居民人均可支配收入分别增长6%和【7.4%】", False),  # 城镇 vs 农村
        ("城乡居民人均可支配收入分别增长8%、【10%】", "城乡居民人均可支配收入分别增长6%、【7.4%】", True),
        ("城镇调查失业率、居民消费价格涨幅分别控制在【5%】以内、3%", "城镇调查失业率控制在【5%】", True),
        ("粮食产量【10500亿斤】", "按照纲要要求的水平计算，全国粮食总产量应该有【7200亿斤】", False),  # hypothetical
        # the later report's own target list
        ("粮食产量【511万吨】以上", "今年经济社会发展的主要预期目标是：城镇新增就业50万人；粮食产量【513万吨】以上", False),
    ],
)
def test_only_comparable_figures_are_evidence(target_quote, result_quote, comparable):
    from zongjie.analysis.audit import _comparable
    from zongjie.analysis.compare import Fact

    def fact(quote, kind):
        text = quote.replace("【", "").replace("】", "")
        start = quote.index("【")
        end = quote.index("】") - 1
        name = re.sub(r"[\d.%万亿元人家座斤]+$", "", text[:start])[-8:]
        return Fact(id=1, document_id=kind, doc=None, doc_year=2025, doc_type="report", entity="某省", period="2025",
                    name=name, indicator=name, method=None, value=1.0, value_max=None, unit=None, qualifier=None,
                    kind=kind, masked=False, suspect=False, comparison=None, quote=text, clause=text[:end],
                    sentence_id=1, start=start, end=end, direction="floor", strength=None)

    assert _comparable(fact(result_quote, "actual"), fact(target_quote, "target")) is comparable


def test_a_ceiling_word_inside_the_name_is_not_a_ceiling(tmp_path):
    # 每千人口拥有3岁以下婴幼儿托位数达到4.5个: 以下 belongs to the name
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("2025年贵州省政府工作报告\n\n今年的主要预期目标是：每千人口拥有3岁以下婴幼儿托位数达到4.5个。\n", "utf-8")
    (folder / "b.txt").write_text("2026年贵州省政府工作报告\n\n一、2025年工作回顾\n每千人口拥有3岁以下婴幼儿托位数达4.59个。\n", "utf-8")
    with Store(tmp_path / "z.db") as s:
        ingest([str(folder)], s, entities=False)
        (pair,) = [p for p in audit(s)["pairs"] if "托位" in p["indicator"]]
    assert (pair["target"]["direction"], pair["status"]) == ("floor", "met")


def test_a_ranked_figure_is_no_target():
    from zongjie.analysis.audit import _not_a_target
    from zongjie.analysis.compare import Fact

    def fact(quote):
        start = quote.index("5%")
        return Fact(id=1, document_id="d", doc=None, doc_year=2025, doc_type="report", entity="宁夏回族自治区",
                    period="2025", name="社会消费品零售总额增长", indicator="社会消费品零售总额增长", method=None,
                    value=5.0, value_max=None, unit="%", qualifier=None, kind="target", masked=False, suspect=False,
                    comparison=None, quote=quote, clause=quote[:start], sentence_id=1, start=start, end=start + 2,
                    direction="floor", strength=None)

    assert _not_a_target(fact("固定资产投资增长7.9%、居全国第三，社会消费品零售总额增长5%、居全国第六"))
    # an achievement stated before the figure: a review (1955: 两个年度计划都超额完成，…钢增长百分之六十五)
    assert _not_a_target(fact("两个年度计划都超额完成，重要产品的产量都有显著增长，如社会消费品零售总额增长5%"))
    assert not _not_a_target(fact("确保完成全年目标任务，社会消费品零售总额增长5%左右"))  # a promise
    assert not _not_a_target(fact("主要预期目标是：社会消费品零售总额增长5%左右，居民收入稳步增长"))


def test_html_report_shows_statements_and_parts(stated, tmp_path):
    page = tmp_path / "审计.html"
    assert _run("audit", "--db", stated, "--format", "html", "-o", page).exit_code == 0
    text = page.read_text("utf-8")
    assert "a plain statement, no figure" in text and "<mark>预期增长目标未能实现</mark>" in text
    assert "by part" in text and "<li>养老服务站: <span class=\"partly\">partly</span></li>" in text


def test_a_statement_naming_the_target_outweighs_a_conflicting_figure(tmp_path):
    # the 2007 report: 能耗 rose 4.9%, 5.5%, 0.2% in earlier years, then fell 1.2%; and it says the
    # 2006 target (降低4%左右) was not achieved. A figure of the list must not make it 'met'.
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "2006.txt").write_text(
        "2006年国务院政府工作报告\n\n今年的主要预期目标是：国内生产总值增长8%左右，单位国内生产总值能耗降低4%左右。\n", "utf-8")
    (folder / "2007.txt").write_text(
        "2007年国务院政府工作报告\n\n一、2006年工作回顾\n国内生产总值增长10.7%。"
        "单位国内生产总值能耗由前三年分别上升4.9%、5.5%、0.2%，转为下降1.2%。"
        "但是，全国没有实现年初确定的单位国内生产总值能耗降低4%左右的目标。\n", "utf-8")
    with Store(tmp_path / "z.db") as s:
        ingest([str(folder)], s, entities=False)
        pairs = {p["indicator"]: p for p in audit(s, entity="全国")["pairs"]}
    energy = pairs["单位GDP能耗下降"]
    assert energy["status"] == "not_met"
    # and the statement about 能耗 says nothing of GDP, though it holds 国内生产总值
    assert pairs["GDP增长"]["status"] == "met" and pairs["GDP增长"]["result"]["evidence"] == "figure"


def test_strength_of_a_target_list_comes_from_its_lead(store):
    # 2012: 今年经济社会发展的主要预期目标是： / 国内生产总值增长7.5%；… (the list is its own sentence)
    pair = _pair(audit(store, entity="全国")["pairs"], "全国", "GDP增长", "2012")
    assert "主要预期目标" not in pair["target"]["quote"]
    assert pair["target"]["strength"] == "planned"


def test_a_second_half_target_is_judged_by_the_years_summary(tmp_path):
    # 上半年总结 plans 年底前…85% (period 2023-H2); the annual summary of 2023 reports 86% at year end
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("2023年潞城市卫生局上半年工作总结\n\n一、上半年工作\n上半年，全市家庭医生签约覆盖率达到72%。\n\n"
                                  "二、下半年工作打算\n力争年底前家庭医生签约覆盖率达到85%。\n", "utf-8")
    (folder / "b.txt").write_text("2023年潞城市卫生局工作总结\n\n一、主要工作\n全年家庭医生签约覆盖率达到86%。\n\n"
                                  "二、2024年工作打算\n力争家庭医生签约覆盖率达到90%。\n", "utf-8")
    with Store(tmp_path / "z.db") as s:
        ingest([str(folder)], s, entities=False)
        pairs = {p["period"]: p for p in audit(s)["pairs"] if "签约覆盖率" in p["indicator"]}
    assert (pairs["2023-H2"]["status"], pairs["2023-H2"]["result"]["value"]) == ("met", 86.0)
    assert pairs["2023-H2"]["target"]["strength"] == "soft"  # 力争
    assert pairs["2024"]["status"] == "no_evidence"


def test_cli_audit_by_status(store):
    result = _run("audit", "--db", store.path, "--status", "not_met", "--format", "json")
    pairs = json.loads(result.output)["pairs"]
    assert pairs and {p["status"] for p in pairs} == {"not_met"}
    assert any((p["entity"], p["indicator"], p["period"]) == ("广东省", "GDP增长", "2025") for p in pairs)


def test_auditing_one_entity_at_a_time_changes_nothing(store, tmp_path):
    """save_audit audits entity by entity, so that memory follows the largest entity and not the store;
    a target only ever meets its own entity's evidence, so one pass over every document gives the same pairs.
    The store holds 全国, 广东省 and an unnamed body (whose targets alone are read)."""
    from zongjie.analysis.audit import _audit_entity, _entity_documents, audit_parts

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("2024年工作报告\n\n今年的主要预期目标是：粮食产量达到1000万吨。\n", "utf-8")
    (folder / "b.txt").write_text("2025年工作报告\n\n一、2024年工作回顾\n过去一年，粮食产量达到1200万吨。\n", "utf-8")
    path = tmp_path / "z.db"
    with Store(path) as s:
        ingest([str(SAMPLES / "national" / "政府工作报告-2012-2013-2018-2019.jsonl"),
                str(SAMPLES / "provincial" / "2025年广东省政府工作报告.docx"),
                str(SAMPLES / "provincial" / "2026_广东省_政府工作报告.csv"), str(folder)], s, entities=False)
    with Store(path, readonly=True) as s:
        entities = [e for e, _ in _entity_documents(s)]
        assert {"全国", "广东省", "未知"} <= set(entities)
        parts = list(audit_parts(s))
        assert [{p["entity"] for p in part} for part in parts if part] == [{e} for e, _ in _entity_documents(s)
                                                                          if any(p["entity"] == e for p in
                                                                                 audit(s)["pairs"])]
        everything = [d for _, docs in _entity_documents(s) for d in docs]
        key = lambda p: json.dumps(p, sort_keys=True, ensure_ascii=False)  # noqa: E731
        # "全国" stands for any named entity: the whole store audited in one pass, as before
        whole = _audit_entity(s, "全国", everything, None, None)
        assert sorted(map(key, audit(s)["pairs"])) == sorted(map(key, whole))
        assert any(p["entity"] == "未知" for p in whole) and any(p["status"] == "met" for p in whole)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
@pytest.mark.parametrize("args", [[], ["--status", "not_met"], ["--entity", "广东"], ["--entity", "无此地"]],
                         ids=["all", "not-met", "one-entity", "none"])
def test_cli_audit_streams_what_the_whole_audit_would_print(store, tmp_path, fmt, args):
    """The command writes pairs an entity at a time (an archive's pairs need not fit in memory):
    the bytes are those of formatting the whole audit at once, to standard output and to a file."""
    from zongjie.analysis.export import AUDIT_COLUMNS, audit_rows, to_csv, to_json
    from zongjie.cli.analysis import audit_table

    entity = args[1] if args[:1] == ["--entity"] else None
    with Store(store.path, readonly=True) as s:
        pairs = audit(s, entity=entity)["pairs"]
    if "--status" in args:
        pairs = [p for p in pairs if p["status"] == "not_met"]
    expected = {"json": to_json({"pairs": pairs}) + "\n", "csv": to_csv(audit_rows(pairs), AUDIT_COLUMNS),
                "table": audit_table(pairs) if pairs else "no targets found\n"}[fmt]
    result = _run("audit", "--db", store.path, "--format", fmt, *args)
    assert result.exit_code == 0, result.output
    assert result.output == expected
    out = tmp_path / f"audit.{fmt}"
    assert _run("audit", "--db", store.path, "--format", fmt, "-o", out, *args).exit_code == 0
    assert out.read_text("utf-8") == expected
