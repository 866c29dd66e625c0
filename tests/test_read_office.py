"""Legacy .doc and .wps through the real LibreOffice."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from zongjie.corpus import office
from zongjie.corpus.detect import detect_format
from zongjie.corpus.docx import read_docx
from zongjie.corpus.office import read_office
from zongjie.errors import ConverterFailed, ConverterMissing

pytestmark = pytest.mark.libreoffice


@pytest.mark.parametrize("kind", ["doc", "wps"], ids=["doc", "wps"])
def test_doc_and_wps_equal_docx_text(office_files, kind):
    assert detect_format(office_files[kind]) == kind
    converted = read_office(office_files[kind], format=kind)
    original = read_docx(office_files["docx"])
    assert converted.format == kind
    assert converted.source == str(office_files[kind])
    assert [b.text for b in converted.blocks] == [b.text for b in original.blocks]


def test_pdf_export_keeps_chinese(office_files):
    from zongjie.corpus.pdf import read_pdf

    doc = read_pdf(office_files["pdf"])
    text = "".join(b.text for b in doc.blocks)
    assert "2025年河北省政府工作报告" in text
    assert "各位代表：" in text


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def test_timeout_kills_and_reports(tmp_path, monkeypatch, office_files):
    # A converter that hangs, with a child of its own: both must die.
    bin_dir = _fake_soffice(tmp_path, "sleep 30 & sleep 30")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(ConverterFailed, match="more than 0.5 s") as e:
        read_office(office_files["doc"], timeout=0.5)
    assert e.value.reason == "converter_failed"


def test_missing_soffice_names_the_package(tmp_path, monkeypatch, office_files):
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    with pytest.raises(ConverterMissing, match="apt-get install libreoffice-writer-nogui"):
        read_office(office_files["doc"])


def test_converter_producing_nothing(tmp_path, monkeypatch, office_files):
    bin_dir = _fake_soffice(tmp_path, "exit 0")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(ConverterFailed, match="produced no"):
        read_office(office_files["doc"])
