"""Cleaning web copies: furniture out, articles split, offsets kept."""

from pathlib import Path

import pytest

from zongjie.corpus.clean import clean_text, is_furniture
from zongjie.corpus.documents import read
from zongjie.corpus.meta import describe
from zongjie.corpus.normalize import map_offset, normalize
from zongjie.corpus.structure import heading_level, role_of, structure

DATA = Path(__file__).parent / "data"


def docs_of(name):
    return clean_text((DATA / name).read_text("utf-8"), source=name)


# ---------------------------------------------------------------- furniture lines
@pytest.mark.parametrize(
    "line",
    [
        pytest.param("好总结 > 总结大全 > 工作总结范文", id="breadcrumb"),
        pytest.param("当前位置: > 总结大全 > 半年总结", id="current-position"),
        pytest.param("发布时间:2019-02-27 热度:13", id="posting-time"),
        pytest.param("发布时间:2024-04-15 09:00:02 查看人数:25", id="view-count"),
        pytest.param("2011-11-23 13:50| 发布者: vv7| 查看: 384| 评论: 0", id="forum-byline"),
        pytest.param("《全区卫生服务工作总结范文.doc》", id="download-file"),
        pytest.param("将本文的Word文档下载,方便收藏和打印", id="download-prompt"),
        pytest.param("点击下载文档", id="click-download"),
        pytest.param("免费预览已结束，剩余5页可下载查看", id="preview-ended"),
        pytest.param("推荐度:", id="rating"),
        pytest.param("相关范文", id="related"),
        pytest.param("一键复制", id="copy-button"),
        pytest.param("Copyright © 2001-2021, Tencent Cloud.", id="copyright"),
        pytest.param("小黑屋|手机版|关于我们|两全其美网校城 ( 京ICP备05068258-34 )", id="icp"),
        pytest.param("本文由小编辑收集整理,提供世界卫生日个人工作总结,为您提供帮助!", id="collected-by"),
        pytest.param("返回顶部", id="back-to-top"),
        pytest.param("时间：2026-02-02", id="page-date"),
        pytest.param("【本文标签】工作总结 疾控中心 妇幼保健院 卫生监督", id="tags"),
        pytest.param("本文档由用户上传,仅供学习交流,如有侵权请联系删除", id="disclaimer"),
        pytest.param("相关文档:医院年度工作总结 | 三级医院创建工作汇报", id="related-docs"),
        pytest.param("【打印本页】 【关闭窗口】", id="print-close"),
        pytest.param("【打印本页】\u3000【关闭窗口】\u3000【返回顶部】", id="print-close-top"),
        pytest.param("主办：柳溪区人民政府办公室　承办：柳溪区信息中心", id="portal-owner"),
        pytest.param("网站标识码：4311000036　　联系电话：0735-2218760", id="portal-code"),
        pytest.param("第6页 / 共6页", id="page-count"),
        pytest.param("【打印本页】 【关闭窗口】 【收藏本页】", id="bracketed-buttons"),
        pytest.param("清风文秘论坛 » 公文写作交流区 » 工作总结 » 宁川县卫生局2009年新农合工作总结及2010年工作计划", id="long-breadcrumb"),
        pytest.param("设为首页 | 收藏本站 | 登录 | 注册 | 帮助", id="link-bar"),
        pytest.param("发表于 2010-1-14 09:37 | 只看该作者 | 字体: 大 中 小", id="forum-post-header"),
        pytest.param("回复 引用 TOP", id="forum-post-end"),
        pytest.param("本帖最后由 清风小编 于 2010-1-16 21:15 编辑", id="forum-edited"),
        pytest.param("xiaolin1986", id="forum-handle"),
        pytest.param("ws_2008", id="forum-handle-underscore"),
        pytest.param("沙发", id="forum-floor"),
        pytest.param("推荐阅读：2018年乡镇爱国卫生月活动总结 | 2019年爱国卫生工作计划范文", id="recommended-links"),
        pytest.param("时间：2019-01-09 10:26:41　来源：网友投稿　作者：佚名", id="page-date-and-source"),
        pytest.param("下载本文  |  上一篇：2023年区卫生监督所工作总结  下一篇：疾控中心2024年上半年工作总结", id="prev-next"),
    ],
)
def test_furniture_line(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("先后投入3000余万元对基层卫生机构进行配套改貌建设。", id="sentence-with-number"),
        pytest.param("一、高度重视,加大投入,为全区卫生工作顺利开展提供有力保障", id="heading"),
        pytest.param("及时下载更新疫情直报系统,确保数据准确。", id="mentions-download"),
        pytest.param("主要工作", id="short-heading"),
        pytest.param("时间：2023年5月至10月，地点：各乡镇卫生院", id="schedule-line"),
        pytest.param("HIV抗体检测", id="latin-and-chinese"),
        pytest.param("指标 | 2022年 | 2023年 | 增长", id="a-text-table-row"),
        pytest.param("H7N9", id="a-virus-alone"),
        pytest.param("COVID-19", id="a-disease-alone"),
        pytest.param("门诊人次 | 1.2万 | 1.5万", id="a-text-table-row-with-figures"),
        pytest.param("推荐阅读：要点如下，一是抓学习，二是抓落实。", id="a-sentence-after-a-label"),
    ],
)
def test_not_furniture(line):
    assert not is_furniture(line)


# ---------------------------------------------------------------- whole pages
def test_web_summary_loses_header_and_footer():
    (doc,) = docs_of("web-summary-with-furniture.txt")
    assert doc.text.startswith("全区卫生服务工作总结范文\n一、高度重视")
    for junk in ("热度", "点击下载文档", "相关范文", "一键复制", "总结大全"):
        assert junk not in doc.text
    assert doc.text.endswith("切实提高卫生行业形象。")


def test_forum_copy_drops_excerpt_ratings_and_appendix():
    (doc,) = docs_of("web-forum-summary-2011.txt")
    assert doc.text.startswith("市卫生局“三好一满意”活动阶段性工作总结")
    assert "摘要" not in doc.text
    assert "延伸内容" not in doc.text and "鲜花" not in doc.text and "Powered" not in doc.text
    assert doc.text.count("今年5月份以来") == 1


def test_page_with_seven_articles_is_split():
    docs = docs_of("web-page-seven-articles.txt")
    assert [d.article.split()[0] for d in docs] == ["第1篇", "第3篇", "第5篇", "第7篇", "第9篇", "第11篇", "第13篇"]
    # the related-article teasers inside 第5篇 are furniture
    fifth = docs[2].text
    assert "我管区现有总人数50000人" not in fifth and "本文由小编辑" not in fifth
    assert fifth.rstrip().endswith("为全面建设小康社会作出新的更大的贡献。")
    # the pager glued to a line in 第9篇 is cut, the line kept
    assert "共3页" not in docs[4].text and "卫生防疫核和无偿献血工作有新的进展" in docs[4].text


def test_offsets_point_back_into_the_raw_text():
    for doc in docs_of("web-page-seven-articles.txt"):
        for i in range(0, len(doc.text), 13):
            if doc.text[i] != "\n":
                assert doc.raw_text[doc.raw_offset(i)] == doc.text[i]


# ---------------------------------------------------------------- width
@pytest.mark.parametrize(
    "raw, clean",
    [
        pytest.param("建档率８４％", "建档率84%", id="fullwidth-digits"),
        pytest.param("ＧＤＰ增长５．２％", "GDP增长5.2%", id="fullwidth-letters-and-point"),
        pytest.param("一、总体要求：坚持（一）", "一、总体要求：坚持（一）", id="chinese-punctuation-kept"),
        pytest.param("家庭\u200b医生", "家庭医生", id="zero-width-dropped"),
    ],
)
def test_normalize(raw, clean):
    text, runs = normalize(raw)
    assert text == clean
    for i, ch in enumerate(text):
        src = raw[map_offset(runs, i)]
        assert src == ch or normalize(src)[0] == ch


# ---------------------------------------------------------------- metadata
@pytest.mark.parametrize(
    "text, title, year, masked, period, doc_type",
    [
        pytest.param("2023年卫生局上半年工作总结\n今年以来，我局……", "2023年卫生局上半年工作总结", 2023, False, "H1", "summary", id="h1-summary"),
        pytest.param("县卫生局xx年上半年工作总结\n……", "县卫生局xx年上半年工作总结", None, True, "H1", "summary", id="masked-year"),
        pytest.param("2024年卫生健康工作要点\n……", "2024年卫生健康工作要点", 2024, False, "FY", "plan", id="plan"),
        pytest.param("政府工作报告\n——2025年1月14日在河南省第十四届人民代表大会第三次会议上\n……", "政府工作报告", 2025, False, "FY", "report", id="gov-report"),
        pytest.param("二〇一九年第一季度工作汇报\n……", "二〇一九年第一季度工作汇报", 2019, False, "Q1", "report", id="chinese-year-quarter"),
        pytest.param("市卫生局“三好一满意”活动阶段性工作总结\n按照《2011年工作要点》……《2011年方案》……", "市卫生局“三好一满意”活动阶段性工作总结", 2011, False, "other", "summary", id="year-from-body"),
        pytest.param("全区卫生服务工作总结范文\n今年……", "全区卫生服务工作总结", None, False, "FY", "summary", id="no-year-site-suffix"),
        pytest.param("镇健康扶贫工作情况汇报\n今年以来，我镇……\n白岩镇人民政府\n2019年11月13日", "镇健康扶贫工作情况汇报", 2019, False, "FY", "report",
                     id="year-from-signature"),
        pytest.param("镇卫生院工作总结\n今年以来……\n某镇卫生院\n2020年1月8日", "镇卫生院工作总结", None, False, "FY", "summary",
                     id="january-signature-proves-nothing"),
        pytest.param("第十二届全国人民代表大会第三次会议关于政府工作报告的决议\n第十二届全国人民代表大会第三次会议听取和审议了……",
                     "第十二届全国人民代表大会第三次会议关于政府工作报告的决议", 2015, False, "FY", "other", id="npc-resolution"),
        pytest.param("政府工作报告\n在第一届全国人民代表大会第一次会议上\n……", "政府工作报告", 1954, False, "FY", "report",
                     id="npc-session-year"),
    ],
)
def test_meta(text, title, year, masked, period, doc_type):
    (doc,) = clean_text(text)
    meta = describe(doc)
    assert (meta.title, meta.year, meta.year_masked, meta.period, meta.doc_type) == (title, year, masked, period, doc_type)


@pytest.mark.parametrize(
    "title, org",
    [
        ("2016年县妇幼保健院上半年工作总结", "县妇幼保健院"),
        ("县卫生监督所20xx年上半年工作情况汇报", "县卫生监督所"),
        ("2023年城南区疾病预防控制中心工作总结", "城南区疾病预防控制中心"),
        ("2022年柳溪镇卫生院工作总结", "柳溪镇卫生院"),
    ],
)
def test_org_from_the_title(title, org):
    (doc,) = clean_text(title + "\n今年以来，我们做了很多工作。")
    assert describe(doc).org == org


def test_a_government_named_above_its_report_title():
    """洪泽区人民政府 above 2023年政府信息公开工作年度报告: not 推进政府 from the body."""
    (doc,) = clean_text("洪泽区人民政府\n2023年政府信息公开工作年度报告\n"
                        "本报告由淮安市洪泽区人民政府办公室根据条例编制。推进政府信息公开。推进政府网站建设。")
    assert describe(doc).org == "淮安市洪泽区人民政府"


def test_org_from_national_and_provincial_reports():
    (doc,) = clean_text("政府工作报告\n——2025年1月14日在河南省第十四届人民代表大会第三次会议上\n各位代表：")
    assert describe(doc).org == "河南省人民政府"
    (doc,) = clean_text("政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n各位代表：")
    assert describe(doc).org == "国务院"


@pytest.mark.parametrize(
    "text, year, title, org",
    [
        ("现在，我代表国务院，向大会报告政府工作，请予审议。\n一、2024年工作回顾", 2025, "2025年国务院政府工作报告", "国务院"),
        ("现在，我代表国务院，向大会作政府工作报告，请予审议。\n一、2025年工作回顾", 2026, "2026年国务院政府工作报告", "国务院"),
        ("现在，我代表河北省人民政府，向大会报告政府工作，请予审议。", 2026, "2026年河北省人民政府政府工作报告", "河北省人民政府"),
        ("现在，我代表国务院向大会报告。", 2025, None, None),  # no 政府工作: no report title made
    ],
)
def test_report_without_title_line_gets_one_from_its_opening(text, year, title, org):
    """The sentence-aligned CSVs of the national reports keep no title line: the opening names the report."""
    (doc,) = clean_text(text)
    meta = describe(doc, {"year": year})
    assert (meta.title, meta.year, meta.doc_type, meta.org) == (title, year, "report", org)


def test_parallel_csv_meta():
    (doc,) = read(DATA / "parallel-zh-en-2025-slice.csv")
    assert (doc.meta.title, doc.meta.year, doc.meta.org, doc.meta.doc_type) == ("2025年国务院政府工作报告", 2025, "国务院", "report")


def test_article_metadata_from_its_heading():
    docs = docs_of("web-page-seven-articles.txt")
    metas = [describe(d) for d in docs]
    assert [m.year for m in metas] == [2023, None, 2023, 2023, None, None, None]
    assert metas[4].year_masked
    assert all(m.period == "H1" and m.doc_type == "summary" for m in metas)
    assert metas[6].title == "卫生局上半年任务总结"


# ---------------------------------------------------------------- structure
@pytest.mark.parametrize(
    "line, level",
    [
        ("一、上半年主要工作", 1),
        ("（二）加大力度,基层卫生机构标准化建设得到加强。", 2),
        ("(三)创新模式", 2),
        ("1、政策措施。一是注重组织保障。", 3),
        ("（1）加强领导", 4),
        ("第三部分 存在的问题", 0),
        ("今年以来，我们", None),
        ("2023年卫生工作总结", None),
    ],
)
def test_heading_level(line, level):
    assert heading_level(line) == level


@pytest.mark.parametrize(
    "heading, role",
    [
        ("一、上半年主要工作", "review"),
        ("二、存在困难和问题", "problems"),
        ("三、下半年工作思路", "plan"),
        ("2.改善医疗服务行动计划深入实施", None),  # a programme's name, no plan
        ("1.人口计划全面完成", None),  # a plan done is a review
        ("二、2019年工作计划", "plan"),
        ("三、2025年政府工作任务", "plan"),
        ("一、2024年工作回顾", "review"),
        ("（一）扎实推进", None),
    ],
)
def test_role_of(heading, role):
    assert role_of(heading) == role


def test_sections_and_sentences():
    text = (
        "2023年卫生局上半年工作总结\n一、上半年主要工作\n（一）医改工作稳步推进。建档率84%。\n"
        "二、存在的问题\n经费不足。\n三、下半年工作打算\n（一）加强管理。年内完成10个站所建设。"
    )
    (doc,) = clean_text(text)
    doc.meta = describe(doc)
    structure(doc)
    roles = {s.heading: s.role for s in doc.sections}
    assert roles["一、上半年主要工作"] == "review"
    assert roles["（一）医改工作稳步推进"] == "review"
    assert roles["二、存在的问题"] == "problems"
    assert roles["（一）加强管理"] == "plan"
    last = doc.sentences[-1]
    assert last.text == "年内完成10个站所建设。"
    assert doc.sections[last.section].role == "plan"
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text


@pytest.mark.parametrize(
    "text, role",
    [
        # a work report delivered in January plans the year its heading names
        ("2026年河北省政府工作报告\n——2026年1月26日在河北省第十四届人民代表大会第四次会议上\n"
         "一、2025年工作回顾\n做了很多。\n三、2026年主要工作\n（一）全力办好国家大事\n加快建设。", "plan"),
        ("2026年湖南省政府工作报告\n——2026年1月25日在湖南省第十四届人民代表大会第五次会议上\n"
         "三、关于2026年工作\n（一）全力办好国家大事\n加快建设。", "plan"),
        # a heading that looks back keeps its role, even of the year being planned
        ("2026年某市政府工作报告\n——2026年1月26日在某市第十届人民代表大会第五次会议上\n"
         "三、2026年以来存在的问题\n（一）全力办好国家大事\n经费不足。", "problems"),
        # a summary's 主要工作 reviews its year
        ("2023年卫生局工作总结\n一、2023年主要工作\n（一）全力办好国家大事\n建档率84%。", "review"),
        # undated: no telling when it was given
        ("2026年河北省政府工作报告\n三、2026年主要工作\n（一）全力办好国家大事\n加快建设。", "review"),
    ],
    ids=["delivered-in-january", "no-role-word", "looks-back", "summary", "undated"],
)
def test_a_reports_own_year_heading_plans(text, role):
    (doc,) = clean_text(text)
    doc.meta = describe(doc)
    structure(doc)
    assert doc.sections[doc.sentences[-1].section].role == role


def _roles_of(text: str) -> dict[str | None, str]:
    """Each section's role by its heading, the text read as a document."""
    (doc,) = clean_text(text)
    doc.meta = describe(doc)
    structure(doc)
    return {s.heading: s.role for s in doc.sections}


def test_a_remedy_under_a_plan_heading_plans():
    """（一）加快补齐学前教育短板 under 三、下半年工作打算 plans; 二、存在的问题 names problems."""
    roles = _roles_of("2022年教育局上半年工作总结\n一、上半年工作情况\n建档率84%。\n二、存在的问题和不足\n学位不足。\n"
                      "三、下半年工作打算\n（一）加快补齐学前教育短板\n年底前新增学位1500个。")
    assert roles["二、存在的问题和不足"] == "problems"
    assert roles["（一）加快补齐学前教育短板"] == "plan"


def test_plan_opener_without_heading():
    text = "总结\n一、主要工作\n做了很多。\n下一步,我们要针对上述问题,现提出以下几点打算:\n一是加强领导。"
    (doc,) = clean_text(text)
    doc.meta = describe(doc)
    structure(doc)
    last = doc.sentences[-1]
    assert doc.sections[last.section].role == "plan"


def test_document_id_follows_its_text():
    """The id is cached (the store reads it once a row), but never outlives the text it hashes."""
    import hashlib

    (doc,) = clean_text("2023年卫生局上半年工作总结\n今年以来，我局……")
    first = doc.id
    assert doc.id == first == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:32]
    doc.text = doc.text + "补记。"
    assert doc.id == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:32] != first


def test_a_labelled_teaser_goes_alone_and_articles_stay_apart():
    """One 相关阅读：…... after each article of a page: a site's teaser, though no cluster of three."""
    text = ("县级卫生单位工作总结范文3篇\n"
            "第1篇 XX县疾控中心2016年工作总结 1800字\n2016年，全年报告法定传染病12种386例。\n"
            "相关阅读：疾控中心2016年上半年工作总结 上半年，在县卫计局党委的正确领导下，我中心紧紧围绕年度目标任务...\n"
            "第2篇 2016年县妇幼保健院上半年工作总结 1200字\n上半年，住院分娩率100%。\n"
            "一次会议开得很好，大家都说……\n")
    docs = clean_text(text)
    assert [d.article for d in docs] == ["第1篇 XX县疾控中心2016年工作总结 1800字", "第2篇 2016年县妇幼保健院上半年工作总结 1200字"]
    assert "相关阅读" not in docs[0].text
    assert docs[1].text.endswith("大家都说……")  # an author's own ellipsis stays


def test_a_page_of_two_signed_articles_is_split_at_the_second_title():
    """No 第N篇 headings: the first article's signature, then the next one's title, is the seam."""
    body = "今年全区新建公厕12座，改造农贸市场5个，病媒生物密度控制在C级以内。" * 9
    text = ("首页 > 范文大全 > 工作总结\n某区卫计局2018年工作总结（两篇）\n"
            "某区卫计局2018年爱国卫生工作总结\n" + body + "\n某区卫生和计划生育局（区爱卫办）\n2018年12月20日\n"
            "推荐阅读：2018年乡镇爱国卫生月活动总结 | 2019年爱国卫生工作计划范文\n"
            "某区卫计局2018年医政工作总结及2019年工作计划\n" + body + "\n某区卫生和计划生育局医政科\n2018年12月28日\n"
            "上一篇：2018年卫生监督工作总结\n相关推荐：社区卫生服务中心2018年工作总结 | 区卫计局2019年工作要点\n")
    docs = clean_text(text)
    assert [d.article for d in docs] == ["某区卫计局2018年爱国卫生工作总结", "某区卫计局2018年医政工作总结及2019年工作计划"]
    assert docs[0].text.endswith("2018年12月20日") and docs[1].text.endswith("2018年12月28日")
    assert "推荐阅读" not in docs[0].text + docs[1].text


def test_a_signature_with_a_closing_line_after_it_stays_one_article():
    """A title-like line after the signature with no article after it (附：…计划) is no second article."""
    text = "某县卫生局2014年工作总结\n今年新建村卫生室20所。\n某县卫生局\n2014年12月20日\n附：2015年工作计划另行印发"
    assert len(clean_text(text)) == 1


def test_a_forum_thread_keeps_its_first_post_and_drops_the_replies():
    body = "2009年，全县参合农民38.6万人，参合率96.2%，筹资总额3860万元。" * 8
    text = ("清风文秘论坛 » 公文写作交流区 » 工作总结 » 宁川县卫生局2009年新农合工作总结\n 设为首页 | 收藏本站 | 登录\n"
            " ws_2008\n 楼主\n 发表于 2010-1-14 09:37 | 只看该作者 | 字体: 大 中 小\n"
            "宁川县卫生局2009年新农合工作总结\n" + body + "\n宁川县卫生局\n二〇〇九年十二月二十八日\n"
            " 回复 引用 TOP\n xiaolin1986\n 沙发\n 发表于 2010-1-14 11:02 | 只看该作者\n"
            " 写得很全面，数据也详细，收藏了，谢谢楼主分享！我们县门诊统筹今年也要全面铺开了。\n 回复 引用 TOP\n")
    (doc,) = clean_text(text)
    assert doc.text.startswith("宁川县卫生局2009年新农合工作总结\n")
    assert doc.text.endswith("二〇〇九年十二月二十八日")


def test_a_wikisource_copy_loses_its_licence_box():
    body = "过去一年，国内生产总值增长5%，城镇新增就业1256万人。" * 10
    text = "2025年政府工作报告\n" + body + "\n本作品是中华人民共和国的\n法律\n、\n法规\n，国家机关的决议……属于\n公有领域\n。\nPublic domain\nfalse"
    (doc,) = clean_text(text)
    assert doc.text.endswith("1256万人。")


@pytest.mark.parametrize(
    "title, months",
    [("太原市卫生健康委员会2025年前三季度工作总结", "M1-M9"), ("2019年1—10月工作情况汇报", "M1-M10"),
     ("1至十一月份工作总结", "M1-M11"), ("2019年工作总结", None)],
)
def test_covered_months_of_an_other_period(title, months):
    from zongjie.corpus.meta import covered_months

    assert covered_months(title) == months
