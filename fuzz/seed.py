"""Write the seed corpora of the fuzz targets into ``fuzz/.corpus/<target>/``.

Seeds are small valid inputs (from tests/data, or made here by the real
libraries) for the fuzzer to mutate; nothing binary is committed.

    python fuzz/seed.py
"""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
CORPUS = HERE / ".corpus"

TEXT = "2024年卫生健康工作总结\n一年来，全县新建村卫生室12个，家庭医生签约服务覆盖率达到75.3%。\n"


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    document.add_table(rows=2, cols=2).cell(0, 0).text = "指标"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def _tiny_pdf() -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(200, 200)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def seeds() -> dict[str, dict[str, bytes]]:
    small_docx = _docx(TEXT.splitlines())
    return {
        "docx": {"small.docx": small_docx},
        "pdf": {
            "wps.pdf": (DATA / "gov-info-disclosure-2024-wps.pdf").read_bytes(),
            "blank-page.pdf": _tiny_pdf(),
        },
        "html": {
            "nav.html": (DATA / "gov-page-with-nav.html").read_bytes()[:20000],
            "gbk.html": ('<html><head><meta charset="gbk"></head><body><p>' + TEXT + "</p></body></html>").encode("gbk"),
        },
        "text": {
            "utf8.txt": TEXT.encode(),
            "gbk.txt": (DATA / "gbk-transcript.txt").read_bytes()[:4000],
            "utf16.txt": TEXT.encode("utf-16"),
            "utf16-nobom.txt": TEXT.encode("utf-16-le"),
            "big5.txt": "各位代表：現在我代表市人民政府向大會報告工作。".encode("big5"),
            "mixed.txt": TEXT.encode() + TEXT.encode("gbk"),
        },
        "zip": {
            "flat.zip": _zip({"a.txt": TEXT.encode(), "b/c.txt": TEXT.encode("gbk")}),
            "nested.zip": _zip({"inner.zip": _zip({"x.txt": TEXT.encode()}), "y.docx": small_docx}),
        },
    }


def main() -> int:
    for target, files in seeds().items():
        folder = CORPUS / target
        folder.mkdir(parents=True, exist_ok=True)
        for name, body in files.items():
            (folder / name).write_bytes(body)
    print(f"seeds written to {CORPUS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    shutil.rmtree(CORPUS / "_unused", ignore_errors=True)
    sys.exit(main())
