"""Finding files, detecting formats, and read_file never raising."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zongjie.corpus.detect import detect_format
from zongjie.corpus.read import ReadFailure, is_skipped, iter_files, read_file
from zongjie.errors import EncryptedFile, UnsupportedFormat

DATA = Path(__file__).parent / "data"


def test_iter_files_sorted_skips_hidden_and_temp(tmp_path):
    for name in [
        "b/2024年总结.docx",
        "a/报告.pdf",
        "a/~$报告.docx",
        "a/.~lock.报告.docx#",
        "a/Thumbs.db",
        ".DS_Store",
        ".git/config",
        "c/notes.txt~",
        "c/说明.txt",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    (tmp_path / "c" / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a/报告.pdf", "b/2024年总结.docx", "c/说明.txt"]


def test_iter_files_keeps_a_file_named_explicitly(tmp_path):
    path = tmp_path / ".hidden.txt"
    path.write_text("x", encoding="utf-8")
    assert list(iter_files([path])) == [path]


@pytest.mark.parametrize(
    "name, skipped",
    [
        ("~$报告.docx", True),
        (".~lock.报告.docx#", True),
        ("Thumbs.db", True),
        (".DS_Store", True),
        ("__MACOSX/._a.txt", True),
        ("报告.docx~", True),
        ("报告.docx", False),
        ("../evil.txt", False),  # unsafe, but that is for the archive reader to say
    ],
    ids=["word-owner", "lo-lock", "thumbs", "ds-store", "macosx", "backup", "normal", "dotdot"],
)
def test_is_skipped(name, skipped):
    assert is_skipped(name) is skipped


# --- detection ---


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("provincial-2025-word.docx", "docx"),
        ("gov-info-disclosure-2024-wps.pdf", "pdf"),
        ("gbk-transcript.txt", "txt"),
        ("gov-page-with-nav.html", "html"),
        ("national-gwr-slice.jsonl", "jsonl"),
        ("provincial-2026-hebei.csv", "csv"),
    ],
    ids=["docx", "pdf", "gbk-txt", "html", "jsonl", "csv"],
)
def test_detect_real_files(fixture, expected):
    assert detect_format(DATA / fixture) == expected


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("report.doc", (DATA / "provincial-2025-word.docx").read_bytes(), "docx"),  # content beats the name
        ("page.txt", b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("x.pdf.txt", b"%PDF-1.7\n", "pdf"),
        ("notes", "各位代表".encode("gbk"), "txt"),
        (
            "old.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "WordDocument".encode("utf-16-le"),
            "doc",
        ),
        (
            "old.wps",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "WordDocument".encode("utf-16-le"),
            "wps",
        ),
    ],
    ids=["docx-named-doc", "html-named-txt", "pdf-named-txt", "no-extension", "ole2-doc", "ole2-wps"],
)
def test_detect_by_content(tmp_path, name, data, expected):
    path = tmp_path / name
    path.write_bytes(data)
    assert detect_format(path) == expected


@pytest.mark.parametrize(
    "name, data, error",
    [
        ("junk.txt", os.urandom(64) + b"\0\0\x01\x02" * 64, UnsupportedFormat),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, UnsupportedFormat),
        (
            "locked.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + "EncryptionInfo".encode("utf-16-le")
            + "EncryptedPackage".encode("utf-16-le"),
            EncryptedFile,
        ),
    ],
    ids=["binary-junk", "png", "encrypted-ooxml"],
)
def test_detect_refuses(tmp_path, name, data, error):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error):
        detect_format(path)


# --- read_file never raises ---


def _truncated(fixture: str) -> bytes:
    data = (DATA / fixture).read_bytes()
    return data[: len(data) // 3]


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty"),
        ("empty.docx", b"", "corrupt"),
        ("junk.txt", b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 100, "unsupported_format"),
        ("truncated.docx", _truncated("provincial-2025-word.docx"), "corrupt"),
        ("truncated.pdf", _truncated("gov-info-disclosure-2024-wps.pdf"), None),
        ("bad.zip", b"PK\x03\x04" + b"\0" * 50, "corrupt"),
        ("spec.json", b'[{"Input": "\xe4\xb8\x89", "Results": []}]', "unsupported_format"),
        ("slides.pptx", None, "unsupported_format"),
    ],
    ids=[
        "empty-txt",
        "empty-docx",
        "binary-junk",
        "truncated-docx",
        "truncated-pdf",
        "bad-zip",
        "json-data",
        "pptx",
    ],
)
def test_read_file_never_raises(tmp_path, name, data, reason):
    path = tmp_path / name
    if data is None:
        import zipfile

        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("ppt/presentation.xml", "<p/>")
    else:
        path.write_bytes(data)
    items = list(read_file(path))
    assert items, "a failure must be reported, not dropped"
    if reason is None:
        # pdfium repairs some truncated PDFs; either text or a recorded failure is fine.
        assert all(isinstance(i, ReadFailure) or i.blocks for i in items)
        return
    (failure,) = items
    assert isinstance(failure, ReadFailure)
    assert failure.reason == reason
    assert failure.source == str(path) and failure.error_class and failure.message


def test_reader_bug_becomes_read_failed(tmp_path, monkeypatch):
    import zongjie.corpus.text as text

    def broken(*args, **kwargs):
        raise RuntimeError("bug in a reader")

    monkeypatch.setattr(text, "read_text", broken)
    path = tmp_path / "a.txt"
    path.write_text("正文。", encoding="utf-8")
    (failure,) = read_file(path)
    assert (failure.reason, failure.error_class, failure.message) == (
        "read_failed",
        "RuntimeError",
        "bug in a reader",
    )


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError):
        read_file(DATA / "gbk-transcript.txt", no_such_option=1)
