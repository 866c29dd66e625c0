"""OCR of scanned pages (the ``ocr`` extra), on scans made at test time.

A real PDF page (and a docx page, through LibreOffice) is rasterised by
pdftoppm and wrapped, image only, into a new PDF by Pillow: the scan has no
text layer, and the original's text layer is the answer it is scored against.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from zongjie.corpus import ocr
from zongjie.corpus.pdf import read_pdf

DATA = Path(__file__).parent / "data"
WPS_PDF = DATA / "gov-info-disclosure-2024-wps.pdf"

needs_ocr = pytest.mark.skipif(not ocr.available(), reason="OCR extra missing: pip install 'zongjie[ocr]'")
needs_pdftoppm = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm missing: apt-get install poppler-utils")


def scan(pdf: Path, pages: list[int], out: Path, dpi: int = 150) -> Path:
    """An image-only PDF of the given pages, as a scanner would make it."""
    from PIL import Image

    images = []
    for page in pages:
        prefix = out / f"{pdf.stem}-p{page}"
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", "-png", str(pdf), str(prefix)],
            check=True,
        )
        images.append(Image.open(f"{prefix}.png").convert("RGB"))
    target = out / f"{pdf.stem}-scan.pdf"
    images[0].save(target, save_all=True, append_images=images[1:], resolution=dpi)
    return target


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        previous = current
    return previous[-1]


def char_accuracy(truth: str, read: str) -> float:
    """1 - edit distance / length, spaces ignored (line breaks fall differently)."""
    truth, read = "".join(truth.split()), "".join(read.split())
    return 1 - edit_distance(truth, read) / len(truth)


def page_text(raw, pages) -> str:
    return "".join(b.text for b in raw.blocks if b.page in pages)


# --- the helpers themselves (they decide the tests below, so they are checked too) ---


@pytest.mark.parametrize(
    ("truth", "read", "accuracy"),
    [
        pytest.param("建档率84%", "建档率84%", 1.0, id="same"),
        pytest.param("建档率84%", "建档率 84 %", 1.0, id="spaces-ignored"),
        pytest.param("建档率84%", "建挡率84%", 5 / 6, id="one-substitution"),
        pytest.param("建档率84%", "建档率8%", 5 / 6, id="one-deletion"),
        pytest.param("建档率84%", "", 0.0, id="nothing-read"),
    ],
)
def test_char_accuracy(truth, read, accuracy):
    assert char_accuracy(truth, read) == pytest.approx(accuracy)


# --- scans read back ---


@needs_ocr
@needs_pdftoppm
@pytest.mark.slow
def test_scanned_wps_pdf_page_reads_back(tmp_path):
    original = read_pdf(WPS_PDF)
    scanned = read_pdf(scan(WPS_PDF, [2], tmp_path))
    accuracy = char_accuracy(page_text(original, {2}), page_text(scanned, {1}))
    assert accuracy >= 0.95, accuracy
    assert "pages_without_text" not in scanned.hints
    info = scanned.hints["ocr"]
    assert info["engine"].startswith("rapidocr-onnxruntime@")
    assert 0.9 <= info["confidence"] <= 1 and set(info["pages"]) == {"1"}


@needs_ocr
@needs_pdftoppm
@pytest.mark.slow
@pytest.mark.libreoffice
def test_scanned_docx_page_reads_back(office_files, tmp_path):
    original = read_pdf(office_files["pdf"])
    scanned = read_pdf(scan(office_files["pdf"], [1], tmp_path))
    accuracy = char_accuracy(page_text(original, {1}), page_text(scanned, {1}))
    assert accuracy >= 0.95, accuracy


@needs_ocr
@pytest.mark.slow
def test_scanned_page_inside_a_text_pdf_keeps_its_page_number(tmp_path):
    """Page 2 of three is a scan: its text comes back on page 2, the others from their text layer."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(WPS_PDF))
    image = source[1].render(scale=150 / 72).to_pil().convert("RGB")
    image_pdf = tmp_path / "page2.pdf"
    image.save(image_pdf, resolution=150)
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(source, [0])
    mixed.import_pages(pdfium.PdfDocument(str(image_pdf)))
    mixed.import_pages(source, [2])
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))

    raw = read_pdf(path)
    original = read_pdf(WPS_PDF)
    assert set(raw.hints["ocr"]["pages"]) == {"2"}
    assert page_text(raw, {1}) == page_text(original, {1})
    assert char_accuracy(page_text(original, {2}), page_text(raw, {2})) >= 0.95


@needs_ocr
@needs_pdftoppm
@pytest.mark.slow
def test_ocr_confidence_is_stored_with_the_document(tmp_path):
    from zongjie.ingest import ingest
    from zongjie.schema.store import Store

    scanned = scan(WPS_PDF, [1], tmp_path)
    db = tmp_path / "z.db"
    with Store(db) as store:
        ingest([scanned], store, entities=False)
    conn = sqlite3.connect(db)
    confidence, info, pages = conn.execute("SELECT ocr_confidence, ocr, pages FROM documents").fetchone()
    assert 0.9 <= confidence <= 1
    assert json.loads(info)["engine"].startswith("rapidocr-onnxruntime@")
    assert {page for _, _, page in json.loads(pages)} == {1}


def test_text_layer_documents_have_no_ocr_confidence(fresh_db):
    from zongjie.corpus.documents import read_path

    for doc in read_path(WPS_PDF):
        fresh_db.add_document(doc)
    rows = list(fresh_db.documents())
    assert rows and all(row["ocr_confidence"] is None for row in rows)


# --- without the extra: the scan is recorded, not lost ---


@needs_pdftoppm
def test_without_the_ocr_extra_a_scan_is_a_no_text_layer_error(tmp_path):
    scanned = scan(WPS_PDF, [1], tmp_path, dpi=50)
    # a None entry in sys.modules makes the package unimportable, as if never installed
    program = (
        "import sys; sys.modules['rapidocr_onnxruntime'] = None\n"
        "from zongjie.corpus.pdf import read_pdf\n"
        "from zongjie.errors import NoTextLayer\n"
        f"try:\n    read_pdf({str(scanned)!r})\nexcept NoTextLayer as e:\n    print(e.reason, '|', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert out.startswith("no_text_layer |")
    assert "pip install 'zongjie[ocr]'" in out
