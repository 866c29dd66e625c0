"""Text files in the encodings Chinese offices use, and HTML pages."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from zongjie.corpus.html import read_html
from zongjie.corpus.text import decode_bytes, read_text
from zongjie.errors import EmptyDocument, UnsupportedFormat

DATA = Path(__file__).parent / "data"

SIMPLIFIED = "各位代表：\n现在，我代表区人民政府向大会报告工作，请予审议。\n过去一年，地区生产总值增长百分之五点四，一般公共预算收入增长百分之六。\n"
TRADITIONAL = "各位代表：\n現在，我代表區人民政府向大會報告工作，請予審議。\n過去一年，地區生產總值增長百分之五點四，一般公共預算收入增長百分之六。\n"


@pytest.mark.parametrize(
    "data, encoding, text",
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8", SIMPLIFIED),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig", SIMPLIFIED),
        (SIMPLIFIED.encode("utf-16"), "utf-16", SIMPLIFIED),
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16", SIMPLIFIED),
        (SIMPLIFIED.encode("gbk"), "gb18030", SIMPLIFIED),
        (SIMPLIFIED.encode("gb18030"), "gb18030", SIMPLIFIED),
        (TRADITIONAL.encode("big5"), "big5", TRADITIONAL),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "gbk", "gb18030", "big5"],
)
def test_decode(data, encoding, text):
    assert decode_bytes(data) == (text, encoding)


def test_gbk_transcript():
    doc = read_text(DATA / "gbk-transcript.txt")
    assert doc.encoding == "gb18030"
    assert doc.blocks[0].text == "政府工作报告（文字实录）"
    assert any("国内生产总值达到99.1万亿元，增长6.1%" in b.text for b in doc.blocks)
    assert all(b.text.strip() for b in doc.blocks)  # blank lines are not blocks


@pytest.mark.parametrize(
    "data, error",
    [
        (b"", EmptyDocument),
        (b"\n \n\t\n", EmptyDocument),
        (bytes(range(128, 256)) * 8, UnsupportedFormat),
    ],
    ids=["empty", "blank-lines", "high-bytes-junk"],
)
def test_text_failures(tmp_path, data, error):
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(error):
        read_text(path)


# --- HTML ---


def test_html_main_text_without_furniture():
    doc = read_html(DATA / "gov-page-with-nav.html")
    texts = [b.text for b in doc.blocks]
    joined = "\n".join(texts)
    for furniture in ("首页", "机构概况", "相关文章", "分享到", "ICP备案号", "不应出现的脚本文字"):
        assert furniture not in joined, furniture
    assert doc.hints == {
        "title": "2024年区卫生健康局工作总结",
        "url": "https://www.example.gov.cn/zwgk/2025/0108/123.html",
    }
    assert doc.encoding == "utf-8"
    kinds = [(b.kind, b.level) for b in doc.blocks if b.kind != "paragraph"]
    assert kinds == [("heading", 1), ("heading", 2), ("table_row", None), ("table_row", None), ("heading", 2)]
    assert "门急诊人次（万）\t116.0\t125.6" in texts
    assert "基层医疗人才不足。" in texts
    assert "\u3000\u3000（一）医疗服务能力持续提升。全年门急诊总量达到125.6万人次，同比增长8.3%。" in texts


def test_html_gbk_with_meta_charset(tmp_path):
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>总结</title></head><body><p>全年完成投资一百亿元。</p></body></html>'
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("gbk"))
    doc = read_html(path)
    assert [b.text for b in doc.blocks] == ["全年完成投资一百亿元。"]
    assert doc.encoding == "gb18030"
