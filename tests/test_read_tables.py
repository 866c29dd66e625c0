"""JSONL and CSV dumps: a document per row, or a sentence file as one document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zongjie.corpus.tables import RowError, read_table
from zongjie.errors import EmptyDocument, UnsupportedFormat

DATA = Path(__file__).parent / "data"


def test_jsonl_one_document_per_row():
    docs = list(read_table(DATA / "national-gwr-slice.jsonl", format="jsonl"))
    assert [d.member for d in docs] == ["row 1", "row 2", "row 3"]
    first = docs[0]
    assert first.hints["title"] == "2025年中华人民共和国国务院政府工作报告"
    assert first.hints["year"] == 2025
    assert first.hints["url"].startswith("https://zh.wikisource.org/")
    assert first.blocks[0].text == "各位代表："
    assert "year" not in docs[1].hints  # the NPC resolution has year null
    assert first.format == "jsonl" and first.encoding == "utf-8"


def test_csv_full_text_row():
    (doc,) = read_table(DATA / "provincial-2026-hebei.csv", format="csv")
    assert doc.member == "row 1"
    assert doc.hints["title"] == "2026年河北省政府工作报告"
    assert doc.hints["year"] == 2026
    assert doc.hints["published"] == "2026-02-02"
    assert doc.hints["fields"] == {"province": "河北省"}
    assert doc.encoding == "utf-8-sig"
    assert [b.text for b in doc.blocks[:3]] == ["下载", "打印", "全屏"]  # web furniture is cleaning's job


def test_parallel_sentence_file_is_one_document():
    (doc,) = read_table(DATA / "parallel-zh-en-2025-slice.csv", format="csv")
    assert doc.member is None
    assert doc.hints == {"rows": 40, "text_field": "中文", "year": 2025}
    texts = [b.text for b in doc.blocks]
    assert texts[:3] == [
        "各位代表：",
        "现在，我代表国务院，向大会报告政府工作，请予审议，并请全国政协委员提出意见。",
        "一、2024年工作回顾",
    ]
    # Rows 4.1–4.4 share paragraph 4 (年度文件内行号) and are joined without spaces.
    assert texts[3].startswith("过去一年，我国发展历程很不平凡。党的二十届三中全会胜利召开")
    assert not any(any("a" <= ch <= "z" for ch in t) for t in texts)  # no English column


@pytest.mark.parametrize(
    "content, fmt, expected",
    [
        ('[{"Input": "三千五百", "Results": []}]', "json", UnsupportedFormat),
        ("province,source_type,text_length\n北京市,existing,16555\n", "csv", UnsupportedFormat),
        ("province,reason\n", "csv", EmptyDocument),
        ("", "jsonl", EmptyDocument),
    ],
    ids=["json-spec-data", "csv-manifest", "csv-header-only", "empty-jsonl"],
)
def test_data_that_is_not_documents(tmp_path, content, fmt, expected):
    path = tmp_path / f"x.{fmt}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(expected):
        list(read_table(path, format=fmt))


def test_bad_jsonl_row_does_not_lose_the_others(tmp_path):
    path = tmp_path / "dump.jsonl"
    rows = [
        json.dumps({"title": "甲", "content": "第一篇。"}, ensure_ascii=False),
        "{broken",
        json.dumps({"title": "乙", "content": "第二篇。"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(rows), encoding="utf-8")
    items = list(read_table(path, format="jsonl"))
    assert [type(i).__name__ for i in items] == ["RawDocument", "RowError", "RawDocument"]
    assert (
        isinstance(items[1], RowError) and items[1].member == "row 2" and items[1].error.reason == "corrupt"
    )


def test_text_field_option_and_gbk_csv(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("标题,正文内容\n总结,全年工作圆满完成。\n".encode("gbk"))
    (doc,) = read_table(path, format="csv", text_field="正文内容")
    assert doc.blocks[0].text == "全年工作圆满完成。"
    assert doc.hints["title"] == "总结"
    assert doc.encoding == "gb18030"


def test_big_csv_field(tmp_path):
    path = tmp_path / "big.csv"
    text = "增长。" * 100_000  # 300,000 characters: over csv's default field limit
    path.write_text(f'title,full_text\n长文,"{text}"\n', encoding="utf-8")
    (doc,) = read_table(path, format="csv")
    assert len(doc.blocks[0].text) == 300_000
