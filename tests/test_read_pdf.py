"""The PDF reader: pages, furniture, line joining, WPS spacing, failures."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from zongjie.corpus.pdf import _despace, join_lines, read_pdf
from zongjie.errors import CorruptFile, NoTextLayer

DATA = Path(__file__).parent / "data"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

LONG_PARAGRAPH = (
    "过去一年，全区上下坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，"
    "统筹推进稳增长、促改革、调结构、惠民生、防风险、保稳定各项工作，"
    "经济社会发展主要目标任务圆满完成，地区生产总值增长百分之五点四。"
)


# --- pure functions ---


@pytest.mark.parametrize(
    "lines, expected",
    [
        (
            ["本报告由区政府办公室根据《中华人民共和", "国政府信息公开条例》要求编制。"],
            ["本报告由区政府办公室根据《中华人民共和国政府信息公开条例》要求编制。"],
        ),
        (
            ["各位代表：", "现在，我代表区人民政府报告工作。"],
            ["各位代表：", "现在，我代表区人民政府报告工作。"],
        ),
        (
            ["全年完成投资一百亿元，增长百分之", "八点五，其中工业投资增长", "一、主要工作"],
            ["全年完成投资一百亿元，增长百分之八点五，其中工业投资增长", "一、主要工作"],
        ),
        (["The report was", "adopted."], ["The report was adopted."]),
    ],
    ids=["inside-sentence", "after-colon", "numbered-heading-breaks", "latin-words-keep-a-space"],
)
def test_join_lines(lines, expected):
    assert join_lines(lines) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("自 2024 年 1 月 1 日起", "自2024年1月1日起"),
        ("2024 年政府信息公开工作年度报告", "2024年政府信息公开工作年度报告"),
        ("受理申请 17 件，增长 5.6% 。", "受理申请17件，增长5.6%。"),
        ("规章 0 0 0", "规章 0 0 0"),
        ("上海市 XX 局", "上海市 XX 局"),
    ],
    ids=["date", "line-start", "count-and-percent", "table-numbers-kept", "latin-kept"],
)
def test_wps_spaces_around_digits(text, expected):
    assert _despace(text) == expected


# --- a real WPS PDF with tables ---


def test_real_wps_pdf():
    doc = read_pdf(DATA / "gov-info-disclosure-2024-wps.pdf")
    assert doc.hints["pages"] == 5
    assert {b.page for b in doc.blocks} == {1, 2, 3, 4, 5}
    texts = [b.text for b in doc.blocks]
    assert texts[:2] == ["淮安市洪泽区人民政府", "2024年政府信息公开工作年度报告"]
    # Page numbers (- 1 - … - 5 -) are gone, wherever WPS put them in the stream.
    assert not any(t.strip("- ").isdigit() for t in texts)
    # A sentence broken over three lines is one block, WPS spaces removed.
    assert any(
        t.startswith(
            "本报告由淮安市洪泽区人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）"
        )
        for t in texts
    )
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert any(b.text == "行政许可\t9487\t\t" or b.text.startswith("行政许可\t9487") for b in rows)
    assert any(b.text.startswith("一、本年新收政府信息公开申请数量") and b.page == 3 for b in rows)


# --- PDFs made by LibreOffice: running header, page-number footer ---


@pytest.fixture(scope="module")
def paged_pdf(tmp_path_factory):
    import shutil

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) not on PATH: apt-get install libreoffice-writer-nogui")
    from zongjie.corpus.office import convert

    tmp = tmp_path_factory.mktemp("paged")
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "某区2024年工作总结（内部资料）"
    footer = d.sections[0].footer.paragraphs[0]
    footer._p.append(docx.oxml.parse_xml(f'<w:r {W_NS}><w:t xml:space="preserve">- </w:t></w:r>'))
    footer._p.append(
        docx.oxml.parse_xml(f'<w:fldSimple {W_NS} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )
    footer._p.append(docx.oxml.parse_xml(f'<w:r {W_NS}><w:t xml:space="preserve"> -</w:t></w:r>'))
    for i in range(1, 41):
        d.add_paragraph(f"（{i}）{LONG_PARAGRAPH}")
    source = tmp / "paged.docx"
    d.save(source)
    return convert(source, "pdf", tmp)


@pytest.mark.libreoffice
def test_pages_header_footer_and_joining(paged_pdf):
    doc = read_pdf(paged_pdf)
    assert doc.hints["pages"] >= 3
    texts = [b.text for b in doc.blocks]
    assert not any("内部资料" in t for t in texts), "running header kept"
    assert not any(t.startswith("- ") for t in texts), "page number kept"
    assert doc.blocks[0].page == 1 and doc.blocks[-1].page == doc.hints["pages"]
    # Paragraphs that fit on one page come back whole, joined without spaces.
    whole = [t for t in texts if t.endswith(LONG_PARAGRAPH)]
    assert len(whole) >= 30


# --- failures ---


def test_truncated_pdf(tmp_path):
    data = (DATA / "gov-info-disclosure-2024-wps.pdf").read_bytes()
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(data[:2000])
    with pytest.raises((CorruptFile, NoTextLayer)):
        read_pdf(bad)


def test_no_text_layer(tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    path = tmp_path / "scan.pdf"
    pdf.save(path)
    with pytest.raises(NoTextLayer) as e:
        read_pdf(path)
    assert e.value.reason == "no_text_layer"


@pytest.mark.libreoffice
def test_encrypted_pdf(tmp_path):
    """A PDF with an open password, written by LibreOffice's PDF export."""
    import shutil
    import subprocess

    from zongjie.errors import EncryptedFile

    shutil.copyfile(DATA / "provincial-2025-word.docx", tmp_path / "in.docx")
    options = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}'
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            f"pdf:writer_pdf_Export:{options}",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "in.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with pytest.raises(EncryptedFile) as e:
        read_pdf(tmp_path / "in.pdf")
    assert e.value.reason == "encrypted"


def test_table_check_without_raw_pdfium_calls_reads_the_same(monkeypatch):
    """The table check calls pdfium through ctypes for speed; if a pypdfium2 release
    changes its raw bindings, the public (slower) way must give the same document."""
    from zongjie.corpus import pdf

    path = DATA / "gov-info-disclosure-2024-wps.pdf"
    fast = read_pdf(path)

    def unavailable(raw):
        raise AttributeError("no raw ctypes function here")

    monkeypatch.setattr(pdf, "_raw_calls", unavailable)
    slow = read_pdf(path)
    assert [(b.text, b.kind, b.page) for b in slow.blocks] == [(b.text, b.kind, b.page) for b in fast.blocks]
