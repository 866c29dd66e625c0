"""The extraction pipeline: indicators named, targets told from results, commitments with deadlines."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zongjie import extract, read_text

SHARED = Path(__file__).resolve().parents[2] / "shared"


def facts_of(text, **kw):
    (doc,) = read_text(text, **kw)
    return doc, extract(doc, entities=False)


# ---------------------------------------------------------------- indicators
@pytest.mark.parametrize(
    "sentence, name, value, unit, kind",
    [
        # the name before the number, copula taken off
        pytest.param("全区基层医疗卫生机构标准化建设率达100%。", "全区基层医疗卫生机构标准化建设率", 100, "%", "actual", id="rate-da"),
        pytest.param("为居民建立健康档案，建档62.03万人，建档率84%。", "建档人数", 620300, "人", "actual", id="wan-people"),
        pytest.param("先后投入3000余万元对基层卫生机构进行改造。", "投入", 30000000, "元", "actual", id="money-verb"),
        pytest.param("全市签约26232人。", "全市签约", 26232, "人", "actual", id="qian-yue-is-no-about"),
        pytest.param("城镇居民参合率继续稳定在95%以上。", "城镇居民参合率", 95, "%", "actual", id="adverb-before-copula"),
        # the name after a counted number
        pytest.param("全区组织8支健康教育宣讲团深入社区。", "健康教育宣讲团", 8, "支", "actual", id="counted-right"),
        pytest.param("全区72个省统一规划的村卫生所实施基本药物制度。", "村卫生所", 72, "个", "actual", id="head-after-de"),
        # targets: goal words, and plan parts
        pytest.param("力争年底全市家庭医生签约覆盖率达到35%。", "全市家庭医生签约覆盖率", 35, "%", "target", id="lizheng"),
        pytest.param("确保全年发生率控制在5‰以内。", "发生率", 5, "‰", "target", id="queba-ceiling"),
        pytest.param("确保了全年发生率控制在5‰以内。", "发生率", 5, "‰", "actual", id="past-tense-queba"),
    ],
)
def test_indicator(sentence, name, value, unit, kind):
    _doc, facts = facts_of("2023年卫生工作总结\n" + sentence)
    ind = [i for i in facts.indicators if i.value == value][0]
    assert (ind.name, ind.unit, ind.kind) == (name, unit, kind)


def test_distributed_list():
    _doc, facts = facts_of("2023年工作总结\n城镇职工、居民参保率分别达x%、x%。")
    assert [(i.name, i.value, i.masked) for i in facts.indicators] == [
        ("城镇职工参保率", None, True), ("居民参保率", None, True)]


def test_masked_numbers_are_never_given_a_value():
    _doc, facts = facts_of("2023年工作总结\n检查医疗机构***家，罚款*****元，参合率达x%。")
    assert len(facts.indicators) == 3
    assert all(i.masked and i.value is None for i in facts.indicators)


def test_plan_part_makes_targets_and_past_years_in_it_stay_results():
    text = ("2013年政府工作报告\n一、过去五年工作回顾\n国内生产总值年均增长9.3%。\n"
            "二、今年经济社会发展的主要预期目标\n2012年，国内生产总值增长7.8%。\n"
            "今年主要预期目标是：国内生产总值增长7.5%左右。")
    _doc, facts = facts_of(text)
    got = {(i.value, i.kind) for i in facts.indicators}
    assert got == {(9.3, "actual"), (7.8, "actual"), (7.5, "target")}


# found by the audit on the real corpus (national and provincial work reports)
_REPORT = "{year}年政府工作报告\n一、{past}年工作回顾\n{review}\n二、{year}年工作安排\n{plan}"


@pytest.mark.parametrize(
    "review, plan, value, name, kind, comparison",
    [
        # (a) 预计 in the review of last year is an estimate of a result
        pytest.param("预计地区生产总值增长4.2%左右。", "做好各项工作。", 4.2, "地区生产总值增长", "actual", "increase",
                     id="estimate-of-last-year"),
        # (b) a change whose subject is the figure before it
        pytest.param("国内生产总值达到56.9万亿元，比上年增长7.7%。", "做好各项工作。", 7.7, "国内生产总值增长", "actual",
                     "increase", id="elided-subject"),
        pytest.param("做好各项工作。", "赤字规模5.66万亿元、比上年增加1.6万亿元。", 1.6e12, "赤字规模增加", "target",
                     "increase", id="elided-subject-in-plan"),
        # (c) 回落到 / 降至 / 提高到: the level reached, no change
        pytest.param("居民消费价格涨幅回落到2.6%。", "做好各项工作。", 2.6, "居民消费价格涨幅", "actual", None,
                     id="level-reached-falls"),
        pytest.param("城镇调查失业率降至5.1%。", "做好各项工作。", 5.1, "城镇调查失业率", "actual", None,
                     id="level-reached-jiangzhi"),
        pytest.param("常住人口城镇化率提高到67%。", "做好各项工作。", 67, "常住人口城镇化率", "actual", None,
                     id="level-reached-rises"),
        # (e) the past inside a plan part, and goal words that are names
        pytest.param("做好各项工作。", "目前我国财政性教育经费支出总额已经超过2万亿元。", 2e12, "我国财政性教育经费支出总额", "actual",
                     None, id="already-in-plan"),
        pytest.param("做好各项工作。", "对外直接投资从2007年的248亿美元上升到2012年的772亿美元。", 7.72e10, None, "actual", None,
                     id="past-years-in-plan"),
        pytest.param("出台实施新型城镇化战略五年行动计划，常住人口城镇化率提高到66.2%。", "做好各项工作。", 66.2,
                     "常住人口城镇化率", "actual", None, id="xingdong-jihua-is-a-name"),
        pytest.param("为落实“两个确保”，中央财政支出700亿元。", "做好各项工作。", 7e10, None, "actual", None,
                     id="quoted-queba-is-a-name"),
        pytest.param("五年内，全国造林面积2787万公顷。", "做好各项工作。", 2787e4, "全国造林面积", "actual", None,
                     id="wunian-nei-is-no-nian-nei"),
    ],
)
def test_report_audit_cases(review, plan, value, name, kind, comparison):
    _doc, facts = facts_of(_REPORT.format(year=2013, past=2012, review=review, plan=plan))
    (ind,) = [i for i in facts.indicators if i.value is not None and abs(i.value - value) < 1e-6 * max(1, value)]
    assert (ind.kind, ind.comparison) == (kind, comparison)
    if name is not None:
        assert ind.name == name


def test_estimate_of_last_year_is_no_commitment():
    _doc, facts = facts_of(_REPORT.format(year=2025, past=2024, review="预计地区生产总值增长6%左右。",
                                          plan="地区生产总值增长5.5%左右。"))
    assert [c.text for c in facts.commitments] == ["地区生产总值增长5.5%左右"]


# ---------------------------------------------------------------- commitments
def test_commitments_in_a_half_year_plan_inherit_its_end():
    text = ("2023年上半年工作总结\n一、上半年主要工作\n确保了基本药物制度顺利推进。\n"
            "二、下半年工作打算\n（一）加强管理，年内完成10个站所改造任务。继续推进医改，提高服务水平。\n（二）加强监督。")
    doc, facts = facts_of(text)
    by_text = {c.text: c for c in facts.commitments}
    assert "确保了基本药物制度顺利推进" not in by_text  # retrospective
    # a lone lead clause goes with the checkable one after it
    assert by_text["加强管理，年内完成10个站所改造任务"].deadline == "2023-12-31"
    assert by_text["加强管理，年内完成10个站所改造任务"].target["value"] == 10
    assert by_text["继续推进医改，提高服务水平"].deadline == "2023-12-31"  # inherited from the 下半年 heading
    assert "加强监督" not in by_text  # a heading naming a field of work, nothing to check


def test_plan_part_of_a_full_year_summary_is_for_next_year():
    text = "2018年卫生工作总结\n一、主要工作\n做了很多。\n二、2019年工作打算\n年内完成10个站所改造任务。"
    _doc, facts = facts_of(text)
    (c,) = [c for c in facts.commitments if "10个" in c.text]
    assert c.deadline == "2019-12-31"


def test_year_end_in_a_numbered_plan_item_of_a_full_year_summary_is_next_year():
    text = ("2019年县卫生健康局工作总结\n一、主要工作\n做了很多。\n三、2020年工作计划\n"
            "（二）年底前完成县中医院迁建工程，新增床位200张。")
    _doc, facts = facts_of(text)
    assert {c.text: c.deadline for c in facts.commitments} == {
        "年底前完成县中医院迁建工程": "2020-12-31", "新增床位200张": "2020-12-31"}


def test_commitments_of_a_plan_document_are_due_by_the_end_of_its_year():
    text = "市卫生健康委2024年工作要点\n一、重点任务\n县域内就诊率达到90%以上。\n二、保障措施\n6月底前出台培养方案。"
    _doc, facts = facts_of(text)
    assert {c.text: c.deadline for c in facts.commitments} == {
        "县域内就诊率达到90%以上": "2024-12-31", "6月底前出台培养方案": "2024-06-30"}


def test_a_line_that_opens_a_plan_part_with_figures_holds_promises():
    text = ("2023年乡镇卫生院上半年工作总结\n一、医疗业务\n门诊量1.8万人次。\n三、下半年工作打算\n"
            "下半年将重点做好家庭医生签约工作，签约率力争达到40%，确保完成全年建档任务。")
    _doc, facts = facts_of(text)
    assert "签约率力争达到40%" in [c.text for c in facts.commitments]
    (target,) = [i for i in facts.indicators if i.value == 40]
    assert (target.kind, target.name) == ("target", "签约率")


def test_a_short_unnumbered_topic_line_in_a_plan_part_is_no_commitment():
    text = ("2023年上半年工作总结\n一、工作\n做了很多。\n二、下半年工作打算\n进一步落实新农合制度。\n"
            "不断完善新农合制度，将参合率继续稳定在95%以上。")
    _doc, facts = facts_of(text)
    texts = [c.text for c in facts.commitments]
    assert "进一步落实新农合制度" not in texts and "将参合率继续稳定在95%以上" in " ".join(texts)


def test_problems_before_the_plan_in_a_part_that_names_both():
    text = ("2020年区疾控中心工作总结\n一、主要工作\n完成检测1.2万人份。\n二、存在问题及下一步打算\n"
            "一是专业人员不足，现有专业技术人员仅35人；二是实验室设备老化。下一步，我们将新招聘专业技术人员5名，年底前完成实验室改造。")
    _doc, facts = facts_of(text)
    assert {i.value: i.kind for i in facts.indicators if i.unit in ("人", "名")} == {35: "actual", 5: "target"}
    texts = [c.text for c in facts.commitments]
    assert not any("35人" in t or "设备老化" in t for t in texts)
    assert "年底前完成实验室改造" in texts


def test_a_signature_date_or_an_announcement_is_no_commitment():
    text = ("2022年教育局上半年工作总结\n现将上半年工作情况及下半年工作打算汇报如下：\n一、上半年工作\n做了很多。\n"
            "二、下半年工作打算\n9月底前完成新建幼儿园验收。\nXX县教育局\n2022年7月12日")
    _doc, facts = facts_of(text)
    assert [c.text for c in facts.commitments] == ["9月底前完成新建幼儿园验收"]


def test_future_marker_outside_plan_part():
    doc, facts = facts_of("2023年工作总结\n一、主要工作\n区医院住院大楼正在抓紧装修，年内即可竣工。")
    assert ("区医院住院大楼正在抓紧装修，年内即可竣工", "2023-12-31") in [(c.text, c.deadline) for c in facts.commitments]


@pytest.mark.parametrize(
    "sentence, units",
    [
        # a checkable clause (number, time, deliverable) stands alone; the clauses after it go with it
        ("中心医院启动jci认证医院创建，提升涉外门诊服务品质。", ["中心医院启动jci认证医院创建，提升涉外门诊服务品质"]),
        # a lone lead clause goes with the checkable one after it
        ("加强健康教育，全面开展健康素养66条宣传。", ["加强健康教育，全面开展健康素养66条宣传"]),
        # several lead clauses stay a statement of their own
        ("加强血液管理，确保临床用血安全，全市完成无偿献血7000人次。", ["加强血液管理，确保临床用血安全", "全市完成无偿献血7000人次"]),
        # two checkable clauses are two commitments
        ("完成招投标方案评审，完成计划招投标3000万元以上。", ["完成招投标方案评审", "完成计划招投标3000万元以上"]),
        # nothing checkable: the whole stretch is one general statement
        ("严格医疗机构设置审批，规范医疗机构执业监管。", ["严格医疗机构设置审批，规范医疗机构执业监管"]),
    ],
)
def test_commitment_units_in_a_plan_part(sentence, units):
    _doc, facts = facts_of("2023年上半年工作总结\n一、上半年工作\n做了很多。\n二、下半年工作打算\n" + sentence)
    assert [c.text for c in facts.commitments if c.text != "做了很多"] == units


# ---------------------------------------------------------------- grounding
def test_every_fact_points_into_the_text():
    text = (Path(__file__).parent / "data" / "web-page-seven-articles.txt").read_text("utf-8")
    for doc in read_text(text):
        facts = extract(doc, entities=False)
        for q in facts.quantities:
            assert doc.text[q.start:q.end] == q.text
        for t in facts.times:
            assert doc.text[t.start:t.end] == t.text
        for c in facts.commitments:
            assert doc.text[c.start:c.end] == c.text
        for i in facts.indicators:
            assert 0 <= i.start < i.end <= len(doc.text) and i.rule
            if i.name_start is not None:  # a name with a span is the text there
                assert doc.text[i.name_start:i.name_end] == i.name


# ---------------------------------------------------------------- the dev gold, where it is beside the project
@pytest.mark.skipif(not (SHARED / "gold" / "score.py").exists(), reason="../shared/gold is not beside the project")
def test_dev_gold_floors():
    zongjie = Path(sys.executable).with_name("zongjie")
    out = subprocess.run(
        [sys.executable, str(SHARED / "gold" / "score.py"), str(SHARED / "gold"), str(SHARED / "corpus"),
         "--json", "--cmd", f"{zongjie} extract --no-entities --format json {{path}}"],
        capture_output=True, text=True, check=True, timeout=600,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    # just under the figures reached (README "Extraction quality"): a regression fails here
    assert figures["quantities"]["f1"] >= 0.99
    assert figures["indicators"]["f1"] >= 0.955
    assert figures["indicators"]["target_f1"] >= 0.99 and figures["indicators"]["kind_accuracy"] >= 0.99
    assert figures["indicators"]["values_invented_for_masked"] == 0
    assert figures["indicators"]["suspect_flagged"] >= 0.99
    assert figures["commitments"]["f1"] >= 0.99  # 0.986 by the rules alone, 0.993 with roles.revise
    assert figures["commitments"]["deadline_accuracy"] >= 0.95
    assert figures["times"]["f1"] >= 0.97 and figures["times"]["normalised_accuracy"] >= 0.99
    assert min(figures["meta"].values()) >= 0.99


def test_plan_part_times_are_of_the_year_planned():
    """年内, 上半年, 6月底前 under 2022年工作计划 in a 2021 summary are of 2022; 今年 and named years stay."""
    doc = read_text("2021年XX镇工作总结\n一、主要工作\n年内完成改厕300户，上半年投入50万元。\n"
                    "二、2022年工作计划\n一是年内新建公园1座；二是6月底前完成道路硬化，今年完成，2023年实现。")[0]
    times = [(t.text, t.from_, t.to) for t in extract(doc, entities=False).times]
    assert times == [
        ("2021年", "2021-01-01", "2021-12-31"), ("年内", "2021-01-01", "2021-12-31"),
        ("上半年", "2021-01-01", "2021-06-30"), ("2022年", "2022-01-01", "2022-12-31"),
        ("年内", "2022-01-01", "2022-12-31"), ("6月底前", "2022-06-30", "2022-06-30"),
        ("今年", "2021-01-01", "2021-12-31"), ("2023年", "2023-01-01", "2023-12-31"),
    ]
    # a half-year summary plans its own year: nothing moves
    doc = read_text("2021年上半年工作总结\n一、主要工作\n做了很多。\n二、下半年工作打算\n年内新建公园1座。")[0]
    assert [(t.text, t.to) for t in extract(doc, entities=False).times][-1] == ("年内", "2021-12-31")


# ---------------------------------------------------------------- the held-apart gold (benchmarks/heldapart)
HELDAPART = Path(__file__).resolve().parent.parent / "benchmarks" / "heldapart"


def _score(gold: Path, corpus: Path, *args: str) -> dict:
    zongjie = Path(sys.executable).with_name("zongjie")
    cmd = " ".join([str(zongjie), "extract", "--no-entities", "--format", "json", *args, "{path}"])
    out = subprocess.run([sys.executable, str(SHARED / "gold" / "score.py"), str(gold), str(corpus), "--json", "--cmd", cmd],
                         capture_output=True, text=True, check=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not (SHARED / "gold" / "score.py").exists(), reason="../shared/gold/score.py is not beside the project")
def test_the_classifier_raises_the_commitment_score_and_lowers_none():
    """Issue 8: with the sentence-role classifier, score.py's commitment score is above the
    rules' alone on the dev gold, and no commitment or kind score is lower on dev, test or test2.
    (Its kind gain on test2 when first scored, 0.988 → 0.989, was later matched by rules:
    README, Learned models.)"""
    sets = {"dev": (SHARED / "gold", SHARED / "corpus"),
            **{name: (HELDAPART / name / "gold", HELDAPART / name / "corpus") for name in ("test", "test2")}}
    figures = {name: (_score(*where, "--rules-only"), _score(*where)) for name, where in sets.items()}
    for rules, model in figures.values():
        assert model["commitments"]["f1"] >= rules["commitments"]["f1"]
        assert model["indicators"]["kind_accuracy"] >= rules["indicators"]["kind_accuracy"]
        assert model["indicators"]["target_f1"] >= rules["indicators"]["target_f1"]
    rules, model = figures["dev"]
    assert model["commitments"]["f1"] > rules["commitments"]["f1"]


@pytest.mark.skipif(not (SHARED / "gold" / "score.py").exists(), reason="../shared/gold/score.py is not beside the project")
@pytest.mark.parametrize(
    "which, floors",
    [
        # just under the figures reached (benchmarks/heldapart/README.md): a regression fails here
        ("tune", {"quantities": 0.985, "indicators": 0.93, "target": 0.99, "commitments": 0.94, "times": 0.975}),
        ("test", {"quantities": 0.96, "indicators": 0.91, "target": 0.99, "commitments": 0.935, "times": 0.975}),
        ("test2", {"quantities": 0.985, "indicators": 0.92, "target": 0.98, "commitments": 0.97, "times": 0.9}),
        # (one 汇报 of Jan–Nov with no months in its title: its period is ``other`` to the annotator, FY to us)
        ("test3", {"quantities": 0.97, "indicators": 0.905, "target": 0.99, "commitments": 0.95, "times": 0.9, "meta": 0.8}),
        ("test4", {"quantities": 0.985, "indicators": 0.94, "target": 0.96, "commitments": 0.94, "times": 0.95}),
    ],
)
def test_heldapart_gold_floors(which, floors):
    zongjie = Path(sys.executable).with_name("zongjie")
    out = subprocess.run(
        [sys.executable, str(SHARED / "gold" / "score.py"), str(HELDAPART / which / "gold"),
         str(HELDAPART / which / "corpus"), "--json", "--cmd", f"{zongjie} extract --no-entities --format json {{path}}"],
        capture_output=True, text=True, check=True, timeout=600,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["quantities"]["f1"] >= floors["quantities"]
    assert figures["indicators"]["f1"] >= floors["indicators"]
    assert figures["indicators"]["target_f1"] >= floors["target"]
    assert figures["indicators"]["values_invented_for_masked"] == 0
    assert figures["commitments"]["f1"] >= floors["commitments"]
    assert figures["times"]["f1"] >= floors["times"]
    assert min(figures["meta"].values()) >= floors.get("meta", 0.99)
