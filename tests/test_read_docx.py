"""The docx reader: order, headings, tables, text boxes, numbering, safety."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from zongjie.corpus.docx import _chinese, read_docx
from zongjie.errors import CorruptFile, UnsafeXml

DATA = Path(__file__).parent / "data"

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _built_docx(tmp_path: Path) -> Path:
    """A docx with a heading, a paragraph, a table, a text box, in that order."""
    d = docx.Document()
    d.add_heading("2024年工作总结", level=1)
    d.add_paragraph("一年来，我们坚持稳中求进。")
    d.add_heading("一、主要成效", level=2)
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["指标", "2023年", "2024年"], ["地区生产总值增长", "5.2%", "5.4%"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    p = d.add_paragraph("正文段落，")
    # A DrawingML text box anchored in the paragraph, with its VML fallback
    # (Word writes both; the text must come out once).
    p._p.append(
        docx.oxml.parse_xml(
            f'<w:r {W_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            '<mc:AlternateContent><mc:Choice Requires="wps"><wps:txbx><w:txbxContent>'
            "<w:p><w:r><w:t>文本框里的说明文字</w:t></w:r></w:p>"
            "</w:txbxContent></wps:txbx></mc:Choice>"
            "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框里的说明文字</w:t></w:r></w:p>"
            "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    outline = d.add_paragraph("按大纲级别的标题")
    outline._p.get_or_add_pPr().append(docx.oxml.parse_xml(f'<w:outlineLvl {W_NS} w:val="2"/>'))
    d.sections[0].header.paragraphs[0].text = "页眉：不进正文"
    d.sections[0].footer.paragraphs[0].text = "页脚：不进正文"
    path = tmp_path / "built.docx"
    d.save(path)
    return path


def test_blocks_in_document_order(tmp_path):
    doc = read_docx(_built_docx(tmp_path))
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        ("heading", 1, "2024年工作总结"),
        ("paragraph", None, "一年来，我们坚持稳中求进。"),
        ("heading", 2, "一、主要成效"),
        ("table_row", None, "指标\t2023年\t2024年"),
        ("table_row", None, "地区生产总值增长\t5.2%\t5.4%"),
        ("paragraph", None, "正文段落，"),
        ("paragraph", None, "文本框里的说明文字"),
        ("heading", 3, "按大纲级别的标题"),
    ]
    assert doc.format == "docx"


def test_headers_and_footers_left_out(tmp_path):
    text = "\n".join(b.text for b in read_docx(_built_docx(tmp_path)).blocks)
    assert "页眉" not in text and "页脚" not in text


@pytest.mark.parametrize(
    "fixture, first, n_blocks",
    [
        ("provincial-2025-word.docx", "2025年河北省政府工作报告", 51),
        ("provincial-2025-wps.docx", None, None),
    ],
    ids=["word", "wps"],
)
def test_real_provincial_reports(fixture, first, n_blocks):
    doc = read_docx(DATA / fixture)
    python_docx = [p.text for p in docx.Document(DATA / fixture).paragraphs if p.text.strip()]
    # The same paragraphs python-docx sees, in order, text untouched.
    assert [b.text for b in doc.blocks] == python_docx
    if first:
        assert doc.blocks[0].text == first
        assert len(doc.blocks) == n_blocks
    assert "主要预期目标" in "".join(b.text for b in doc.blocks)


def test_numbering_labels_rendered(tmp_path):
    d = docx.Document()
    d.add_paragraph("第一条", style="List Number")
    d.add_paragraph("第二条", style="List Number")
    path = tmp_path / "numbered.docx"
    d.save(path)
    texts = [b.text for b in read_docx(path).blocks]
    assert texts == ["1.第一条", "2.第二条"]


@pytest.mark.parametrize(
    "n, expected",
    [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五"), (1005, "一千零五")],
    ids=["1", "10", "12", "20", "105", "1005"],
)
def test_chinese_counting(n, expected):
    assert _chinese(n) == expected


def test_xxe_is_not_resolved(tmp_path):
    """An external entity in document.xml must not pull in a local file."""
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    src = _built_docx(tmp_path)
    evil = tmp_path / "evil.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(evil, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = text.replace(
                    "<w:document",
                    f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]><w:document',
                    1,
                ).replace("一年来", "&xxe;一年来", 1)
                data = text.encode("utf-8")
            zout.writestr(item, data)
    # Word never writes a DTD: the file is refused before any XML is parsed
    with pytest.raises(UnsafeXml) as e:
        read_docx(evil)
    assert e.value.reason == "unsafe_xml"
    assert "机密内容" not in str(e.value)


def test_truncated_docx_is_corrupt(tmp_path):
    data = (DATA / "provincial-2025-word.docx").read_bytes()
    bad = tmp_path / "truncated.docx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFile):
        read_docx(bad)
