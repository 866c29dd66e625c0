"""Zip archives: GBK names, unsafe members, bombs, nesting, encryption."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from zongjie.corpus.archive import Limits, iter_members, member_name
from zongjie.corpus.read import ReadFailure, is_skipped, read_file

DATA = Path(__file__).parent / "data"


class _GbkZipInfo(zipfile.ZipInfo):
    """A member whose name is written as GBK bytes, without the UTF-8 flag."""

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's own hook
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _zip_without_utf8_flag(path: Path, members: dict[str, bytes]) -> None:
    """A zip as Chinese Windows writes it: GBK names and no UTF-8 flag (bit 0x800)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = _GbkZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    with zipfile.ZipFile(path) as zf:
        assert not any(i.flag_bits & 0x800 for i in zf.infolist())


def _documents(items):
    return [i for i in items if not isinstance(i, ReadFailure)]


def _failures(items):
    return [i for i in items if isinstance(i, ReadFailure)]


def test_gbk_member_names(tmp_path):
    path = tmp_path / "31省区市政府工作报告.zip"
    _zip_without_utf8_flag(
        path,
        {
            "31省区市政府工作报告/2025年河北省政府工作报告.docx": (
                DATA / "provincial-2025-word.docx"
            ).read_bytes(),
            "31省区市政府工作报告/2025年西藏政府工作报告.docx": (
                DATA / "provincial-2025-wps.docx"
            ).read_bytes(),
        },
    )
    with zipfile.ZipFile(path) as zf:
        assert "河北" not in zf.namelist()[0]  # what zipfile alone gives: mojibake
    docs = list(read_file(path))
    assert [d.member for d in docs] == [
        "31省区市政府工作报告/2025年河北省政府工作报告.docx",
        "31省区市政府工作报告/2025年西藏政府工作报告.docx",
    ]
    assert all(d.source == str(path) and d.format == "docx" for d in docs)
    assert docs[0].blocks[0].text == "2025年河北省政府工作报告"


@pytest.mark.parametrize(
    "raw, flag, expected",
    [
        ("总结.txt".encode("gbk"), 0, "总结.txt"),
        ("总结.txt".encode(), 0, "总结.txt"),
        ("總結.txt".encode(), 0x800, "總結.txt"),
        (b"report.txt", 0, "report.txt"),
    ],
    ids=["gbk-no-flag", "utf8-no-flag", "utf8-flag", "ascii"],
)
def test_member_name(raw, flag, expected):
    info = zipfile.ZipInfo(raw.decode("utf-8") if flag else raw.decode("cp437"))
    info.flag_bits = flag
    assert member_name(info) == expected


def test_unsafe_members_refused_others_read(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../evil.txt", "越界文件")
        zf.writestr("/etc/absolute.txt", "绝对路径")
        zf.writestr("ok/总结.txt", "全年工作圆满完成。")
    items = list(read_file(path))
    assert [d.member for d in _documents(items)] == ["ok/总结.txt"]
    assert [(f.member, f.reason, f.stage) for f in _failures(items)] == [
        ("../evil.txt", "unsafe_archive", "archive"),
        ("/etc/absolute.txt", "unsafe_archive", "archive"),
    ]


def test_zip_bomb_member_refused(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.txt", b"\0" * 200_000)  # compresses about 1000 times
        zf.writestr("总结.txt", "全年工作圆满完成。")
    items = list(read_file(path, max_ratio=50, ratio_floor=10_000))
    assert [d.member for d in _documents(items)] == ["总结.txt"]
    (failure,) = _failures(items)
    assert failure.member == "zeros.txt" and failure.reason == "unsafe_archive"
    assert "zip bomb" in failure.message


def test_total_size_limit(tmp_path):
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(3):
            zf.writestr(f"{i}.txt", "全年工作圆满完成。" * 100)
    items = list(read_file(path, max_total_size=6_000))
    assert len(_documents(items)) == 2
    assert [f.reason for f in _failures(items)] == ["unsafe_archive"]


def test_nested_zip_and_depth_limit(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("内层/总结.txt", "内层的总结。")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())
        zf.writestr("外层.txt", "外层的文字。")
    docs = _documents(read_file(outer))
    assert sorted(d.member for d in docs) == ["inner.zip!内层/总结.txt", "外层.txt"]
    items = list(read_file(outer, max_depth=1))
    assert [(f.member, f.reason) for f in _failures(items)] == [("inner.zip", "unsafe_archive")]


def test_encrypted_member(tmp_path):
    path = tmp_path / "locked.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("open.txt", "公开的文字。")
        info = zipfile.ZipInfo("locked.txt")
        zf.writestr(info, "加密的文字。")
    # zipfile cannot write encrypted members: set the flag bit in both headers.
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 10] == b"locked.txt":
                data[start + offset] |= 0x1
            start += 4
    path.write_bytes(bytes(data))
    items = list(read_file(path))
    assert [d.member for d in _documents(items)] == ["open.txt"]
    assert [(f.member, f.reason) for f in _failures(items)] == [("locked.txt", "encrypted")]


def test_hidden_and_temp_members_skipped(tmp_path):
    path = tmp_path / "mac.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("__MACOSX/._总结.txt", b"\0\x05\x16\x07junk")
        zf.writestr("~$总结.docx", b"owner file")
        zf.writestr("总结.txt", "正文。")
    assert [m.name for m in iter_members(path, Limits(), skip=is_skipped)] == ["总结.txt"]
